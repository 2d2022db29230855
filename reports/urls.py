from django.urls import path

from crmui.views import not_built_yet

app_name = "reports"
urlpatterns = [
    path("export/leads.csv", not_built_yet, name="export_leads"),
    path("export/contacts.csv", not_built_yet, name="export_contacts"),
]
