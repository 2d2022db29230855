"""Notes and files of one lead: cached reads and audited writes.

Cache namespaces are per lead (``notes:<id>``, ``files:<id>``) so a write to one lead's notes
never throws away another lead's. Every write invalidates its namespace and is audited; a
failed write raises the client's ``TaskipError`` for the view to show (never retried here).
"""
from __future__ import annotations

from datetime import UTC, datetime
from typing import BinaryIO

from audit.trail import audited
from crmui import api
from crmui.cache import Cached, cached, invalidate, peek, put
from crmui.taskip import LeadFile, Note, Page

FILES_PER_PAGE = 10
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _notes_ns(lead_id: int) -> str:
    return f"notes:{lead_id}"


def _files_ns(lead_id: int) -> str:
    return f"files:{lead_id}"


# --------------------------------------------------------------------------- notes
def notes_for(*, lead_id: int, refresh: bool = False) -> Cached[list[Note]]:
    """The lead's notes, newest first (by creation time, then id)."""

    def fetch() -> list[Note]:
        return _newest_first(api.client().notes.list(lead_id))

    return cached(_notes_ns(lead_id), ["list"], fetch, refresh=refresh)


def _peek_notes(lead_id: int) -> list[Note] | None:
    entry = peek(_notes_ns(lead_id), ["list"])
    return None if entry is None else entry.value


def _newest_first(notes) -> list[Note]:
    return sorted(notes, key=lambda n: (n.created_at or _EPOCH, n.id or 0), reverse=True)


def _write_through(lead_id: int, before: list[Note] | None, change) -> None:
    """After a successful note write: the panel's list is the cached one with the change
    applied (the API answered with the whole note), so showing it costs no call."""
    invalidate(_notes_ns(lead_id))
    if before is not None:
        put(_notes_ns(lead_id), ["list"], _newest_first(change(list(before))))


def note_create(*, actor, lead_id: int, title: str, note: str) -> Note:
    before = _peek_notes(lead_id)
    try:
        with audited(actor, "note.create", "note", None, changes={"lead_id": lead_id, "title": title},
                     label=title) as result:
            created = api.client().notes.create(lead_id, title=title, note=note)
            result.object_id = created.id
    except BaseException:
        invalidate(_notes_ns(lead_id))
        raise
    _write_through(lead_id, before, lambda notes: [created, *(n for n in notes if n.id != created.id)])
    return created


def note_update(*, actor, lead_id: int, note_id: int, title: str, note: str, before: Note | None = None) -> Note:
    changes: dict = {"lead_id": lead_id}
    if before is not None:
        if (before.title or "") != title:
            changes["title"] = [before.title, title]
        if (before.note or "") != note:
            changes["note"] = "changed"
    else:
        changes.update(title=title, note="changed")
    cached_before = _peek_notes(lead_id)
    try:
        with audited(actor, "note.update", "note", note_id, changes=changes, label=title):
            updated = api.client().notes.update(lead_id, note_id, title=title, note=note)
    except BaseException:
        # Even a failed save may have been applied upstream (a timeout after sending): re-read.
        invalidate(_notes_ns(lead_id))
        raise
    _write_through(lead_id, cached_before, lambda notes: [updated if n.id == note_id else n for n in notes])
    return updated


def note_delete(*, actor, lead_id: int, note_id: int, label: str = "") -> str:
    cached_before = _peek_notes(lead_id)
    try:
        with audited(actor, "note.delete", "note", note_id, changes={"lead_id": lead_id}, label=label):
            msg = api.client().notes.delete(lead_id, note_id)
    except BaseException:
        invalidate(_notes_ns(lead_id))
        raise
    _write_through(lead_id, cached_before, lambda notes: [n for n in notes if n.id != note_id])
    return msg


# --------------------------------------------------------------------------- files
def files_for(*, lead_id: int, search: str = "", page: int = 1, per_page: int | None = None,
              refresh: bool = False) -> Cached[Page[LeadFile]]:
    search = (search or "").strip()
    per_page = per_page or FILES_PER_PAGE
    return cached(
        _files_ns(lead_id),
        ["list", search, page, per_page],
        lambda: api.client().files.list(lead_id, search=search or None, item=per_page, page=page),
        refresh=refresh,
    )


def file_upload(*, actor, lead_id: int, file: BinaryIO, filename: str, content_type: str | None,
                size: int | None) -> str:
    """Stream one file to TaskIP. ``file`` is read in chunks while sending (Django keeps large
    uploads in a temporary file), never whole in memory."""
    try:
        file.seek(0)
    except (AttributeError, OSError, ValueError):
        pass
    try:
        with audited(actor, "file.upload", "file", None,
                     changes={"lead_id": lead_id, "name": filename, "size": size, "type": content_type},
                     label=filename):
            msg = api.client().files.upload(lead_id, file=file, filename=filename,
                                            content_type=content_type or "application/octet-stream")
    finally:
        invalidate(_files_ns(lead_id))
    return msg


def files_delete(*, actor, lead_id: int, ids: list[int], names: list[str] | None = None) -> str:
    label = ", ".join(names or [])[:300]
    try:
        with audited(actor, "file.delete", "file", ",".join(str(i) for i in ids)[:64],
                     changes={"lead_id": lead_id, "ids": ids, "names": names or []}, label=label):
            msg = api.client().files.bulk_delete(lead_id, ids)
    finally:
        invalidate(_files_ns(lead_id))
    return msg


# --------------------------------------------------------------------------- who did it
# Every call goes through the workspace's one API key, so TaskIP records the key's owner as the
# author of every note and file. The audit trail knows which person in the dashboard it was.
def _person(entry) -> str:
    user = entry.user
    if user is not None:
        return user.get_full_name() or user.get_username()
    return entry.username or ""


def note_authors(*, lead_id: int, note_ids: list[int]) -> dict[int, str]:
    from audit.models import AuditEntry

    ids = [str(i) for i in note_ids if i is not None]
    if not ids:
        return {}
    out: dict[int, str] = {}
    rows = (AuditEntry.objects.filter(action="note.create", outcome="ok", object_type="note", object_id__in=ids)
            .select_related("user").order_by("at"))
    for entry in rows:
        if (entry.changes or {}).get("lead_id") in (lead_id, str(lead_id)):
            name = _person(entry)
            if name:
                out[int(entry.object_id)] = name
    return out


def file_uploaders(*, lead_id: int, names: list[str]) -> dict[str, str]:
    """File name -> who last uploaded a file of that name to this lead through the dashboard."""
    from audit.models import AuditEntry

    names = [n for n in names if n]
    if not names:
        return {}
    out: dict[str, str] = {}
    rows = (AuditEntry.objects.filter(action="file.upload", outcome="ok", object_type="file", object_label__in=names)
            .select_related("user").order_by("at"))
    for entry in rows:
        if (entry.changes or {}).get("lead_id") in (lead_id, str(lead_id)):
            name = _person(entry)
            if name:
                out[entry.object_label] = name
    return out
