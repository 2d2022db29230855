"""Reads for the reports app: the lead query from a request's query string, the one cached
snapshot of every lead matching it, and the overview's numbers computed from that snapshot.

The overview is computed from the one lead snapshot (``leads.selectors.lead_snapshot``: no call
when the dashboard holds it, which it keeps fresh in the background) plus the cached reference
data, once per snapshot version and query in each process.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from crmui import reference
from crmui.cache import Cached
from crmui.taskip import Attribute, Lead
from leads.selectors import LeadQuery, lead_snapshot, placing_status

HEX = re.compile(r"^#(?:[0-9a-fA-F]{3}){1,2}$")
WEEKS = 12


# --------------------------------------------------------------------------- the snapshot
# The overview reads the one lead snapshot (leads.selectors.lead_snapshot) with the query the
# list and the board read (leads.selectors.LeadQuery.from_params).


def board_status(lead: Lead, order_of: dict[int, int]) -> Attribute | None:
    """The board's rule (leads.selectors.placing_status): a lead stands in its status with the
    highest order (the furthest stage reached); equal orders go to the lower id."""
    return placing_status(lead, order_of)


# --------------------------------------------------------------------------- the overview
@dataclass(frozen=True)
class Bar:
    """One bar of a chart. Frozen: its rendered row is kept beside it and reused for an equal bar
    (``reports.templatetags.overview.bar_row``)."""

    label: str
    count: int
    values: tuple[tuple[str, Decimal], ...] = ()  # per currency, biggest first; never summed across
    color: str | None = None
    pct: float = 0.0  # of the chart's largest count, 0..100
    share: float = 0.0  # of all leads, 0..100
    link: str = ""  # query string narrowing to this bar
    muted: bool = False


@dataclass
class Week:
    start: date
    count: int
    pct: float = 0.0

    @property
    def label(self) -> str:
        return self.start.strftime("%d %b")

    @property
    def y(self) -> float:
        return round(100 - self.pct, 1)


@dataclass
class Overview:
    total: int
    converted: int
    total_value: Decimal
    by_currency: list[tuple[str, Decimal]]
    funnel: list[Bar]
    sources: list[Bar]
    assignees: list[Bar]
    weeks: list[Week]
    week_max: int
    new_this_week: int
    new_last_week: int

    @property
    def conversion_pct(self) -> float:
        return round(100 * self.converted / self.total, 1) if self.total else 0.0

    @property
    def avg_value(self) -> Decimal:
        return (self.total_value / self.total) if self.total else Decimal(0)


def by_currency(leads) -> tuple[tuple[str, Decimal], ...]:
    """The leads' values added up per currency (never across currencies: TaskIP stores each
    lead's value in its own currency and gives no rates), biggest first; a value without a
    currency counts under ""."""
    per_cur: dict[str, Decimal] = defaultdict(Decimal)
    for lead in leads:
        if lead.value:
            per_cur[(lead.currency or "").strip().upper()] += lead.value
    return tuple(sorted(per_cur.items(), key=lambda kv: (-kv[1], kv[0])))


def _scale(bars: list[Bar], total: int) -> list[Bar]:
    """The bars with their length (of the chart's largest) and share (of all leads) set."""
    top = max((b.count for b in bars), default=0)
    bars[:] = [
        replace(
            b,
            pct=round(100 * b.count / top, 1) if top else 0.0,
            share=round(100 * b.count / total, 1) if total else 0.0,
        )
        for b in bars
    ]
    return bars


def _color(c: str | None) -> str | None:
    return c if c and HEX.match(c) else None


def week_start(d: date) -> date:
    return d - timedelta(days=d.weekday())


def compute_overview(
    leads,
    *,
    statuses: list[Attribute],
    sources: list[Attribute],
    member_names: dict[int, str],
    today: date | None = None,
) -> Overview:
    today = today or timezone.localdate()
    leads = list(leads)
    total = len(leads)
    order_of = {s.id: (s.order if s.order is not None else 0) for s in statuses if s.id is not None}

    # Funnel: count and value per status (board rule), in status order; no status apart.
    by_status: dict[int | None, list[Lead]] = defaultdict(list)
    extra_status: dict[int, Attribute] = {}
    for lead in leads:
        s = board_status(lead, order_of)
        by_status[s.id if s else None].append(lead)
        if s and s.id not in order_of:
            extra_status[s.id] = s
    ordered = sorted(statuses, key=lambda s: (s.order if s.order is not None else 0, s.id or 0))
    ordered += sorted(extra_status.values(), key=lambda s: (s.order or 0, s.id or 0))
    funnel = []
    for s in ordered:
        group = by_status.get(s.id, [])
        funnel.append(
            Bar(s.name or f"Status #{s.id}", len(group), by_currency(group), _color(s.color), link=f"status={s.id}")
        )
    none = by_status.get(None, [])
    if none:
        funnel.append(Bar("No status", len(none), by_currency(none), muted=True))
    _scale(funnel, total)

    # Sources: a lead counts under each of its sources.
    src_count: Counter = Counter()
    src_leads: dict = defaultdict(list)
    known_src = {s.id: s for s in sources}
    no_source = 0
    for lead in leads:
        if not lead.sources:
            no_source += 1
        for s in {x.id: x for x in lead.sources}.values():
            src_count[s.id] += 1
            src_leads[s.id].append(lead)
            known_src.setdefault(s.id, s)
    src_bars = [
        Bar(
            known_src[i].name or f"Source #{i}",
            n,
            by_currency(src_leads[i]),
            _color(known_src[i].color),
            link=f"source={i}",
        )
        for i, n in src_count.most_common()
    ]
    if no_source:
        src_bars.append(Bar("No source", no_source, muted=True))
    _scale(src_bars, total)

    # Assignees, by team member name.
    who: Counter = Counter()
    who_leads: dict = defaultdict(list)
    unassigned = 0
    for lead in leads:
        if not lead.assigned_to:
            unassigned += 1
        for m in set(lead.assigned_to):
            who[m] += 1
            who_leads[m].append(lead)
    as_bars = [
        Bar(member_names.get(m) or f"Team member #{m}", n, by_currency(who_leads[m]), link=f"assigned={m}")
        for m, n in sorted(who.items(), key=lambda kv: (-kv[1], member_names.get(kv[0], "")))
    ]
    if unassigned:
        as_bars.append(Bar("Unassigned", unassigned, muted=True))
    _scale(as_bars, total)

    # New leads per week (by created_at), the last 12 weeks including this one.
    this_week = week_start(today)
    starts = [this_week - timedelta(weeks=WEEKS - 1 - i) for i in range(WEEKS)]
    per_week: Counter = Counter()
    tz = timezone.get_current_timezone()
    for lead in leads:
        if lead.created_at:
            d = lead.created_at.astimezone(tz).date() if isinstance(lead.created_at, datetime) else lead.created_at
            per_week[week_start(d)] += 1
    weeks = [Week(s, per_week.get(s, 0)) for s in starts]
    week_max = max((w.count for w in weeks), default=0)
    for w in weeks:
        w.pct = round(100 * w.count / week_max, 1) if week_max else 0.0

    return Overview(
        total=total,
        converted=sum(1 for l in leads if l.converted),
        total_value=sum((l.value or 0 for l in leads), Decimal(0)),
        by_currency=[(cur or "no currency", amount) for cur, amount in by_currency(leads)],
        funnel=funnel,
        sources=src_bars,
        assignees=as_bars,
        weeks=weeks,
        week_max=week_max,
        new_this_week=weeks[-1].count,
        new_last_week=weeks[-2].count,
    )


@dataclass
class OverviewResult:
    overview: Overview | None = None
    fetched_at: float | None = None
    cache_hit: bool = False
    error: str | None = None
    statuses: list = field(default_factory=list)
    sources: list = field(default_factory=list)
    members: dict = field(default_factory=dict)


def _overview_of(snap: Cached, query: LeadQuery, **kwargs) -> Overview:
    from leads import snapshot

    current = snapshot.read()
    if current is not None and snap.fetched_at == current.fetched_at:
        # computed once per snapshot version, query and reference data in this process
        ref = (
            tuple((s.id, s.name, s.order, s.color) for s in kwargs["statuses"]),
            tuple((s.id, s.name, s.color) for s in kwargs["sources"]),
            tuple(sorted(kwargs["member_names"].items())),
            timezone.localdate().isoformat(),
        )
        return snapshot.derived(
            current, "overview", [query.filter_params(), ref], lambda: compute_overview(snap.value, **kwargs)
        )
    return compute_overview(snap.value, **kwargs)


def overview(*, query: LeadQuery, refresh: bool = False) -> OverviewResult:
    """Raises TaskipError for the view to show."""
    # cold: the leads, the statuses and sources, and the team at the same time
    warming = reference.warm_beside()
    try:
        snap = lead_snapshot(query=query, refresh=refresh)  # in this thread: the local-cut switch is in the database
    finally:
        warming.exception()
    statuses = reference.statuses()
    sources = reference.sources()
    members = reference.team_member_names()
    ov = _overview_of(snap, query, statuses=statuses, sources=sources, member_names=members)
    return OverviewResult(ov, snap.fetched_at, snap.hit, None, statuses, sources, members)
