"""The notes panel of the lead detail page (``#notes-panel``): list, add, edit in place, delete.

htmx requests get the panel alone (``leads/_notes_panel.html``); plain requests get a page with
the panel (GET) or go back to the lead (a successful POST), so everything works without JS.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.roles import require
from crmui.errors import apply_api_errors, user_message
from crmui.htmx import redirect_after_write
from crmui.taskip import TaskipError
from crmui.taskip import errors as api_errors
from crmui.writes import canon, conflict_rows, read_snapshot, resolve_edit, seen_of, snapshot
from leads import panels
from leads.forms_panels import NoteForm

FOLD_CHARS = 320  # notes longer than this fold behind "Show more"
NOTE_FIELDS = ("title", "note")


def _render(
    request,
    lead_id: int,
    *,
    form=None,
    editing=None,
    edit_form=None,
    flash: str = "",
    alert: str = "",
    refresh: bool = False,
    status: int = 200,
    conflict: dict | None = None,
):
    ctx = {
        **(conflict or {}),
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


def _find(lead_id: int, note_id: int, *, refresh: bool = False, strict: bool = False):
    """The note as cached (or, with ``refresh``, as TaskIP holds it now). None when it is not
    there; with ``strict`` a failed read raises instead of answering None."""
    try:
        notes = panels.notes_for(lead_id=lead_id, refresh=refresh).value
    except TaskipError:
        if strict:
            raise
        return None
    return next((n for n in notes if n.id == note_id), None)


def _done(request, lead_id: int, text: str):
    """After a successful write: the fresh panel (htmx) or back to the lead (plain form)."""
    if request.htmx:
        return _render(request, lead_id, flash=text)
    messages.success(request, text)
    return redirect_after_write(request, reverse("leads:detail", args=[lead_id]) + "#notes-panel")


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
    outcome = panels.note_create(
        actor=request.user,
        lead_id=lead_id,
        title=form.cleaned_data["title"],
        note=form.cleaned_data["note"],
        token=form.cleaned_data.get("token") or None,
    )
    if outcome.saved:
        return _done(request, lead_id, "This note was already added." if outcome.replay else "Note added.")
    if outcome.unconfirmed:
        form.add_error(None, outcome.unconfirmed_message("the note") + " Your note is still here.")
    elif isinstance(outcome.error, (api_errors.ValidationError, api_errors.Conflict)):
        apply_api_errors(form, outcome.error)
    else:
        form.add_error(
            None,
            user_message(outcome.error)
            + " "
            + outcome.not_saved_note()
            + " Your note is still here; send it again when ready.",
        )
    return _render(request, lead_id, form=form)


@require_http_methods(["GET", "POST"])
@require("note.write")
def note_edit(request, lead_id: int, note_id: int):
    if request.method == "GET":
        note = _find(lead_id, note_id)
        if note is None:
            return _render(request, lead_id, alert="That note no longer exists or could not be loaded.", refresh=True)
        form = NoteForm(
            initial={
                "title": note.title or "",
                "note": note.note or "",
                "loaded": snapshot({"title": note.title, "note": note.note}),
            },
            prefix_id=f"note-{note_id}",
        )
        return _render(request, lead_id, editing=note_id, edit_form=form)
    form = NoteForm(request.POST, prefix_id=f"note-{note_id}")
    if not form.is_valid():
        return _render(request, lead_id, editing=note_id, edit_form=form)
    # What TaskIP holds now (the one extra read): keep what someone else changed meanwhile.
    try:
        note = _find(lead_id, note_id, refresh=True, strict=True)
    except TaskipError as exc:
        form.add_error(None, user_message(exc) + " Nothing was saved; your changes are still here.")
        return _render(request, lead_id, editing=note_id, edit_form=form)
    if note is None:
        form.add_error(
            None,
            "This note no longer exists in TaskIP (someone may have deleted it). "
            "Copy your text if you want to keep it.",
        )
        return _render(request, lead_id, editing=note_id, edit_form=form)
    typed = {"title": form.cleaned_data["title"], "note": form.cleaned_data["note"]}
    held = {"title": note.title, "note": note.note}
    loaded = read_snapshot(form.cleaned_data.get("loaded")) or {k: canon(v) for k, v in held.items()}
    merge = resolve_edit(form=form, post=request.POST, loaded=loaded, typed=typed, held=held, fields=NOTE_FIELDS)
    if merge.conflicts:
        data = form.data.copy()
        data["seen"] = seen_of(merge)
        form.data = data
        return _render(
            request,
            lead_id,
            editing=note_id,
            edit_form=form,
            conflict={
                "conflicts": conflict_rows(form, merge, {"title": "Title", "note": "Note"}),
                "conflict_what": "note",
                "conflict_kept": [],
                "conflict_seen": seen_of(merge),
            },
        )
    if not merge.mine:
        return _done(request, lead_id, "Nothing was changed.")
    title = typed["title"] if "title" in merge.mine else (note.title or "")
    text = typed["note"] if "note" in merge.mine else (note.note or "")
    outcome = panels.note_update(
        actor=request.user, lead_id=lead_id, note_id=note_id, title=title, note=text, before=note
    )
    if outcome.saved:
        kept = (
            " Someone else's change to the " + " and ".join(sorted(merge.theirs)) + " is kept." if merge.theirs else ""
        )
        return _done(request, lead_id, "Note updated." + kept)
    exc = outcome.error
    if outcome.unconfirmed:
        form.add_error(None, outcome.unconfirmed_message("your change") + " Your text is still here.")
    elif isinstance(exc, (api_errors.ValidationError, api_errors.Conflict)):
        apply_api_errors(form, exc)
    elif isinstance(exc, api_errors.NotFound):
        form.add_error(
            None,
            "This note no longer exists in TaskIP (someone may have deleted it). "
            "Copy your text if you want to keep it.",
        )
    else:
        form.add_error(
            None,
            user_message(exc) + " " + outcome.not_saved_note() + " Your changes are still here; save again when ready.",
        )
    return _render(request, lead_id, editing=note_id, edit_form=form)


@require_POST
@require("note.write")
def note_delete(request, lead_id: int, note_id: int):
    note = _find(lead_id, note_id)
    outcome = panels.note_delete(
        actor=request.user, lead_id=lead_id, note_id=note_id, label=(note.title if note else "") or ""
    )
    if outcome.saved:
        return _done(request, lead_id, "Note deleted.")
    if isinstance(outcome.error, api_errors.NotFound):
        return _done(request, lead_id, "That note was already deleted.")
    if outcome.unconfirmed:
        text = outcome.unconfirmed_message("the delete", "done")
    else:
        text = "The note was not deleted. " + user_message(outcome.error)
    if request.htmx:
        return _render(request, lead_id, alert=text)
    messages.error(request, text)
    return redirect_after_write(request, reverse("leads:detail", args=[lead_id]) + "#notes-panel")
