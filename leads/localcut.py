"""The local list cut: TaskIP's lead-list semantics applied to leads the dashboard already holds.

When every lead is held locally (the unfiltered item=0 snapshot), a page of the list can be cut
from it without a call. That is only right if the cut answers exactly what TaskIP would; this
module is the one place those semantics live (matching, sorting) together with the per-shape
switch that turns local cutting off for a query shape the self-check (``manage.py
taskip_check``) found to differ from the configured workspace.

Where the documentation is silent, the semantics are Laravel's on MySQL (utf8mb4_unicode_ci),
which is what TaskIP runs on:

- **search** ("by name, email, or company"): a substring of first name, last name, full name,
  email or company name, case- and accent-insensitive (``LIKE '%é%'`` under a ``_ci`` collation
  matches "E" and "e").
- **sorts** compare text case- and accent-insensitively ("Émile" before "Zoë"); NULL is the
  smallest value, so it comes first on ascending sorts and last on descending ones; ties are
  broken by id in the same direction (the sandbox does the same; the self-check compares only
  sort keys, so a TaskIP that breaks ties otherwise is not reported as differing).
- ``sort_by=status`` orders by the lowest ``order`` among the lead's statuses (status-type
  attributes only); ``status_id`` matches status-type attributes only, ``source_id`` source-type.
- no ``sort_by``: newest first (``created_at``), ``sort_order`` defaults to ``desc``.

A query's *shapes* are what it exercises: ``search``, one ``filter:<param>`` per filter it sets,
and ``sort:<field>`` (``sort:created_at`` when unsorted). Local cutting is allowed for a query
only when every one of its shapes is on; a shape is on until a check finds it differing
(``LocalCutShape`` rows in the database, so every process sees the same switch).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from typing import Any

from crmui import hotsql, tally
from crmui.taskip import Lead, Page

SORT_FIELDS = ("name", "lead_interaction_date", "status")
FILTER_PARAMS = ("status_id", "source_id", "assigned_to", "is_converted", "from_date", "to_date")


# ----------------------------------------------------------------------------- collation
def fold(text: Any) -> str:
    """The text as a case- and accent-insensitive collation compares it (utf8mb4_unicode_ci,
    approximately: Unicode case folding, combining marks dropped)."""
    if text is None:
        return ""
    decomposed = unicodedata.normalize("NFKD", str(text).casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


# ----------------------------------------------------------------------------- shapes
def shapes_of(query) -> frozenset[str]:
    """The shapes a LeadQuery (or anything with its attributes) exercises."""
    shapes = set()
    if getattr(query, "search", ""):
        shapes.add("search")
    for param in FILTER_PARAMS:
        if getattr(query, param, None) not in (None, ""):
            shapes.add(f"filter:{param}")
    shapes.add(f"sort:{getattr(query, 'sort_by', None) or 'created_at'}")
    return frozenset(shapes)


def disabled_shapes() -> frozenset[str]:
    """Shapes a self-check turned off (read from the database once per request: every process
    sees the switch as soon as it is flipped)."""
    return tally.once_per_request(
        "localcut:disabled", lambda: frozenset(hotsql.column(hotsql.statement("localcut:off", _off_sql), [False]))
    )


def _off_sql() -> str:
    """The shapes switched off, in plain SQL (``crmui.hotsql``: asked on every list view)."""
    from leads.models import LocalCutShape

    m, q = LocalCutShape._meta, hotsql.quote
    return f"SELECT {q(m.get_field('shape').column)} FROM {q(m.db_table)} WHERE {q(m.get_field('enabled').column)} = %s"


def allowed(query) -> bool:
    """May this query be cut locally? Only when none of its shapes is switched off."""
    return not (shapes_of(query) & disabled_shapes())


def record(shape: str, *, matched: bool, detail: str = "") -> None:
    """Store a check's verdict for a shape: differing turns local cutting for it off, matching
    turns it back on."""
    from django.utils import timezone

    from leads.models import LocalCutShape

    LocalCutShape.objects.update_or_create(
        shape=shape, defaults={"enabled": matched, "detail": detail[:500], "checked_at": timezone.now()}
    )
    tally.forget_for_request("localcut:disabled")


# ----------------------------------------------------------------------------- matching
def matches(lead: Lead, q) -> bool:
    if q.search:
        needle = fold(q.search)
        company = lead.company.name if lead.company else None
        if not any(
            needle in fold(h) for h in (lead.first_name, lead.last_name, lead.full_name, lead.email, company) if h
        ):
            return False
    if q.is_converted is not None and bool(lead.converted) != bool(q.is_converted):
        return False
    if q.status_id and not any(s.id == q.status_id for s in lead.statuses):
        return False
    if q.source_id and not any(s.id == q.source_id for s in lead.sources):
        return False
    if q.assigned_to and q.assigned_to not in lead.assigned_to:
        return False
    day = lead.lead_interaction_date.isoformat() if lead.lead_interaction_date else None
    if q.from_date and (day is None or day < q.from_date):
        return False
    if q.to_date and (day is None or day > q.to_date):
        return False
    return True


# ----------------------------------------------------------------------------- sorting
def sort_key(lead: Lead, sort_by: str | None) -> tuple:
    """The value a sort compares, NULL smallest: ``(0,)`` for NULL, ``(1, value)`` otherwise.
    Without the id tie-break (the self-check compares these keys only)."""
    if sort_by == "name":
        return (1, fold(lead.first_name), fold(lead.last_name))
    if sort_by == "lead_interaction_date":
        value = lead.lead_interaction_date
    elif sort_by == "status":
        orders = [s.order for s in lead.statuses if s.order is not None and s.type in (None, 1)]
        value = min(orders) if orders else None
    else:
        value = lead.created_at
    return (0,) if value is None else (1, value)


def ordered(leads: Iterable[Lead], q) -> list[Lead]:
    desc = (q.sort_order or "desc") == "desc"
    return sorted(leads, key=lambda l: (sort_key(l, q.sort_by), l.id or 0), reverse=desc)


def cut(leads: Iterable[Lead], q, page: int, per_page: int) -> Page[Lead]:
    """One page of the list for query ``q``, cut from every lead held locally."""
    chosen = ordered([l for l in leads if matches(l, q)], q)
    start = (page - 1) * per_page
    items = tuple(chosen[start : start + per_page])
    return Page(
        items=items, page=page, per_page=per_page, has_next=len(chosen) > start + per_page, query=q.api_params()
    )
