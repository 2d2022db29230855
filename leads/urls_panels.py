"""Notes and files panels of the lead detail page."""

from django.urls import path

import crmui.converters  # noqa: F401  (registers <id:...>: positive ids only)
from leads.views import detail, files, notes

urlpatterns = [
    path("<id:lead_id>/notes/", notes.notes_panel, name="notes"),
    path("<id:lead_id>/notes/add/", notes.note_add, name="note_add"),
    path("<id:lead_id>/notes/<id:note_id>/edit/", notes.note_edit, name="note_edit"),
    path("<id:lead_id>/notes/<id:note_id>/delete/", notes.note_delete, name="note_delete"),
    path("<id:lead_id>/files/", files.files_panel, name="files"),
    path("<id:lead_id>/activity/", detail.activity_panel, name="activity"),
    path("<id:lead_id>/files/upload/", files.file_upload, name="file_upload"),
    path("<id:lead_id>/files/delete/", files.files_delete, name="files_delete"),
]
