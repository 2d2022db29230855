"""Notes and files of one lead: cached reads and audited writes.

Cache namespaces are per lead (``notes:<id>``, ``files:<id>``) so a write to one lead's notes
never throws away another lead's. Every write goes through the one write path
(``crmui.writes.perform``) and returns its ``Outcome`` for the view to render; an unknown
outcome is settled by reading the lead's notes (or files) back. Never retried here.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import BinaryIO

from django.conf import settings

from crmui import api, writes
from crmui.cache import Cached, cached, peek, put
from crmui.taskip import LeadFile, Note, Page
from crmui.writes import Found, Outcome

FILES_PER_PAGE = 10
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def panel_seconds() -> int:
    """``LEAD_PANEL_SECONDS``: how long a lead page's panels (notes, files, activity) are shown
    from their copy, in the product's seconds (every write through the dashboard updates them at
    once; a change made in TaskIP itself shows within it)."""
    return settings.LEAD_PANEL_SECONDS


def _notes_ns(lead_id: int) -> str:
    return f"notes:{lead_id}"


def _files_ns(lead_id: int) -> str:
    return f"files:{lead_id}"


# --------------------------------------------------------------------------- notes
def notes_for(*, lead_id: int, refresh: bool = False) -> Cached[list[Note]]:
    """The lead's notes, newest first (by creation time, then id)."""

    def fetch() -> list[Note]:
        return _newest_first(api.client().notes.list(lead_id))

    return cached(_notes_ns(lead_id), ["list"], fetch, refresh=refresh, ttl=panel_seconds())


def _peek_notes(lead_id: int) -> list[Note] | None:
    entry = peek(_notes_ns(lead_id), ["list"])
    return None if entry is None else entry.value


def _newest_first(notes) -> list[Note]:
    return sorted(notes, key=lambda n: (n.created_at or _EPOCH, n.id or 0), reverse=True)


def _write_through(lead_id: int, before: list[Note] | None, change):
    """After a confirmed note write: the panel's list is the cached one with the change
    applied (the API answers with the whole note), so showing it costs no call. Runs as the
    write's ``write_through`` effect, after its namespace was invalidated."""

    def effect(outcome: Outcome) -> None:
        if before is not None:
            put(_notes_ns(lead_id), ["list"], _newest_first(change(list(before), outcome.value)), ttl=panel_seconds())

    return effect


def _notes_now(lead_id: int) -> list[Note]:
    return api.client().notes.list(lead_id)


def note_create(*, actor, lead_id: int, title: str, note: str, token: str | None = None) -> Outcome:
    """POST a note. Unknown outcome: a note with this title and text made since the first
    attempt on the lead's notes means it was saved."""
    before = _peek_notes(lead_id)
    started = time.time()

    def check() -> Found:
        cutoff = writes.since_cutoff(writes.first_attempt_at(started))
        for n in _notes_now(lead_id):
            if (
                (n.title or "") == title
                and (n.note or "").strip() == note.strip()
                and (n.created_at is None or n.created_at >= cutoff)
            ):
                return Found(True, n)
        return Found(False)

    def add(notes, created):
        if not isinstance(created, Note) or created.id is None:
            return notes
        return [created, *(n for n in notes if n.id != created.id)]

    return writes.perform(
        "note.create",
        actor=actor,
        token=token,
        changes={"lead_id": lead_id, "title": title},
        label=title,
        call=lambda: api.client().notes.create(lead_id, title=title, note=note),
        check=check,
        id_of=lambda n: n.id,
        ctx={"lead_id": lead_id, "write_through": _write_through(lead_id, before, add)},
    )


def note_update(*, actor, lead_id: int, note_id: int, title: str, note: str, before: Note | None = None) -> Outcome:
    changes: dict = {"lead_id": lead_id}
    if before is not None:
        if (before.title or "") != title:
            changes["title"] = [before.title, title]
        if (before.note or "") != note:
            changes["note"] = "changed"
    else:
        changes.update(title=title, note="changed")
    cached_before = _peek_notes(lead_id)

    def check() -> Found:
        held = next((n for n in _notes_now(lead_id) if n.id == note_id), None)
        if held is None:
            raise_not_found()
        return Found((held.title or "") == title and (held.note or "").strip() == note.strip(), held)

    def swap(notes, updated):
        if not isinstance(updated, Note) or updated.id is None:
            return notes
        return [updated if n.id == note_id else n for n in notes]

    return writes.perform(
        "note.update",
        actor=actor,
        object_id=note_id,
        changes=changes,
        label=title,
        call=lambda: api.client().notes.update(lead_id, note_id, title=title, note=note),
        check=check,
        ctx={"lead_id": lead_id, "write_through": _write_through(lead_id, cached_before, swap)},
    )


def raise_not_found():
    from crmui.taskip import NotFound

    raise NotFound(404, "The note was not found in TaskIP.")


def note_delete(*, actor, lead_id: int, note_id: int, label: str = "") -> Outcome:
    cached_before = _peek_notes(lead_id)

    def check() -> Found:
        return Found(all(n.id != note_id for n in _notes_now(lead_id)))

    return writes.perform(
        "note.delete",
        actor=actor,
        object_id=note_id,
        changes={"lead_id": lead_id},
        label=label,
        call=lambda: api.client().notes.delete(lead_id, note_id),
        check=check,
        ctx={
            "lead_id": lead_id,
            "write_through": _write_through(
                lead_id, cached_before, lambda notes, _: [n for n in notes if n.id != note_id]
            ),
        },
    )


# --------------------------------------------------------------------------- files
def files_for(
    *, lead_id: int, search: str = "", page: int = 1, per_page: int | None = None, refresh: bool = False
) -> Cached[Page[LeadFile]]:
    search = (search or "").strip()
    per_page = per_page or FILES_PER_PAGE
    return cached(
        _files_ns(lead_id),
        ["list", search, page, per_page],
        lambda: api.client().files.list(lead_id, search=search or None, item=per_page, page=page),
        refresh=refresh,
        ttl=panel_seconds(),
    )


def file_upload(
    *,
    actor,
    lead_id: int,
    file: BinaryIO,
    filename: str,
    content_type: str | None,
    size: int | None,
    token: str | None = None,
) -> Outcome:
    """Stream one file to TaskIP. ``file`` is read in chunks while sending (Django keeps large
    uploads in a temporary file), never whole in memory. Unknown outcome: a file of this name
    and size made since the first attempt on the lead's files means it was saved."""
    try:
        file.seek(0)
    except (AttributeError, OSError, ValueError):
        pass
    started = time.time()

    def check() -> Found:
        cutoff = writes.since_cutoff(writes.first_attempt_at(started))
        page = api.client().files.list(lead_id, search=filename, item=50, page=1)
        for f in page.items:
            if (
                (f.title or "") == filename
                and (size is None or f.size is None or f.size == size)
                and (f.created_at is None or f.created_at >= cutoff)
            ):
                return Found(True, f)
        return Found(False)

    return writes.perform(
        "file.upload",
        actor=actor,
        token=token,
        label=filename,
        result=lambda _: True,
        changes={"lead_id": lead_id, "name": filename, "size": size, "type": content_type},
        call=lambda: api.client().files.upload(
            lead_id, file=file, filename=filename, content_type=content_type or "application/octet-stream"
        ),
        check=check,
        ctx={"lead_id": lead_id},
    )


def files_delete(*, actor, lead_id: int, ids: list[int], names: list[str] | None = None) -> Outcome:
    """Delete files of a lead. Unknown outcome: none of them is on the lead's files any more."""
    label = ", ".join(names or [])[:300]

    def check() -> Found:
        present: set[int] = set()
        for name in set(names or []) or {""}:
            page = api.client().files.list(lead_id, search=name or None, item=100, page=1)
            present.update(f.id for f in page.items if f.id is not None)
        return Found(not (present & set(ids)))

    return writes.perform(
        "file.delete",
        actor=actor,
        object_id=",".join(str(i) for i in ids)[:64],
        label=label,
        changes={"lead_id": lead_id, "ids": ids, "names": names or []},
        call=lambda: api.client().files.bulk_delete(lead_id, ids),
        check=check,
        ctx={"lead_id": lead_id},
    )


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
    rows = (
        AuditEntry.objects.filter(action="note.create", outcome="ok", object_type="note", object_id__in=ids)
        .select_related("user")
        .order_by("at")
    )
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
    rows = (
        AuditEntry.objects.filter(action="file.upload", outcome="ok", object_type="file", object_label__in=names)
        .select_related("user")
        .order_by("at")
    )
    for entry in rows:
        if (entry.changes or {}).get("lead_id") in (lead_id, str(lead_id)):
            name = _person(entry)
            if name:
                out[entry.object_label] = name
    return out
