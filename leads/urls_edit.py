"""Detail, create, edit, clone, delete, convert, send email."""
from django.urls import path

from leads.views import detail

urlpatterns = [
    path("<int:lead_id>/", detail.lead_detail, name="detail"),
]
