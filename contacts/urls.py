from django.urls import path

import crmui.converters  # noqa: F401  (registers <id:...>: positive ids only)
from contacts import views

app_name = "contacts"
urlpatterns = [
    path("", views.contact_list, name="list"),
    path("new/", views.contact_create, name="create"),
    path("bulk-delete/", views.contact_bulk_delete, name="bulk_delete"),
    path("<id:contact_id>/", views.contact_detail, name="detail"),
    path("<id:contact_id>/edit/", views.contact_edit, name="edit"),
    path("<id:contact_id>/delete/", views.contact_delete, name="delete"),
    path("<id:contact_id>/invite/", views.contact_invite, name="invite"),
]
