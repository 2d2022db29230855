"""The one place that decides whether a background TaskIP call may go now.

Every call made by a job or a periodic task (anything run by the worker, or inside
``background_calls()``) asks ``acquire()`` first, whichever process or machine it runs on: the
state is one database row (``crmui.models.BudgetState``), locked for the decision.

The rules, so people's pages never meet a 429 caused by a job:
* **hourly reserve**: background calls stop while fewer than ``JOBS_HOURLY_RESERVE`` (30 %) of
  the hour's calls are left, going by the last ``X-RateLimit-Remaining`` minus the background
  calls let go since; they wait for ``X-RateLimit-Reset``;
* **burst share**: background calls are spaced ``60 / (TASKIP_BURST_LIMIT * JOBS_BURST_SHARE)``
  seconds apart (a leaky bucket), so in any minute they use at most half the burst;
* **429**: TaskIP's ``Retry-After`` blocks every background call until then.

A short pacing wait is slept here; a longer one raises ``BudgetWait`` (a ``RateLimited`` with
``retry_after``, raised before anything is sent), so a job is rescheduled for that time
instead of holding a worker. People's calls are never delayed here.
"""

from __future__ import annotations

import contextvars
import math
import time
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import F, Sum

from crmui.models import BackgroundMinute, BudgetState
from crmui.taskip import errors as taskip_errors

# Longest pacing wait slept inside acquire(); longer waits are handed back to the job.
MAX_INLINE_WAIT = 15.0

_background: contextvars.ContextVar[str | None] = contextvars.ContextVar("background_calls", default=None)


class BudgetWait(taskip_errors.RateLimited):
    """Not now: a background call must wait ``retry_after`` seconds. Nothing was sent."""

    def __init__(self, retry_after: float, reason: str) -> None:
        super().__init__(429, reason, retry_after=max(1.0, float(retry_after)))
        self.reason = reason


@contextmanager
def background_calls(label: str = "job"):
    """TaskIP calls made inside are background calls: governed by ``acquire()``."""
    token = _background.set(label)
    try:
        yield
    finally:
        _background.reset(token)


def start_background(label: str = "task"):
    return _background.set(label)


def stop_background(token) -> None:
    _background.reset(token)


def in_background() -> bool:
    return _background.get() is not None


def _burst_interval() -> float:
    share = max(1.0, settings.TASKIP_BURST_LIMIT * settings.JOBS_BURST_SHARE)
    return 60.0 / share


def _reserve_floor(limit: int) -> int:
    return math.ceil(settings.JOBS_HOURLY_RESERVE * limit)


def _state() -> BudgetState:
    # The first statement of the transaction is a write: it takes SQLite's write lock or the
    # PostgreSQL row lock, so the decision below is made by one process at a time.
    if not BudgetState.objects.filter(pk=1).update(seq=F("seq") + 1):
        BudgetState.objects.get_or_create(pk=1)
    return BudgetState.objects.get(pk=1)


def _not_now(until: float, reason: str, now: float) -> BudgetWait:
    # Recorded outside the decision's transaction (which the raise rolls back).
    BudgetState.objects.filter(pk=1).update(wait_until=until, wait_reason=reason[:200])
    return BudgetWait(until - now, reason)


def acquire(*, now: float | None = None, sleep=time.sleep) -> float:
    """Let one background call go (sleeping a short pacing wait), or raise ``BudgetWait``.
    Returns the seconds slept."""
    now = time.time() if now is None else now
    refusal = None
    with transaction.atomic():
        st = _state()
        slot = max(st.next_slot, now)
        wait = slot - now
        if st.blocked_until > now:
            refusal = (st.blocked_until, "TaskIP answered 429 (too many requests): waiting for its Retry-After.")
        elif (
            st.limit
            and st.remaining is not None
            and st.reset
            and st.reset > now
            and st.remaining - st.spent_since_reading - 1 < _reserve_floor(st.limit)
        ):
            pct = round(100 * settings.JOBS_HOURLY_RESERVE)
            refusal = (st.reset + 1, f"Keeping the last {pct} % of this hour's TaskIP calls for people.")
        elif wait > MAX_INLINE_WAIT:
            refusal = (slot, "Pacing: jobs use at most half of TaskIP's per-minute burst.")
        else:
            _let_go(st, slot)
    if refusal:
        raise _not_now(refusal[0], refusal[1], now)
    if wait > 0:
        sleep(wait)
    return wait


def _let_go(st: BudgetState, slot: float) -> None:
    st.next_slot = slot + _burst_interval()
    st.spent_since_reading += 1
    st.save(update_fields=["next_slot", "spent_since_reading"])
    minute = int(slot // 60)
    if not BackgroundMinute.objects.filter(minute=minute).update(calls=F("calls") + 1):
        BackgroundMinute.objects.create(minute=minute, calls=1)


_last_reading_write = [0.0]


def note_reading(limit: int | None, remaining: int | None, reset: float | None, *, now: float | None = None) -> None:
    """A background call's answer carried X-RateLimit-*: the freshest view of the hour."""
    if limit is None or remaining is None:
        return
    now = time.time() if now is None else now
    if limit <= 0 or limit >= 1_000_000:  # no hourly limit in force (the sandbox's "unlimited")
        limit = None
    # One write a second per process is enough while far from the reserve: between readings the
    # calls let go are counted (spent_since_reading), so the estimate only errs on the safe side.
    far = limit is None or remaining - _reserve_floor(limit) > 50
    if far and now - _last_reading_write[0] < 1.0:
        return
    _last_reading_write[0] = now
    with transaction.atomic():
        st = _state()
        if st.seen and st.seen > now:
            return
        st.limit, st.remaining, st.reset, st.seen, st.spent_since_reading = limit, remaining, reset, now, 0
        st.save(update_fields=["limit", "remaining", "reset", "seen", "spent_since_reading"])


def note_rate_limited(retry_after: float | None, *, now: float | None = None) -> None:
    """A background call met a 429: no background call before Retry-After (60 s if none)."""
    now = time.time() if now is None else now
    until = now + (retry_after if retry_after else 60.0)
    with transaction.atomic():
        st = _state()
        if until > st.blocked_until:
            st.blocked_until = until
            st.save(update_fields=["blocked_until"])


@dataclass
class Summary:
    calls_last_hour: int
    calls_last_minute: int
    per_minute_cap: int
    reserve_pct: int
    waiting_until: float | None
    waiting_reason: str
    hourly_left: int | None
    hourly_floor: int | None


def summary(*, now: float | None = None) -> Summary:
    """What background work spent and what it waits for (the budget page)."""
    now = time.time() if now is None else now
    minute = int(now // 60)
    # No upper bound: a call let go for a slot a second ahead (pacing) may fall in the next
    # minute; it is spent already.
    hour = BackgroundMinute.objects.filter(minute__gt=minute - 60).aggregate(n=Sum("calls"))["n"] or 0
    last = BackgroundMinute.objects.filter(minute=minute).values_list("calls", flat=True).first() or 0
    st = BudgetState.objects.filter(pk=1).first()
    until, reason, left, floor = None, "", None, None
    if st is not None:
        if max(st.wait_until, st.blocked_until) > now:
            until = max(st.wait_until, st.blocked_until)
            reason = st.wait_reason
        if st.limit and st.remaining is not None and st.reset and st.reset > now:
            left, floor = st.remaining - st.spent_since_reading, _reserve_floor(st.limit)
    return Summary(
        hour, last, int(60 / _burst_interval()), round(100 * settings.JOBS_HOURLY_RESERVE), until, reason, left, floor
    )


def forget_old(*, now: float | None = None) -> None:
    now = time.time() if now is None else now
    BackgroundMinute.objects.filter(minute__lt=int(now // 60) - 180).delete()
