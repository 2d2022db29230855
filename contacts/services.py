"""Contact reads (cached, namespace "contacts") and writes (through the one write path,
``crmui.writes.perform``: each returns an ``Outcome``; unknown outcomes are read back).

Views never talk to the TaskIP client directly; they call these keyword-only functions.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, replace
from typing import Any

from crmui import api, writes
from crmui.cache import Cached, cached
from crmui.taskip import Contact, Page
from crmui.writes import Found, Outcome

NAMESPACE = "contacts"
PER_PAGE_CHOICES = (10, 25, 50, 100)
DEFAULT_PER_PAGE = 25
# dashboard sort key -> TaskIP's `sort` value (documented: name, email, created_at)
SORTS = {"name": "name", "email": "email", "created": "created_at"}
DEFAULT_SORT = ("name", "asc")
# the toolbar's one "Sort" select (also what phones use, where the column headers are hidden)
ORDER_CHOICES = (
    ("name-asc", "Name A–Z"),
    ("name-desc", "Name Z–A"),
    ("email-asc", "Email A–Z"),
    ("email-desc", "Email Z–A"),
    ("created-desc", "Newest first"),
    ("created-asc", "Oldest first"),
)
_LEAD_REF = re.compile(r"^\s*lead:(\d+)\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class ContactQuery:
    """What the contact list shows; lives in the URL (q, sort, dir, page, per)."""

    search: str = ""
    sort: str = DEFAULT_SORT[0]
    direction: str = DEFAULT_SORT[1]
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE

    @classmethod
    def from_params(cls, params) -> ContactQuery:
        search = (params.get("q") or "").strip()[:200]
        sort, direction = params.get("sort") or DEFAULT_SORT[0], params.get("dir")
        order = params.get("order") or ""
        if order in dict(ORDER_CHOICES):  # the toolbar's select wins over sort/dir
            sort, direction = order.split("-")
        if sort not in SORTS:
            sort = DEFAULT_SORT[0]
        direction = direction or ("desc" if sort == "created" else "asc")
        if direction not in ("asc", "desc"):
            direction = "asc"
        try:
            page = max(1, min(int(params.get("page") or 1), 100_000))
        except (TypeError, ValueError):
            page = 1
        try:
            per_page = int(params.get("per") or DEFAULT_PER_PAGE)
        except (TypeError, ValueError):
            per_page = DEFAULT_PER_PAGE
        if per_page not in PER_PAGE_CHOICES:
            per_page = DEFAULT_PER_PAGE
        return cls(search=search, sort=sort, direction=direction, page=page, per_page=per_page)

    def api_params(self) -> dict[str, Any]:
        params = {"limit": self.per_page, "sort": SORTS[self.sort], "order": self.direction}
        if self.search:
            params["search"] = self.search
        return params

    def url_params(self, **overrides) -> dict[str, Any]:
        """The query as URL parameters, defaults left out so URLs stay short."""
        q = replace(self, **overrides)
        out: dict[str, Any] = {}
        if q.search:
            out["q"] = q.search
        if (q.sort, q.direction) != DEFAULT_SORT:
            out["sort"] = q.sort
            out["dir"] = q.direction
        if q.per_page != DEFAULT_PER_PAGE:
            out["per"] = q.per_page
        if q.page != 1:
            out["page"] = q.page
        return out

    @property
    def order(self) -> str:
        return f"{self.sort}-{self.direction}"

    def first_row(self) -> int:
        return (self.page - 1) * self.per_page + 1


# --------------------------------------------------------------------------- reads
def contact_list(*, query: ContactQuery, refresh: bool = False) -> Cached[Page[Contact]]:
    params = query.api_params()
    return cached(
        NAMESPACE,
        ["list", params, query.page],
        lambda: api.client().contacts.list(page=query.page, **params),
        refresh=refresh,
    )


def contact_get(*, contact_id: int, refresh: bool = False) -> Cached[Contact]:
    return cached(NAMESPACE, ["detail", contact_id], lambda: api.client().contacts.get(contact_id), refresh=refresh)


def find_by_email(email: str) -> Contact | None:
    """The contact holding this email address (for a 409's "open the existing one" link)."""
    email = (email or "").strip().lower()
    if not email:
        return None
    query = ContactQuery(search=email, per_page=10)
    for c in contact_list(query=query).value:
        if (c.email or "").strip().lower() == email:
            return c
    return None


def lead_id_from_reference(contact: Contact) -> int | None:
    """The sandbox (and TaskIP's convert) record `reference = "lead:<id>"` on converted contacts."""
    m = _LEAD_REF.match(contact.reference or "")
    return int(m.group(1)) if m else None


def is_web_url(url: str | None) -> bool:
    return bool(url) and url.lower().startswith(("http://", "https://"))


# --------------------------------------------------------------------------- writes
def _find_by_email_now(email: str, since: float | None = None) -> Contact | None:
    """Read back: the contact holding this email as TaskIP has it now (no cached copy)."""
    email = (email or "").strip().lower()
    cutoff = writes.since_cutoff(since) if since else None
    for c in api.client().contacts.list(search=email, limit=10, page=1):
        if (c.email or "").strip().lower() == email:
            if cutoff is None or c.created_at is None or c.created_at >= cutoff:
                return c
    return None


def contact_create(*, actor, payload: dict[str, Any], token: str | None = None) -> Outcome:
    """POST /contact. Unknown outcome: read back by email (made since the first attempt)."""
    started = time.time()
    email = payload.get("email") or ""

    def check() -> Found:
        return writes.found_if(_find_by_email_now(email, since=writes.first_attempt_at(started)))

    return writes.perform(
        "contact.create",
        actor=actor,
        token=token,
        changes=_redact(payload),
        label=_label(payload),
        call=lambda: api.client().contacts.create(payload),
        check=check if email else None,
        id_of=lambda c: c.id,
        label_of=lambda c: c.display_name,
    )


def contact_update(*, actor, contact_id: int, payload: dict[str, Any], label: str = "") -> Outcome:
    """PUT the fields to change. TaskIP answers only {"msg"}: the detail page shown next reads
    the contact fresh (the update invalidated it). Unknown outcome: read the contact back and
    compare what was sent with what it holds (the password cannot be read back)."""
    from contacts.forms import contact_values

    def check() -> Found:
        held = contact_values(api.client().contacts.get(contact_id))
        sent = {k: (bool(v) if k == "access_portal" else v) for k, v in payload.items() if k != "password"}
        return Found(all(writes.canon(held.get(k)) == writes.canon(v) for k, v in sent.items()))

    return writes.perform(
        "contact.update",
        actor=actor,
        object_id=contact_id,
        changes=_redact(payload),
        label=label,
        call=lambda: api.client().contacts.update(contact_id, payload),
        check=check,
        result=lambda _: True,
        ctx={"contact_id": contact_id},
    )


def contact_delete(*, actor, contact_id: int, label: str = "") -> Outcome:
    return writes.perform(
        "contact.delete",
        actor=actor,
        object_id=contact_id,
        label=label,
        ctx={"contact_id": contact_id},
        call=lambda: api.client().contacts.delete(contact_id),
        check=lambda: writes.gone(lambda: api.client().contacts.get(contact_id)),
    )


def contact_bulk_delete(*, actor, contact_ids: list[int], labels: list[str] | None = None) -> Outcome:
    label = ", ".join(labels or [])[:300]

    def check() -> Found:
        return Found(all(writes.gone(lambda i=i: api.client().contacts.get(i)).held for i in contact_ids))

    return writes.perform(
        "contact.bulk_delete",
        actor=actor,
        object_id=",".join(map(str, contact_ids))[:64],
        label=label,
        changes={"contact_ids": contact_ids},
        ctx={"contact_ids": list(contact_ids)},
        call=lambda: api.client().contacts.bulk_delete(contact_ids),
        check=check,
    )


def contact_invite(
    *, actor, contact_id: int, message: str | None, send_email: bool, access_level: str | None, label: str = ""
) -> Outcome:
    """Invite to the client portal. An invitation leaves nothing the API can read back, so an
    unknown outcome stays "not confirmed yet"."""
    changes = {"send_email": send_email, "access_level": access_level, "message": bool(message)}
    return writes.perform(
        "contact.invite",
        actor=actor,
        object_id=contact_id,
        changes=changes,
        label=label,
        ctx={"contact_id": contact_id},
        result=lambda _: True,
        call=lambda: api.client().contacts.invite(
            contact_id, message=message or None, send_email=send_email, access_level=access_level or None
        ),
    )


def _redact(payload: dict[str, Any]) -> dict[str, Any]:
    return {k: ("***" if k == "password" else v) for k, v in payload.items()}


def _label(payload: dict[str, Any]) -> str:
    name = " ".join(str(payload.get(k) or "") for k in ("first_name", "last_name")).strip()
    return name or str(payload.get("email") or "")
