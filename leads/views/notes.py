"""The notes panel of the lead detail page (``#notes-panel``): list, add, edit in place, delete.

htmx requests get the panel alone (``leads/_notes_panel.html``); plain requests get a page with
the panel (GET) or go back to the lead (a successful POST), so everything works without JS.
"""
from __future__ import annotations

from django.contrib import messages
from django.core.cache import cache
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.roles import require
from crmui.errors import apply_api_errors, user_message
from crmui.taskip import TaskipError
from crmui.taskip import errors as api_errors
from leads import panels
from leads.forms_panels import NoteForm

IDEM_SECONDS = 600
FOLD_CHARS = 320  # notes longer than this fold behind "Show more"


def _idem_key(user_id, token: str) -> str:
    return f"idem:note:{user_id}:{token}"


def _render(request, lead_id: int, *, form=None, editing=None, edit_form=None, flash: str = "",
            alert: str = "", refresh: bool = False, status: int = 200):
    ctx = {
        "lead_id": lead_id,
        "notes": None,
        "notes_error": "",
        "form": form if form is not None else NoteForm(prefix_id="note-new"),
        "editing": editing,
        "edit_form": edit_form,
        "flash": flash,
        "alert": alert,
        "fold_chars": FOLD_CHARS,
        "fetched_at": None,
    }
    try:
        result = panels.notes_for(lead_id=lead_id, refresh=refresh)
        ctx["notes"] = result.value
        ctx["fetched_at"] = result.fetched_at
        ctx["stale"] = result.stale
        authors = panels.note_authors(lead_id=lead_id, note_ids=[n.id for n in result.value])
        ctx["note_rows"] = [(n, authors.get(n.id, "")) for n in result.value]
    except TaskipError as exc:
        ctx["notes_error"] = user_message(exc)
        if isinstance(exc, api_errors.NotFound):
            ctx["notes_error"] = "This lead no longer exists in TaskIP, so its notes cannot be shown."
    if request.htmx:
        return render(request, "leads/_notes_panel.html", ctx, status=status)
    ctx["panel_template"] = "leads/_notes_panel.html"
    ctx["panel_title"] = "Notes"
    return render(request, "leads/panel_page.html", ctx, status=status)


def _find(lead_id: int, note_id: int):
    try:
        notes = panels.notes_for(lead_id=lead_id).value
    except TaskipError:
        return None
    return next((n for n in notes if n.id == note_id), None)


def _done(request, lead_id: int, text: str):
    """After a successful write: the fresh panel (htmx) or back to the lead (plain form)."""
    if request.htmx:
        return _render(request, lead_id, flash=text)
    messages.success(request, text)
    return redirect(reverse("leads:detail", args=[lead_id]) + "#notes-panel")


@require_GET
@require("lead.view")
def notes_panel(request, lead_id: int):
    return _render(request, lead_id, refresh="refresh" in request.GET)


@require_POST
@require("note.write")
def note_add(request, lead_id: int):
    form = NoteForm(request.POST, prefix_id="note-new")
    if not form.is_valid():
        return _render(request, lead_id, form=form)
    token = form.cleaned_data.get("token") or ""
    if token and cache.get(_idem_key(request.user.pk, token)):
        # The same form sent twice (double click, resubmitted page): it is already saved.
        return _done(request, lead_id, "Note added.")
    try:
        created = panels.note_create(actor=request.user, lead_id=lead_id, title=form.cleaned_data["title"],
                                     note=form.cleaned_data["note"])
    except TaskipError as exc:
        if isinstance(exc, (api_errors.ValidationError, api_errors.Conflict)):
            apply_api_errors(form, exc)
        else:
            form.add_error(None, user_message(exc) + " Your note is still here; send it again when ready.")
        return _render(request, lead_id, form=form)
    if token:
        cache.set(_idem_key(request.user.pk, token), created.id or True, IDEM_SECONDS)
    return _done(request, lead_id, "Note added.")


@require_http_methods(["GET", "POST"])
@require("note.write")
def note_edit(request, lead_id: int, note_id: int):
    note = _find(lead_id, note_id)
    if request.method == "GET":
        if note is None:
            return _render(request, lead_id, alert="That note no longer exists or could not be loaded.", refresh=True)
        form = NoteForm(initial={"title": note.title or "", "note": note.note or ""}, prefix_id=f"note-{note_id}")
        return _render(request, lead_id, editing=note_id, edit_form=form)
    form = NoteForm(request.POST, prefix_id=f"note-{note_id}")
    if not form.is_valid():
        return _render(request, lead_id, editing=note_id, edit_form=form)
    try:
        panels.note_update(actor=request.user, lead_id=lead_id, note_id=note_id, title=form.cleaned_data["title"],
                           note=form.cleaned_data["note"], before=note)
    except TaskipError as exc:
        if isinstance(exc, (api_errors.ValidationError, api_errors.Conflict)):
            apply_api_errors(form, exc)
        elif isinstance(exc, api_errors.NotFound):
            form.add_error(None, "This note no longer exists in TaskIP (someone may have deleted it). "
                                 "Copy your text if you want to keep it.")
        else:
            form.add_error(None, user_message(exc) + " Your changes are still here; save again when ready.")
        return _render(request, lead_id, editing=note_id, edit_form=form)
    return _done(request, lead_id, "Note updated.")


@require_POST
@require("note.write")
def note_delete(request, lead_id: int, note_id: int):
    note = _find(lead_id, note_id)
    try:
        panels.note_delete(actor=request.user, lead_id=lead_id, note_id=note_id,
                           label=(note.title if note else "") or "")
    except TaskipError as exc:
        if isinstance(exc, api_errors.NotFound):
            return _done(request, lead_id, "That note was already deleted.")
        text = "The note was not deleted. " + user_message(exc)
        if request.htmx:
            return _render(request, lead_id, alert=text)
        messages.error(request, text)
        return redirect(reverse("leads:detail", args=[lead_id]) + "#notes-panel")
    return _done(request, lead_id, "Note deleted.")
