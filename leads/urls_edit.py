"""Detail, create, edit, clone, delete, convert, send email."""

from django.urls import path

import crmui.converters  # noqa: F401  (registers <id:...>: positive ids only)
from leads.views import detail, edit

urlpatterns = [
    path("new/", edit.lead_create, name="create"),
    path("<id:lead_id>/", detail.lead_detail, name="detail"),
    path("<id:lead_id>/edit/", edit.lead_edit, name="edit"),
    path("<id:lead_id>/clone/", edit.lead_clone, name="clone"),
    path("<id:lead_id>/delete/", edit.lead_delete, name="delete"),
    path("<id:lead_id>/convert/", edit.lead_convert, name="convert"),
    path("<id:lead_id>/email/", edit.lead_email, name="email"),
]
