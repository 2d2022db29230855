"""Detail, create, edit, clone, delete, convert, send email."""
from django.urls import path

from leads.views import detail, edit

urlpatterns = [
    path("new/", edit.lead_create, name="create"),
    path("<int:lead_id>/", detail.lead_detail, name="detail"),
    path("<int:lead_id>/edit/", edit.lead_edit, name="edit"),
    path("<int:lead_id>/clone/", edit.lead_clone, name="clone"),
    path("<int:lead_id>/delete/", edit.lead_delete, name="delete"),
    path("<int:lead_id>/convert/", edit.lead_convert, name="convert"),
    path("<int:lead_id>/email/", edit.lead_email, name="email"),
]
