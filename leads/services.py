"""Lead writes (create, update, delete, bulk delete, convert, send email) and the single-lead
read. Reads of lists and the board live in leads/selectors.py.

Every write goes through the one write path (``crmui.writes.perform``): idempotency claim,
audit, the call, a read-back when the outcome is unknown, the declared cache effects. Each
returns a ``crmui.writes.Outcome`` for the view to render. Writes are never retried here.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from crmui import api, writes
from crmui.cache import Cached, cached
from crmui.taskip import Contact, Lead, TaskipError
from crmui.writes import Found, Outcome
from leads import snapshot
from leads.panels import panel_seconds
from leads.patching import patched_lead


# --------------------------------------------------------------------------- reads
def _detail_key(lead_id: int) -> list:
    return ["detail", int(lead_id)]


def _detail_namespace(lead_id: int) -> str:
    # One lead's own namespace: a write to another lead does not make this one stale.
    # Writes declare "lead:<id>" among their effects (crmui/writes.py); renaming a status or a
    # bulk delete invalidates "lead-records", every lead's detail at once.
    return f"lead:{int(lead_id)}"


def lead_get(*, lead_id: int, refresh: bool = False) -> Cached[Lead]:
    """One lead, full (statuses, sources, activities...): ``GET /lead/{id}``, cached under
    "lead:<id>" for ``LEAD_PANEL_SECONDS`` (the activity panel, through ``lead_activity``); with
    ``refresh``, what TaskIP holds now (the read before a write's merge or move). Forms that show
    a lead's fields take them from ``lead_fields`` (the snapshot), not from this copy."""
    return cached(
        _detail_namespace(lead_id),
        _detail_key(lead_id),
        lambda: api.client().leads.get(lead_id),
        refresh=refresh,
        also=("lead-records",),
        ttl=panel_seconds(),
    )


def lead_activity(*, lead_id: int, refresh: bool = False) -> Cached[Lead]:
    """The activity panel's lead: ``lead_get`` (cached per lead for ``LEAD_PANEL_SECONDS``),
    read again when the lead snapshot shows the lead changed after that copy was read (its
    ``updated_at`` moved on: an edit made in TaskIP's own screens), so a long panel lifetime
    never shows a timeline older than the lead's fields on the same page. Costs no call when
    nothing changed; changes made through the dashboard already dropped the copy."""
    result = lead_get(lead_id=lead_id, refresh=refresh)
    if refresh or result.stale:
        return result
    snap = snapshot.read()
    held = snap.get(lead_id) if snap is not None else None
    seen = result.value.updated_at
    if held is not None and held.updated_at is not None and seen is not None and held.updated_at > seen:
        result = lead_get(lead_id=lead_id, refresh=True)
    return result


def lead_fields(*, lead_id: int, refresh: bool = False) -> Cached[Lead]:
    """The lead page's fields: the lead as the lead snapshot holds it (no call), patched by
    every write made through the dashboard. A lead the snapshot does not hold (just created in
    TaskIP, or no snapshot at hand) and a Refresh read ``GET /lead/{id}`` (one call); what
    Refresh reads is patched into the snapshot, so the list and board show it too."""
    if not refresh:
        snap = snapshot.current(own_read=True)  # before the first copy ever: GET /lead/{id}, no wait
        lead = snap.get(lead_id) if snap is not None else None
        if lead is not None and not lead.is_partial:
            return Cached(lead, snap.fetched_at, True)
    result = lead_get(lead_id=lead_id, refresh=refresh)
    if refresh and not result.stale:
        snapshot.patch(result.value)
    return result


def remember_lead(lead: Lead) -> None:
    """A full lead known after a write made through the dashboard: it becomes the cached detail
    and is patched into the lead snapshot (every server shows it at once, no call)."""
    if lead.id is not None and not lead.is_partial:
        cached(_detail_namespace(lead.id), _detail_key(lead.id), lambda: lead, refresh=True, also=("lead-records",))
    snapshot.patch(lead)


# --------------------------------------------------------------------------- writes
def find_lead_by_email(*, email: str, since: float | None = None) -> Lead | None:
    """The lead with exactly this email (a read, safe to make), or None. With ``since`` (Unix
    time) only a lead created since then counts, with a minute's slack for clock skew: that is
    how a create whose answer never arrived is looked for. Raises TaskipError when TaskIP
    cannot be asked."""
    email = (email or "").strip().lower()
    if not email:
        return None
    cutoff = datetime.fromtimestamp(since, tz=UTC) - timedelta(seconds=60) if since else None
    for lead in api.client().leads.list(search=email, item=10, page=1):
        if (lead.email or "").strip().lower() == email:
            if cutoff is None or lead.created_at is None or lead.created_at >= cutoff:
                return lead
    return None


def lead_create(
    *, actor, payload: dict, token: str | None = None, label: str = "", changes: dict | None = None
) -> Outcome:
    """POST /lead. ``payload`` is already in the API's shape. Unknown outcome: read back by
    email (a lead made since this submission was first attempted)."""
    started = time.time()
    email = payload.get("email") or ""

    def check() -> Found:
        return writes.found_if(find_lead_by_email(email=email, since=writes.first_attempt_at(started)))

    return writes.perform(
        "lead.create",
        actor=actor,
        token=token,
        changes=changes if changes is not None else payload,
        label=label or email,
        call=lambda: api.client().leads.create(payload),
        check=check if email else None,
        id_of=lambda lead: lead.id,
        label_of=lambda lead: lead.display_name,
    )


def held_matches(sent: dict, held: dict) -> bool:
    """An update's read-back: TaskIP holds every value that was sent."""
    return all(writes.canon(held.get(k)) == writes.canon(v) for k, v in sent.items())


def lead_update(
    *,
    actor,
    lead_id: int,
    payload: dict,
    changes: dict | None = None,
    label: str = "",
    kind: str = "lead.update",
    base: Lead | None = None,
    token: str | None = None,
) -> Outcome:
    """PUT /lead/{id} with ``first_name`` plus the fields to change. TaskIP answers with a
    PARTIAL lead. When ``base`` (the lead as just read) is given, the lead as it is now (base
    with the sent fields) is written through to the cache, so the page shown next costs no
    read. Unknown outcome: read the lead back and compare what was sent with what it holds."""
    from leads.forms import lead_payload

    def check() -> Found:
        current = api.client().leads.get(lead_id)
        return Found(held_matches(payload, lead_payload(current)), current)

    def through(outcome: Outcome) -> None:
        value = outcome.value
        if isinstance(value, Lead) and not value.is_partial:
            remember_lead(value)
        elif base is not None:
            patched = patched_lead(base, payload)
            if patched is None:
                # TaskIP derives what was sent (a place's name from its id, custom fields):
                # read the lead once, so every page and server shows it as saved at once
                try:
                    with writes.reading_back():
                        patched = api.client().leads.get(lead_id)
                except TaskipError:
                    snapshot.stale()  # the next page fetches every lead again
                    return
            remember_lead(patched)

    return writes.perform(
        kind,
        actor=actor,
        object_id=lead_id,
        changes=changes if changes is not None else payload,
        label=label,
        token=token,
        result=lambda _: True,
        call=lambda: api.client().leads.update(lead_id, payload),
        check=check,
        ctx={"lead_id": lead_id, "payload": payload, "base": base, "write_through": through},
    )


def lead_delete(*, actor, lead_id: int, label: str = "") -> Outcome:
    """DELETE /lead/{id}. Unknown outcome: a 404 on reading it back means it is gone."""
    return writes.perform(
        "lead.delete",
        actor=actor,
        object_id=lead_id,
        label=label,
        ctx={"lead_id": lead_id},
        call=lambda: api.client().leads.delete(lead_id),
        check=lambda: writes.gone(lambda: api.client().leads.get(lead_id)),
    )


def lead_bulk_delete(
    *, actor, lead_ids: list[int], label: str = "", token: str | None = None, changes: dict | None = None
) -> Outcome:
    """POST /lead/bulk-delete. Unknown outcome: saved when every lead reads back as 404."""
    ids = [int(i) for i in lead_ids]

    def check() -> Found:
        return Found(all(writes.gone(lambda i=i: api.client().leads.get(i)).held for i in ids))

    return writes.perform(
        "lead.bulk_delete",
        actor=actor,
        object_id=",".join(map(str, ids))[:64],
        label=label,
        changes={"ids": ids, **(changes or {})},
        ctx={"lead_ids": ids},
        token=token,
        result=lambda _: True,
        call=lambda: api.client().leads.bulk_delete(ids),
        check=check,
    )


def lead_convert(*, actor, lead_id: int, label: str = "") -> Outcome:
    """POST /lead/{id}/convert; the outcome's value is the (partial) new contact. Unknown
    outcome: the lead read back says whether it is converted (and to which contact)."""

    def check() -> Found:
        lead = api.client().leads.get(lead_id)
        if lead.converted:
            return Found(True, Contact(id=lead.converted_contact_id))
        return Found(False)

    return writes.perform(
        "lead.convert",
        actor=actor,
        object_id=lead_id,
        label=label,
        ctx={"lead_id": lead_id},
        call=lambda: api.client().leads.convert(lead_id),
        check=check,
        label_of=lambda c: f"{label} → contact #{c.id}" if label else f"contact #{c.id}",
    )


def lead_send_email(
    *, actor, lead_id: int, subject: str, message: str, label: str = "", token: str | None = None
) -> Outcome:
    """POST /lead/send-email/{id}. Unknown outcome: an activity on the lead naming the subject
    since the first attempt means sent; otherwise TaskIP cannot tell (the docs do not promise
    that a sent email shows in the timeline): not confirmed."""
    started = time.time()

    def check() -> Found | None:
        lead = api.client().leads.get(lead_id)
        cutoff = datetime.fromtimestamp(writes.first_attempt_at(started), tz=UTC) - timedelta(seconds=60)
        texts = []
        for act in lead.activities:
            if not isinstance(act, dict):
                continue
            when = act.get("created_at")
            try:
                at = datetime.fromisoformat(str(when).replace("Z", "+00:00")) if when else None
            except ValueError:
                at = None
            if at is not None and at.tzinfo is not None and at < cutoff:
                continue
            texts.append(" ".join(str(v) for v in act.values() if isinstance(v, str)))
        return Found(True) if any(subject in t for t in texts) else None

    return writes.perform(
        "lead.email",
        actor=actor,
        object_id=lead_id,
        label=label,
        token=token,
        changes={"subject": subject},
        ctx={"lead_id": lead_id},
        call=lambda: api.client().leads.send_email(lead_id, subject=subject, message=message),
        check=check,
        result=lambda msg: True,
    )
