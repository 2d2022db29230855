"""Detail, create, edit, clone, delete, convert, send email."""
from django.urls import path

from crmui.views import not_built_yet
from leads.views import detail

urlpatterns = [
    path("<int:lead_id>/", detail.lead_detail, name="detail"),
    path("new/", not_built_yet, name="create"),
]
