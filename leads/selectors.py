"""Lead reads: lists and the board. Writes live in leads/services.py (and leads/moves.py,
leads/bulk.py for the board's drag and the list's bulk actions).

Everything a list or board shows is decided by the URL's query string (so a filtered view can
be bookmarked and shared): ``LeadQuery.from_params`` reads it, ``LeadQuery.querystring`` writes
it back.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from functools import cached_property
from urllib.parse import urlencode

from crmui import api
from crmui.cache import Cached, cached
from crmui.taskip import Attribute, Lead, Page
from leads import localcut

PER_PAGE_CHOICES = (10, 25, 50, 100)
DEFAULT_PER_PAGE = 25
# URL name of a sort -> the API's sort_by
SORTS = {"name": "name", "date": "lead_interaction_date", "status": "status"}
BOARD_PAGE = 20
NO_STATUS = "none"


def _int(value) -> int | None:
    try:
        i = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return i if i > 0 else None


def _date(value) -> str | None:
    try:
        return date.fromisoformat(str(value).strip()).isoformat() if value else None
    except ValueError:
        return None


@dataclass(frozen=True)
class LeadQuery:
    search: str = ""
    status_id: int | None = None
    source_id: int | None = None
    assigned_to: int | None = None
    is_converted: int | None = None
    from_date: str | None = None
    to_date: str | None = None
    sort_by: str | None = None
    sort_order: str | None = None

    # --------------------------------------------------------------- URL <-> query
    @classmethod
    def from_params(cls, params) -> LeadQuery:
        """Read the filters from a QueryDict (or dict): the list's, board's and overview's
        parameters. The dashboard's own short names (q, status, source, assigned, converted,
        from, to, sort=name|date|status, dir) and the API's names (search, status_id,
        source_id, assigned_to, is_converted, from_date, to_date, sort_by, sort_order) are
        both understood. Anything malformed is ignored."""

        def g(*names) -> str:
            for n in names:
                v = params.get(n)
                if v not in (None, ""):
                    return str(v).strip()
            return ""

        converted = g("converted", "is_converted")
        sort_by = SORTS.get(g("sort")) or (g("sort_by") if g("sort_by") in SORTS.values() else None)
        direction = g("dir", "sort_order").lower()
        from_date, to_date = _date(g("from", "from_date")), _date(g("to", "to_date"))
        if from_date and to_date and from_date > to_date:
            from_date, to_date = to_date, from_date
        return cls(
            search=g("q", "search")[:200],
            status_id=_int(g("status", "status_id")),
            source_id=_int(g("source", "source_id")),
            assigned_to=_int(g("assigned", "assigned_to")),
            is_converted=int(converted) if converted in ("0", "1") else None,
            from_date=from_date,
            to_date=to_date,
            sort_by=sort_by,
            sort_order=direction if sort_by and direction in ("asc", "desc") else None,
        )

    @property
    def sort(self) -> str:
        return next((k for k, v in SORTS.items() if v == self.sort_by), "")

    @property
    def direction(self) -> str:
        return self.sort_order or ("desc" if self.sort_by else "")

    def url_params(self) -> dict:
        """The query as the dashboard's own URL parameters (not the API's)."""
        params = {
            "q": self.search,
            "status": self.status_id,
            "source": self.source_id,
            "assigned": self.assigned_to,
            "converted": self.is_converted,
            "from": self.from_date,
            "to": self.to_date,
            "sort": self.sort,
            "dir": self.sort_order,
        }
        return {k: v for k, v in params.items() if v not in (None, "")}

    def querystring(self, **extra) -> str:
        params = self.url_params()
        for k, v in extra.items():
            if v in (None, ""):
                params.pop(k, None)
            else:
                params[k] = v
        return urlencode(params)

    def api_params(self) -> dict:
        params = {
            "search": self.search or None,
            "status_id": self.status_id,
            "source_id": self.source_id,
            "assigned_to": self.assigned_to,
            "is_converted": self.is_converted,
            "from_date": self.from_date,
            "to_date": self.to_date,
            "sort_by": self.sort_by,
            "sort_order": self.sort_order,
        }
        return {k: v for k, v in params.items() if v not in (None, "")}

    def for_board(self) -> LeadQuery:
        """The board shows every status as a column, so it ignores the status filter and sorting."""
        return replace(self, status_id=None, sort_by=None, sort_order=None)

    def filter_params(self) -> dict:
        """The API's filter parameters, without the sort (which does not change what matches)."""
        params = self.api_params()
        params.pop("sort_by", None)
        params.pop("sort_order", None)
        return params

    @property
    def is_filtered(self) -> bool:
        return any(v not in (None, "") for k, v in self.api_params().items() if k not in ("sort_by", "sort_order"))


def parse_per_page(value) -> int:
    i = _int(value)
    return i if i in PER_PAGE_CHOICES else DEFAULT_PER_PAGE


def parse_page(value) -> int:
    return min(_int(value) or 1, 100_000)


def snapshot_key(query: LeadQuery) -> list:
    """THE key of a snapshot of the leads matching ``query``'s filters (sorting and the page do
    not change which leads match, so they are not part of it)."""
    return ["snapshot", query.filter_params()]


def lead_snapshot(*, query: LeadQuery, refresh: bool = False) -> Cached[tuple[Lead, ...]]:
    """Every lead matching ``query``'s filters, in TaskIP's default order (newest first): the
    one read behind the list, the board, the overview and the export.

    Cut locally from the dashboard's one unfiltered snapshot (leads/snapshot.py: kept fresh in
    the background, patched by every write made through the dashboard) whenever it is at hand
    and the query's shape is cut locally; otherwise ONE ``item=0`` call with the filters,
    cached under ``snapshot_key(query)``. ``refresh``: fetch the unfiltered snapshot now (one
    call, counted against the request)."""
    from leads import snapshot

    snap = snapshot.refresh_now() if refresh else snapshot.current()
    if snap is None and cut_locally(query):
        state = snapshot.fetch_state()
        if state.failed:  # the last fetch failed: say what went wrong (a new one may be under way)
            raise snapshot.FetchFailed(state.failed)
        if state.slow:  # a big workspace's first copy is on its way: no second call for the same leads
            raise snapshot.Preparing(state.left)
    if snap is not None and cut_locally(query):
        if not query.is_filtered:
            return Cached(snap.leads, snap.fetched_at, True)
        key = snapshot_key(query)
        leads = snapshot.derived(snap, "cut", key, lambda: tuple(l for l in snap.leads if localcut.matches(l, query)))
        return Cached(leads, snap.fetched_at, True)
    params = query.filter_params()
    return cached(
        "leads",
        snapshot_key(query),
        lambda: tuple(api.client().leads.list(item=0, **params).items),
        refresh=refresh,
    )


def cut_locally(query: LeadQuery) -> bool:
    """May this query be answered from the unfiltered snapshot? Yes unless the self-check
    (``manage.py taskip_check``) switched one of its shapes off (leads/localcut.py)."""
    return localcut.allowed(query)


def lead_list(
    *, query: LeadQuery, page: int = 1, per_page: int = DEFAULT_PER_PAGE, refresh: bool = False
) -> Cached[Page[Lead]]:
    """One page of leads, cut from ``lead_snapshot`` (no call) when the dashboard holds every
    lead and local cutting is on for the query's shapes (TaskIP's semantics: leads/localcut.py);
    otherwise TaskIP is asked for that one page (cached). Refresh fetches the snapshot (one call)."""
    from leads import snapshot

    # before the first copy ever, this page does not wait for it: its one page is one read
    snap = snapshot.refresh_now() if refresh else snapshot.current(own_read=True)
    if snap is not None and cut_locally(query):
        everything = lead_snapshot(query=query)
        chosen = snapshot.derived(snap, "sorted", query.api_params(), lambda: list_order(everything.value, query))
        return Cached(_page(chosen, query, page, per_page), everything.fetched_at, True)
    params = query.api_params()
    return cached(
        "leads",
        ["list", params, page, per_page],
        lambda: api.client().leads.list(**params, item=per_page, page=page),
        refresh=refresh,
    )


def sorted_leads(leads, query: LeadQuery) -> list[Lead]:
    """Leads in the order TaskIP would list them for ``query``'s sort (leads/localcut.py)."""
    return localcut.ordered(leads, query)


def page_of(leads, query: LeadQuery, page: int, per_page: int) -> Page[Lead]:
    """A page of the list, cut from every lead held locally (semantics: leads/localcut.py)."""
    return localcut.cut(leads, query, page, per_page)


def local_page(leads, query: LeadQuery, page: int, per_page: int) -> Page[Lead]:
    """A page of the list cut from every lead held locally, knowing how many match in all."""
    return _page(list_order([l for l in leads if localcut.matches(l, query)], query), query, page, per_page)


def list_order(matched, query: LeadQuery) -> list[Lead]:
    """The list's order of leads that match: TaskIP's, except that sorting by status sorts by
    the stage each row SHOWS (its furthest stage, the board's placement rule, in the admins'
    status order) rather than TaskIP's lowest-status order, so Won leads do not sit among New
    ones; ties by id, leads without a status last."""
    chosen = localcut.ordered(matched, query)
    if query.sort_by == "status":
        order_of = _status_order_or_empty()
        desc = (query.sort_order or "desc") == "desc"

        def stage(lead):
            s = placing_status(lead, order_of)
            return None if s is None else (order_of.get(s.id, s.order if s.order is not None else 0), -(s.id or 0))

        staged = [l for l in chosen if stage(l) is not None]
        staged.sort(key=lambda l: (stage(l), l.id or 0), reverse=desc)
        chosen = staged + sorted((l for l in chosen if stage(l) is None), key=lambda l: l.id or 0, reverse=desc)
    return chosen


def _page(chosen, query: LeadQuery, page: int, per_page: int) -> Page[Lead]:
    start = (page - 1) * per_page
    return Page(
        items=tuple(chosen[start : start + per_page]),
        page=page,
        per_page=per_page,
        has_next=len(chosen) > start + per_page,
        query=query.api_params(),
        total=len(chosen),
    )


def _status_order_or_empty() -> dict[int, int]:
    """The admins' status order from the cached reference list; the leads' own orders if that
    cannot be read now."""
    from crmui import reference
    from crmui.taskip import TaskipError

    try:
        return status_order(reference.statuses())
    except TaskipError:
        return {}


def match_count_text(page: Page | None, first_index: int) -> str:
    """What the list says about how many leads match: the exact number when it is known (cut
    locally, or the last page from TaskIP), else "N+" (TaskIP sends no total)."""
    if page is None:
        return ""
    if page.total is not None:
        return f"{page.total:,}"
    if not page.has_next:
        return f"{first_index - 1 + len(page.items):,}"
    return f"{first_index - 1 + len(page.items):,}+"


# ----------------------------------------------------------------------------- the board
def status_order(statuses: list[Attribute] | None = None) -> dict[int, int]:
    """Status id -> its order, from the reference list (the admins' current ordering)."""
    return {s.id: (s.order if s.order is not None else 0) for s in (statuses or []) if s.id is not None}


def placing_status(lead: Lead, order_of: dict[int, int] | None = None) -> Attribute | None:
    """THE placement rule: a lead sits in the column of its status with the highest order
    (the furthest stage it has reached); equal orders go to the lower id. No status -> None."""
    order_of = order_of or {}
    best, best_key = None, None
    for s in lead.statuses:
        if s.id is None:
            continue
        order = order_of.get(s.id, s.order if s.order is not None else 0)
        key = (order, -s.id)
        if best_key is None or key > best_key:
            best, best_key = s, key
    return best


def column_key(status: Attribute | None) -> str:
    return NO_STATUS if status is None else f"s{status.id}"


@dataclass
class Column:
    key: str
    status: Attribute | None
    leads: list[Lead] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.status.name if self.status else "No status"

    @property
    def status_id(self) -> int | None:
        return self.status.id if self.status else None

    @property
    def count(self) -> int:
        return len(self.leads)

    @cached_property
    def sums(self) -> list[tuple[str, Decimal]]:
        """Value sum per currency (leads without a value add nothing), biggest first. Summed
        once: a column is grouped once per snapshot copy (``board_columns``) and then shown by
        every board view of that copy."""
        totals: dict[str, Decimal] = {}
        for lead in self.leads:
            if lead.value is not None:
                cur = (lead.currency or "").strip().upper()
                totals[cur] = totals.get(cur, Decimal(0)) + lead.value
        return sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))


def group_board(leads, statuses: list[Attribute]) -> OrderedDict[str, Column]:
    """Columns in the statuses' order, "No status" first, each holding its leads (in the order
    the API listed them). A status a lead carries that the reference list does not know (just
    created elsewhere) gets a column too, after the known ones."""
    order_of = status_order(statuses)
    columns: OrderedDict[str, Column] = OrderedDict()
    columns[NO_STATUS] = Column(NO_STATUS, None)
    for s in sorted(statuses, key=lambda a: (order_of.get(a.id, 0), a.id or 0)):
        columns[column_key(s)] = Column(column_key(s), s)
    for lead in leads:
        if lead.id is None:  # nothing can be shown or done with it
            continue
        status = placing_status(lead, order_of)
        key = column_key(status)
        if key not in columns:
            columns[key] = Column(key, status)
        columns[key].leads.append(lead)
    return columns


def board_columns(
    *, query: LeadQuery, statuses: list[Attribute], refresh: bool = False
) -> tuple[Cached[tuple[Lead, ...]], OrderedDict[str, Column]]:
    """The board's leads and its columns, grouped once per snapshot version, query and status
    list in each process (the board and each of its lazily loaded columns share them)."""
    from leads import snapshot

    leads = board_snapshot(query=query, refresh=refresh)
    current = snapshot.read()
    if current is not None and current.fetched_at == leads.fetched_at:
        ref = tuple((s.id, s.name, s.order, s.color) for s in statuses)
        return leads, snapshot.derived(
            current, "board", [query.for_board().filter_params(), ref], lambda: group_board(leads.value, statuses)
        )
    return leads, group_board(leads.value, statuses)


def board_snapshot(*, query: LeadQuery, refresh: bool = False) -> Cached[tuple[Lead, ...]]:
    """Every lead on the board: ``lead_snapshot`` of the board's query (no status filter)."""
    return lead_snapshot(query=query.for_board(), refresh=refresh)
