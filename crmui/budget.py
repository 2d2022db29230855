"""The team's TaskIP budget: a rolling record of upstream calls per page, and the admin page.

Every request adds to five-minute buckets in the shared cache (per view name: page views,
upstream calls, cache hits, cache lookups). ``usage()`` sums the last hour; the budget page
(``shell.views.budget_view``) shows it with the last rate-limit reading and where this hour
is heading.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from django.core.cache import cache

from crmui.timescale import scaled, scaled_ttl

BUCKET_SECONDS = 300  # of the product's clock: divided by TIME_SCALE (crmui/timescale.py)
HOUR_BUCKETS = 12
METRICS = ("views", "calls", "hits", "lookups")
_KEEP = 2 * 3600
_VIEWS_KEY = "budget:views"


def _bucket_seconds() -> float:
    return scaled(BUCKET_SECONDS)


def _bucket(now: float | None = None) -> int:
    return int((time.time() if now is None else now) // _bucket_seconds())


def _incr(key: str, n: int) -> None:
    if n <= 0:
        return
    if cache.add(key, n, scaled_ttl(_KEEP)):
        return
    try:
        cache.incr(key, n)
    except ValueError:  # expired between add and incr
        cache.add(key, n, scaled_ttl(_KEEP))


def record(view_name: str, *, calls: int, hits: int, lookups: int, now: float | None = None) -> None:
    """Count one page view (or htmx request) of ``view_name`` and what it cost upstream."""
    names = cache.get(_VIEWS_KEY) or set()
    if view_name not in names:
        cache.set(_VIEWS_KEY, set(names) | {view_name}, None)
    b = _bucket(now)
    for metric, n in zip(METRICS, (1, calls, hits, lookups)):
        _incr(f"budget:{b}:{view_name}:{metric}", n)


LABELS = {
    "leads:list": "Leads list",
    "leads:board": "Board",
    "leads:detail": "Lead detail",
    "leads:create": "New lead",
    "leads:edit": "Edit lead",
    "contacts:list": "Contacts",
    "contacts:detail": "Contact detail",
    "reports:overview": "Overview",
    "accounts:index": "Settings",
    "budget": "API budget",
    "login": "Log in",
    "home": "Home",
    "audit:list": "Audit trail",
    "pipeline:attributes": "Statuses and sources",
}


@dataclass
class PageUsage:
    view: str
    views: int
    calls: int
    hits: int
    lookups: int

    @property
    def label(self) -> str:
        return LABELS.get(self.view) or self.view.split(":")[-1].replace("_", " ").replace("-", " ").capitalize()

    @property
    def hit_ratio(self) -> float | None:
        return self.hits / self.lookups if self.lookups else None

    @property
    def calls_per_view(self) -> float:
        return self.calls / self.views if self.views else 0.0


def usage(*, buckets: int = HOUR_BUCKETS, now: float | None = None) -> list[PageUsage]:
    """Per view, over the last ``buckets`` five-minute buckets (the current one included)."""
    names = sorted(cache.get(_VIEWS_KEY) or ())
    last = _bucket(now)
    keys = [f"budget:{b}:{v}:{m}" for b in range(last - buckets + 1, last + 1) for v in names for m in METRICS]
    got = cache.get_many(keys) if keys else {}
    rows = []
    for v in names:
        totals = {m: 0 for m in METRICS}
        for b in range(last - buckets + 1, last + 1):
            for m in METRICS:
                totals[m] += int(got.get(f"budget:{b}:{v}:{m}") or 0)
        if totals["views"] or totals["calls"]:
            rows.append(PageUsage(v, totals["views"], totals["calls"], totals["hits"], totals["lookups"]))
    rows.sort(key=lambda r: (-r.calls, -r.views, r.view))
    return rows


@dataclass
class Projection:
    calls_last_hour: int
    calls_last_15min: int
    per_hour_at_recent_pace: int
    projected_remaining_at_reset: int | None
    minutes_to_reset: int | None
    exhausted_in_minutes: int | None


def projection(rl: dict | None, *, now: float | None = None) -> Projection:
    now = time.time() if now is None else now
    hour = sum(r.calls for r in usage(now=now))
    recent = sum(r.calls for r in usage(buckets=3, now=now))
    # The current bucket is partly elapsed: pace = calls / minutes actually covered.
    bucket = _bucket_seconds()
    covered = 2 * bucket + (now % bucket)
    # the pace in the product's clock: calls per (scaled) minute
    per_minute = recent / (covered / scaled(60)) if covered else 0.0
    per_hour = int(round(per_minute * 60))
    remaining_at_reset = minutes_to_reset = exhausted = None
    if rl and rl.get("remaining") is not None and rl.get("reset") and rl["reset"] > now:
        minutes_to_reset = math.ceil((rl["reset"] - now) / 60)
        remaining_at_reset = int(rl["remaining"] - per_minute * minutes_to_reset)
        if per_minute > 0 and remaining_at_reset < 0:
            exhausted = int(rl["remaining"] / per_minute)
    return Projection(hour, recent, per_hour, remaining_at_reset, minutes_to_reset, exhausted)
