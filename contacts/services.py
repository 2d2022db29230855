"""Contact reads (cached, namespace "contacts") and writes (audited, invalidating "contacts").

Views never talk to the TaskIP client directly; they call these keyword-only functions.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

from django.core.cache import cache

from audit.trail import audited
from crmui import api
from crmui.cache import Cached, cached, invalidate
from crmui.taskip import Contact, Page

NAMESPACE = "contacts"
PER_PAGE_CHOICES = (10, 25, 50, 100)
DEFAULT_PER_PAGE = 25
# dashboard sort key -> TaskIP's `sort` value (documented: name, email, created_at)
SORTS = {"name": "name", "email": "email", "created": "created_at"}
DEFAULT_SORT = ("name", "asc")
# the toolbar's one "Sort" select (also what phones use, where the column headers are hidden)
ORDER_CHOICES = (("name-asc", "Name A–Z"), ("name-desc", "Name Z–A"), ("email-asc", "Email A–Z"),
                 ("email-desc", "Email Z–A"), ("created-desc", "Newest first"), ("created-asc", "Oldest first"))
IDEMPOTENCY_SECONDS = 10 * 60
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
    return cached(NAMESPACE, ["list", params, query.page],
                  lambda: api.client().contacts.list(page=query.page, **params), refresh=refresh)


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
def contact_create(*, actor, payload: dict[str, Any]) -> Contact:
    with audited(actor, "contact.create", "contact", changes=_redact(payload),
                 label=_label(payload)) as result:
        contact = api.client().contacts.create(payload)
        result.object_id = contact.id
        result.label = contact.display_name
    invalidate(NAMESPACE)
    return contact


def contact_update(*, actor, contact_id: int, payload: dict[str, Any], label: str = "") -> None:
    """PUT the changed fields. TaskIP answers only {"msg"}: the caller refetches (see views)."""
    try:
        with audited(actor, "contact.update", "contact", contact_id, changes=_redact(payload), label=label):
            api.client().contacts.update(contact_id, payload)
    finally:
        # Even a failed write may have changed something upstream (a 500 after saving).
        invalidate(NAMESPACE)


def contact_delete(*, actor, contact_id: int, label: str = "") -> str:
    try:
        with audited(actor, "contact.delete", "contact", contact_id, label=label):
            return api.client().contacts.delete(contact_id)
    finally:
        invalidate(NAMESPACE)


def contact_bulk_delete(*, actor, contact_ids: list[int], labels: list[str] | None = None) -> str:
    label = ", ".join(labels or [])[:300]
    try:
        with audited(actor, "contact.bulk_delete", "contact", ",".join(map(str, contact_ids)),
                     changes={"contact_ids": contact_ids}, label=label):
            return api.client().contacts.bulk_delete(contact_ids)
    finally:
        invalidate(NAMESPACE)


def contact_invite(*, actor, contact_id: int, message: str | None, send_email: bool, access_level: str | None,
                   label: str = "") -> str:
    changes = {"send_email": send_email, "access_level": access_level, "message": bool(message)}
    try:
        with audited(actor, "contact.invite", "contact", contact_id, changes=changes, label=label):
            return api.client().contacts.invite(contact_id, message=message or None, send_email=send_email,
                                                access_level=access_level or None)
    finally:
        invalidate(NAMESPACE)  # portal access may have changed


def _redact(payload: dict[str, Any]) -> dict[str, Any]:
    return {k: ("***" if k == "password" else v) for k, v in payload.items()}


def _label(payload: dict[str, Any]) -> str:
    name = " ".join(str(payload.get(k) or "") for k in ("first_name", "last_name")).strip()
    return name or str(payload.get("email") or "")


# --------------------------------------------------------------------------- double submit
def _idem_key(user_id, token: str) -> str:
    return f"contacts:idem:{user_id}:{token}"


def claim_token(*, user_id, token: str) -> tuple[bool, Any]:
    """Claim a create form's one-time token. Returns (claimed, previous value): previous is
    the contact id a first submit created, or "pending" while that submit is still running."""
    if not token:
        return True, None
    key = _idem_key(user_id, token)
    if cache.add(key, "pending", IDEMPOTENCY_SECONDS):
        return True, None
    return False, cache.get(key)


def settle_token(*, user_id, token: str, contact_id: int | None) -> None:
    """After the create: remember its id, or release the token when nothing was created."""
    if not token:
        return
    key = _idem_key(user_id, token)
    if contact_id is None:
        cache.delete(key)
    else:
        cache.set(key, contact_id, IDEMPOTENCY_SECONDS)
