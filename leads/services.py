"""Lead writes (create, update, delete, convert, send email) and the single-lead read.
Reads of lists and the board live in leads/selectors.py.

Every write is audited and invalidates what it touches. Writes are never retried here: the
client only retries a write when the connection could not be made at all (or on 429).
"""
from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from django.core.cache import cache

from audit.trail import audited, record
from crmui import api
from crmui.cache import Cached, cached, invalidate
from crmui.taskip import Contact, Lead, TaskipError
from crmui.taskip import errors as taskip_errors
from crmui.timescale import scaled_ttl


# --------------------------------------------------------------------------- reads
def _detail_key(lead_id: int) -> list:
    return ["detail", int(lead_id)]


def _detail_namespace(lead_id: int) -> str:
    # One lead's own namespace: a write to another lead does not make this one stale.
    # Writes through the client invalidate "lead:<id>" by API path (crmui/api.py); renaming a
    # status or a bulk delete invalidates "lead-records", every lead's detail at once.
    return f"lead:{int(lead_id)}"


def lead_get(*, lead_id: int, refresh: bool = False) -> Cached[Lead]:
    """One lead, full (statuses, sources, activities...). Cached under "lead:<id>"."""
    return cached(_detail_namespace(lead_id), _detail_key(lead_id), lambda: api.client().leads.get(lead_id),
                  refresh=refresh, also=("lead-records",))


def remember_lead(lead: Lead) -> None:
    """Put a full lead (freshly fetched, or known after a write) in the cache so the page
    shown next costs no call."""
    if lead.id is not None and not lead.is_partial:
        cached(_detail_namespace(lead.id), _detail_key(lead.id), lambda: lead, refresh=True, also=("lead-records",))


# --------------------------------------------------------------------------- writes
def lead_create(*, actor, payload: dict, label: str = "") -> Lead:
    """POST /lead. Returns the created lead. ``payload`` is already in the API's shape."""
    with audited(actor, "lead.create", "lead", None, changes=payload, label=label or payload.get("email", "")) as rec:
        lead = api.client().leads.create(payload)
        rec.object_id, rec.label = lead.id, lead.display_name
    invalidate("leads")
    return lead


def find_lead_by_email(*, email: str, since: float | None = None) -> Lead | None:
    """The lead with exactly this email (a read, safe to make), or None. With ``since`` (Unix
    time) only a lead created since then counts, with a minute's slack for clock skew: that is
    how a create whose answer never arrived (timeout, 5xx, unreadable answer) is looked for
    before the user is told it was not saved. Raises TaskipError when TaskIP cannot be asked."""
    email = (email or "").strip().lower()
    if not email:
        return None
    cutoff = datetime.fromtimestamp(since, tz=UTC) - timedelta(seconds=60) if since else None
    for lead in api.client().leads.list(search=email, item=10, page=1):
        if (lead.email or "").strip().lower() == email:
            if cutoff is None or lead.created_at is None or lead.created_at >= cutoff:
                return lead
    return None


def confirm_create(*, actor, email: str, since: float, payload: dict) -> Lead | None:
    """A create failed in a way that may have reached TaskIP (see ``may_have_happened``): look
    for the lead; if it is there, record the create as done and return it."""
    lead = find_lead_by_email(email=email, since=since)
    if lead is not None:
        record(actor, "lead.create", "lead", lead.id, changes=payload, outcome="ok",
               message="TaskIP's answer was lost; the lead was found afterwards.", label=lead.display_name)
        invalidate("leads")
    return lead


def lead_update(*, actor, lead_id: int, payload: dict, changes: dict, label: str = "") -> Lead:
    """PUT /lead/{id} with ``first_name`` plus the changed fields. TaskIP answers with a
    PARTIAL lead, so the full lead is fetched again and returned (and cached for the page
    shown next). If that second read fails the partial answer is returned."""
    with audited(actor, "lead.update", "lead", lead_id, changes=changes, label=label):
        partial = api.client().leads.update(lead_id, payload)
    invalidate("leads")
    if not partial.is_partial:
        remember_lead(partial)
        return partial
    try:
        full = api.client().leads.get(lead_id)
    except TaskipError:
        return partial
    remember_lead(full)
    return full


def lead_delete(*, actor, lead_id: int, label: str = "") -> str:
    with audited(actor, "lead.delete", "lead", lead_id, label=label):
        msg = api.client().leads.delete(lead_id)
    invalidate("leads")
    return msg


def lead_convert(*, actor, lead_id: int, label: str = "") -> Contact:
    """POST /lead/{id}/convert. Returns the (partial) new contact."""
    with audited(actor, "lead.convert", "lead", lead_id, label=label) as rec:
        contact = api.client().leads.convert(lead_id)
        rec.label = f"{label} → contact #{contact.id}" if label else f"contact #{contact.id}"
    invalidate("leads", "contacts")
    return contact


def lead_send_email(*, actor, lead_id: int, subject: str, message: str, label: str = "") -> str:
    with audited(actor, "lead.email", "lead", lead_id, changes={"subject": subject}, label=label):
        msg = api.client().leads.send_email(lead_id, subject=subject, message=message)
    invalidate("leads")  # TaskIP adds the email to the lead's activity timeline
    return msg


# --------------------------------------------------------------------------- double submit
PENDING = "pending"
TOKEN_SECONDS = 600


def _token_key(scope: str, user_id, token: str) -> str:
    return f"idem:{scope}:{user_id}:{token}"


def claim_token(*, scope: str, user_id, token: str, wait: float = 20.0) -> tuple[bool, object]:
    """Claim an idempotency token for one write. Returns (True, None) when this request may
    go ahead, or (False, result) when another request with the same token already finished
    (result is what it remembered, e.g. the new lead's id). While the other request is still
    running this waits for it (up to ``wait`` seconds); if it failed, this one goes ahead."""
    if not token:
        return True, None
    key = _token_key(scope, user_id, token)
    deadline = time.monotonic() + wait
    while True:
        if cache.add(key, PENDING, scaled_ttl(TOKEN_SECONDS)):
            return True, None
        value = cache.get(key)
        if value is not None and value != PENDING:
            return False, value
        if time.monotonic() >= deadline:
            return False, PENDING
        time.sleep(0.1)


def finish_token(*, scope: str, user_id, token: str, result) -> None:
    if token:
        cache.set(_token_key(scope, user_id, token), result, scaled_ttl(TOKEN_SECONDS))


def release_token(*, scope: str, user_id, token: str) -> None:
    """The write failed and nothing was made: a new attempt with the same token may go ahead."""
    if token:
        cache.delete(_token_key(scope, user_id, token))


def may_have_happened(exc: TaskipError) -> bool:
    """After this failure, may the write have reached TaskIP anyway? True when the request
    may have arrived but its answer did not (read timeout, connection lost mid-way, a 5xx from
    a proxy, an unreadable answer); False when it was refused or never sent."""
    if isinstance(exc, (taskip_errors.MalformedResponse, taskip_errors.ServerError)):
        return True
    if isinstance(exc, taskip_errors.TaskipConnectionError):
        # The client says which side of "sent" the failure fell on only in its message.
        msg = (exc.message or "").lower()
        return not ("could not connect" in msg or "connect timeout" in msg)
    return False
