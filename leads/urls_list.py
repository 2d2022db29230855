"""List, board and bulk actions."""
from django.urls import path

from leads.views import listing

urlpatterns = [
    path("", listing.lead_list, name="list"),
]
