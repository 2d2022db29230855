"""Statuses and sources (admins), mounted under /settings/pipeline/."""
app_name = "pipeline"
urlpatterns = []
