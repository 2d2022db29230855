"""The dashboard checks its own assumptions against the workspace it is pointed at.

``run()`` makes read-only calls (at most ``CALL_BUDGET``, about 20) to the configured TaskIP:

- **envelopes and paging**: the lead list (all, a page, the next page), the attribute, contact,
  team-member and company lists parse as the client expects, and paging agrees with itself;
- **the local list cut** (leads/localcut.py) against TaskIP's own answer: the default order and
  each documented sort in both directions (the sort keys of the first page, so ties broken
  another way do not count as a difference), a few searches chosen from the workspace's own
  data (case, accents, company, email) and each filter (the sets of leads);
- **rate-limit headers** on every answer.

Each probe is a row of the report (matched / differed). Every local-cut shape probed is recorded
(``localcut.record``): one that differed is switched off, so the list asks TaskIP for it, until
a later check finds it matching. Run by ``manage.py taskip_check`` and by the admins' button on
the budget page (through the job queue).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from django.conf import settings

from crmui import governor, tally
from crmui.taskip import Lead, TaskipClient, TaskipError
from leads import localcut

CALL_BUDGET = 22
SORT_PAGE = 25
RATE_HEADERS = ("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset")


@dataclass(frozen=True)
class ProbeQuery:
    """A lead-list query in the API's terms (what leads.localcut needs of a query)."""

    search: str = ""
    status_id: int | None = None
    source_id: int | None = None
    assigned_to: int | None = None
    is_converted: int | None = None
    from_date: str | None = None
    to_date: str | None = None
    sort_by: str | None = None
    sort_order: str | None = None

    def api_params(self) -> dict:
        return {k: v for k, v in asdict(self).items() if v not in (None, "")}

    def label(self) -> str:
        params = self.api_params()
        return "GET /lead" + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


@dataclass
class Row:
    area: str  # "envelope", "paging", "local cut", "rate limit"
    probe: str
    matched: bool
    detail: str = ""
    shapes: tuple[str, ...] = ()


@dataclass
class Report:
    rows: list[Row] = field(default_factory=list)
    calls: int = 0
    budget: int = CALL_BUDGET
    error: str = ""  # the check could not run (TaskIP unreachable, ...)
    switched_off: list[str] = field(default_factory=list)
    switched_on: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.error and all(r.matched for r in self.rows)

    def as_dict(self) -> dict:
        return {
            "rows": [asdict(r) for r in self.rows],
            "calls": self.calls,
            "budget": self.budget,
            "error": self.error,
            "switched_off": self.switched_off,
            "switched_on": self.switched_on,
            "passed": self.passed,
        }

    def table(self) -> str:
        """The report as a plain-text table (the management command prints it)."""
        head = ("result", "area", "probe", "detail")
        lines = [("matched" if r.matched else "DIFFERED", r.area, r.probe, r.detail) for r in self.rows]
        widths = [max(len(str(x[i])) for x in [head, *lines]) for i in range(3)]
        out = [
            "  ".join(str(c).ljust(widths[i]) if i < 3 else str(c) for i, c in enumerate(row)).rstrip()
            for row in [head, *lines]
        ]
        out.insert(1, "  ".join("-" * w for w in widths) + "  " + "-" * 6)
        summary = (
            f"{sum(r.matched for r in self.rows)} matched, {sum(not r.matched for r in self.rows)} differed; "
            f"{self.calls} of at most {self.budget} calls"
        )
        if self.error:
            summary = f"check stopped: {self.error}; {summary}"
        out += ["", summary]
        if self.switched_off:
            out.append("local cutting switched OFF (TaskIP is asked) for: " + ", ".join(self.switched_off))
        if self.switched_on:
            out.append("local cutting back ON for: " + ", ".join(self.switched_on))
        return "\n".join(out)


class BudgetSpent(Exception):
    pass


class _Probe:
    """A client of its own (no retries, every call counted and capped) that notes whether each
    answer carried the rate-limit headers. Its calls count in the dashboard's tally (the budget
    page) like any other, and in the worker they ask the budget governor first."""

    def __init__(self, budget: int, client_factory: Callable[..., TaskipClient] | None = None):
        self.budget = budget
        self.calls = 0
        self.missing_headers: list[str] = []
        factory = client_factory or TaskipClient
        self.client = factory(
            settings.TASKIP_BASE_URL,
            settings.TASKIP_SECRET_KEY,
            timeout=(settings.TASKIP_CONNECT_TIMEOUT, settings.TASKIP_READ_TIMEOUT),
            max_retries=0,
            on_call=lambda info: tally.note_call(info, self.client.rate_limit),
        )
        self.client.before_send = self._count
        self.client._session.hooks["response"].append(self._headers)

    def _count(self, method, path):
        if self.calls >= self.budget:
            raise BudgetSpent(f"call budget of {self.budget} spent")
        if governor.in_background():  # run by the worker: the shared budget decides when
            governor.acquire()
        self.calls += 1

    def _headers(self, resp, *args, **kwargs):
        if not all(h in resp.headers for h in RATE_HEADERS):
            self.missing_headers.append(f"{resp.request.method} {resp.request.path_url.split('?')[0]}")
        return resp


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _ids(leads) -> list[int]:
    return [l.id for l in leads]


def _search_needles(leads: list[Lead]) -> list[tuple[str, str]]:
    """(needle, why) searches that exercise case and accent folding on the workspace's own data."""
    out: list[tuple[str, str]] = []
    accented = sorted(
        {
            n
            for l in leads
            for n in (l.first_name, l.last_name)
            if n and any(ord(ch) > 127 for ch in n) and localcut.fold(n).isascii()
        }
    )
    if accented:  # "Müller" searched as "MULLER": found only when case and accents are ignored
        out.append((localcut.fold(accented[0])[:12].upper(), "accents and case"))
    named = [l.first_name for l in leads if l.first_name and len(l.first_name) >= 3]
    if named:
        common = Counter(n[:3] for n in named).most_common(1)[0][0]
        out.append((common.swapcase(), "case"))
    companies = [l.company.name for l in leads if l.company and l.company.name]
    if companies:
        out.append((Counter(companies).most_common(1)[0][0].upper(), "company name"))
    emails = [l.email for l in leads if l.email and "@" in l.email]
    if emails and len(out) < 3:
        out.append((Counter(e.split("@")[1] for e in emails).most_common(1)[0][0], "email domain"))
    return out[:3]


def _filter_probes(leads: list[Lead]) -> list[ProbeQuery]:
    probes = []
    statuses = Counter(s.id for l in leads for s in l.statuses if s.id)
    if statuses:
        probes.append(ProbeQuery(status_id=statuses.most_common(1)[0][0]))
    sources = Counter(s.id for l in leads for s in l.sources if s.id)
    if sources:
        probes.append(ProbeQuery(source_id=sources.most_common(1)[0][0]))
    assignees = Counter(a for l in leads for a in l.assigned_to)
    if assignees:
        probes.append(ProbeQuery(assigned_to=assignees.most_common(1)[0][0]))
    probes.append(ProbeQuery(is_converted=1))
    days = sorted(l.lead_interaction_date.isoformat() for l in leads if l.lead_interaction_date)
    if days:
        probes.append(ProbeQuery(from_date=days[len(days) // 4], to_date=days[(3 * len(days)) // 4]))
    return probes


def run(*, budget: int = CALL_BUDGET, record: bool = True, client_factory=None) -> Report:
    report = Report(budget=budget)
    probe = _Probe(budget, client_factory)
    c = probe.client
    verdicts: dict[str, bool] = {}

    def row(area, label, matched, detail="", shapes=()):
        report.rows.append(Row(area, label, bool(matched), detail, tuple(shapes)))
        for s in shapes:
            verdicts[s] = verdicts.get(s, True) and bool(matched)

    def attempt(area, label, fn, shapes=()):
        """The probe's answer, or None after a row saying why it failed. A failed call says
        nothing about TaskIP's semantics: no shape is judged on it."""
        try:
            return fn()
        except BudgetSpent:
            raise
        except TaskipError as exc:
            row(area, label, False, f"{type(exc).__name__}: {exc}"[:200])
            return None

    try:
        every = attempt("envelope", "GET /lead?item=0", lambda: c.leads.list(item=0))
        if every is None:
            report.error = "the lead list could not be read"
            return _finish(report, probe, verdicts, record=False)
        leads = list(every.items)
        row(
            "envelope",
            "GET /lead?item=0",
            not every.has_next and all(l.id is not None for l in leads),
            f"{_n(len(leads), 'lead')}, no next page" if not every.has_next else "item=0 claimed a next page",
        )

        # default order and paging
        default = ProbeQuery()
        first = attempt(
            "paging", "GET /lead?page=1", lambda: c.leads.list(item=10, page=1), localcut.shapes_of(default)
        )
        if first is not None:
            local = localcut.cut(leads, default, 1, 10)
            same = _ids(first.items) == _ids(local.items) and first.has_next == local.has_next
            row(
                "paging",
                "GET /lead?page=1 (newest first)",
                same and first.page == 1 and len(first.items) <= 10,
                f"{_n(len(first.items), 'lead')}, next page: {'yes' if first.has_next else 'no'}"
                + ("" if same else "; local cut differs"),
                localcut.shapes_of(default),
            )
            if first.has_next:
                second = attempt("paging", "GET /lead?page=2", lambda: c.leads.list(item=10, page=2))
                if second is not None:
                    local2 = localcut.cut(leads, default, 2, 10)
                    ok = (
                        second.page == 2
                        and not set(_ids(second.items)) & set(_ids(first.items))
                        and _ids(second.items) == _ids(local2.items)
                    )
                    row(
                        "paging",
                        "GET /lead?page=2",
                        ok,
                        _n(len(second.items), "lead")
                        + ("" if ok else "; overlaps page 1 or differs from the local cut"),
                    )

        # sorts: compare the sort keys of the first page
        for sort_by in localcut.SORT_FIELDS:
            for order in ("asc", "desc"):
                q = ProbeQuery(sort_by=sort_by, sort_order=order)
                shapes = [f"sort:{sort_by}"]
                remote = attempt(
                    "local cut", q.label(), lambda q=q: c.leads.list(**q.api_params(), item=SORT_PAGE), shapes
                )
                if remote is None:
                    continue
                local = localcut.cut(leads, q, 1, SORT_PAGE)
                rk = [localcut.sort_key(l, sort_by) for l in remote.items]
                lk = [localcut.sort_key(l, sort_by) for l in local.items]
                detail = "same order" if rk == lk else _first_difference(remote.items, local.items, rk, lk)
                row("local cut", q.label(), rk == lk, detail, shapes)

        # searches and filters: compare the sets of leads
        probes = [(ProbeQuery(search=n), why) for n, why in _search_needles(leads)]
        probes += [(q, "filter") for q in _filter_probes(leads)]
        for q, why in probes:
            shapes = sorted(localcut.shapes_of(q) - {"sort:created_at"})
            remote = attempt("local cut", q.label(), lambda q=q: c.leads.list(**q.api_params(), item=0), shapes)
            if remote is None:
                continue
            want = set(_ids(l for l in leads if localcut.matches(l, q)))
            got = set(_ids(remote.items))
            detail = f"{_n(len(got), 'lead')} ({why})"
            if want != got:
                detail += f"; only TaskIP: {sorted(got - want)[:5]}, only local: {sorted(want - got)[:5]}"
            row("local cut", q.label(), want == got, detail, shapes)

        # the other lists' envelopes
        for label, fn in (
            ("GET /lead-attribute", lambda: c.attributes.list(item=10)),
            ("GET /contact?limit=5", lambda: c.contacts.list(limit=5)),
            ("GET /team-member?limit=5", lambda: c.team_members.list(limit=5)),
            ("GET /company?limit=5", lambda: c.companies.list(limit=5)),
        ):
            page = attempt("envelope", label, fn)
            if page is not None:
                row(
                    "envelope",
                    label,
                    all(getattr(x, "id", None) is not None for x in page.items),
                    f"{_n(len(page.items), 'item')}, next page: {'yes' if page.has_next else 'no'}",
                )
    except BudgetSpent as exc:
        report.error = str(exc)
    return _finish(report, probe, verdicts, record=record)


def _first_difference(remote, local, rk, lk) -> str:
    for i, (a, b) in enumerate(zip(rk, lk)):
        if a != b:
            return f"position {i + 1}: TaskIP has {remote[i].display_name!r}, the local cut {local[i].display_name!r}"
    return f"TaskIP sent {len(rk)} leads, the local cut {len(lk)}"


def _finish(report: Report, probe: _Probe, verdicts: dict[str, bool], *, record: bool) -> Report:
    report.calls = probe.calls
    if probe.calls:
        report.rows.append(
            Row(
                "rate limit",
                "X-RateLimit-* headers on every answer",
                not probe.missing_headers,
                "present on all"
                if not probe.missing_headers
                else "missing on " + ", ".join(sorted(set(probe.missing_headers)))[:200],
            )
        )
    if record:
        before = localcut.disabled_shapes()
        for shape, matched in sorted(verdicts.items()):
            localcut.record(
                shape, matched=matched, detail="matched TaskIP" if matched else "differed from TaskIP: TaskIP is asked"
            )
            if not matched and shape not in before:
                report.switched_off.append(shape)
            if matched and shape in before:
                report.switched_on.append(shape)
    return report


def save(report: Report, run_row: Any = None) -> Any:
    """Store a finished report as the latest check (shown on the budget page)."""
    from django.utils import timezone

    from leads.models import SelfCheckRun

    run_row = run_row or SelfCheckRun()
    run_row.state = SelfCheckRun.DONE
    run_row.passed, run_row.calls, run_row.report = report.passed, report.calls, report.as_dict()
    run_row.finished_at = timezone.now()
    run_row.save()
    return run_row
