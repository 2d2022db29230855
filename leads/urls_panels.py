"""Notes and files panels of the lead detail page."""
from django.urls import path

from leads.views import detail, files, notes

urlpatterns = [
    path("<int:lead_id>/notes/", notes.notes_panel, name="notes"),
    path("<int:lead_id>/notes/add/", notes.note_add, name="note_add"),
    path("<int:lead_id>/notes/<int:note_id>/edit/", notes.note_edit, name="note_edit"),
    path("<int:lead_id>/notes/<int:note_id>/delete/", notes.note_delete, name="note_delete"),
    path("<int:lead_id>/files/", files.files_panel, name="files"),
    path("<int:lead_id>/activity/", detail.activity_panel, name="activity"),
    path("<int:lead_id>/files/upload/", files.file_upload, name="file_upload"),
    path("<int:lead_id>/files/delete/", files.files_delete, name="files_delete"),
]
