from django.urls import path

from contacts import views
from crmui.views import not_built_yet

app_name = "contacts"
urlpatterns = [
    path("", views.contact_list, name="list"),
    path("<int:contact_id>/", not_built_yet, name="detail"),
]
