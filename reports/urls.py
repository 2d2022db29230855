from django.urls import path

from reports.views import export, imports, overview

app_name = "reports"
urlpatterns = [
    path("", overview.overview, name="overview"),
    path("export/leads.csv", export.export_leads, name="export_leads"),
    path("export/contacts.csv", export.export_contacts, name="export_contacts"),
    path("import/", imports.import_upload, name="import"),
    path("import/template.csv", imports.import_template, name="import_template"),
    path("import/<uuid:job_id>/", imports.import_job, name="import_job"),
    path("import/<uuid:job_id>/map/", imports.import_map, name="import_map"),
    path("import/<uuid:job_id>/review/", imports.import_review, name="import_review"),
    path("import/<uuid:job_id>/report.csv", imports.import_report, name="import_report"),
]
