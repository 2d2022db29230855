"""What this request has cost upstream (the call tally), and what TaskIP last said about the
team's hourly budget and the key (the budget state shared by every worker through the cache).

``crmui.api`` adds each call to the tally and records the budget state; ``crmui.cache`` adds
its hits and misses and asks ``budget_low()``; the middleware opens and closes the tally
around each request; the banner reads ``rate_limit()`` and ``api_status()``. This module
imports nothing of the dashboard, so the client and the cache can both use it.
"""

from __future__ import annotations

import contextvars
import logging
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.cache import cache

from crmui.taskip import CallInfo
from crmui.timescale import scaled_ttl

RATE_KEY = "taskip:ratelimit"
STATUS_KEY = "taskip:api-status"


# --- the call tally of the current request ----------------------------------------------------
@dataclass
class UpstreamTally:
    calls: int = 0
    elapsed_ms: float = 0.0  # summed over the calls (calls made in parallel each count)
    longest_ms: float = 0.0  # the longest single call: a page's floor when its calls run in parallel
    errors: int = 0
    paths: list[str] = field(default_factory=list)
    cache_hits: int = 0
    cache_misses: int = 0
    stale_served: int = 0
    rate_limit: Any = None  # the last RateLimit this request saw
    deadline: float | None = None  # time.monotonic() after which reads are not started
    memo: dict = field(default_factory=dict, repr=False, compare=False)  # once_per_request's answers
    # work for when the response has gone out (``after_response``); None: not a page's tally
    after_response: list | None = field(default=None, repr=False, compare=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def add_call(self, info: CallInfo) -> None:
        with self._lock:
            self.calls += 1
            self.elapsed_ms += info.elapsed_ms
            self.longest_ms = max(self.longest_ms, info.elapsed_ms)
            self.paths.append(f"{info.method} {info.path}")
            if info.error or (info.status or 0) >= 400:
                self.errors += 1

    def add_tally(self, other: UpstreamTally) -> None:
        """Count the calls of work done for this request in a thread of its own (its own tally),
        e.g. the every-lead fetch a cold page waited for."""
        with self._lock:
            self.calls += other.calls
            self.elapsed_ms += other.elapsed_ms
            self.longest_ms = max(self.longest_ms, other.longest_ms)
            self.paths.extend(other.paths)
            self.errors += other.errors

    def add_cache(self, *, hit: bool, stale: bool = False) -> None:
        with self._lock:
            if hit:
                self.cache_hits += 1
            else:
                self.cache_misses += 1
            if stale:
                self.stale_served += 1


_tally: contextvars.ContextVar[UpstreamTally | None] = contextvars.ContextVar("upstream_tally", default=None)


def begin_tally(*, deadline_seconds: float | None = None, page: bool = False) -> UpstreamTally:
    """Open this thread's tally; ``page``: a request's, whose ``after_response`` work runs once
    its response has gone out (the middleware hands it over)."""
    tally = UpstreamTally(after_response=[] if page else None)
    if deadline_seconds:
        tally.deadline = time.monotonic() + deadline_seconds
    _tally.set(tally)
    return tally


def end_tally() -> None:
    """Forget the request's tally (its deadline must not outlive the request in this thread)."""
    _tally.set(None)


def current_tally() -> UpstreamTally | None:
    return _tally.get()


_answered = threading.local()  # the work waiting for this thread's response to go out


def after_response(fn) -> None:
    """Run ``fn`` once this request's response has gone out (Django's ``request_finished``, sent
    in the thread that answered), so work the page does not need (storing a copy for the other
    processes) does not hold the GIL while the page is still being made. Outside a request (a
    job, a shell, a test calling a selector) it runs now."""
    tally = _tally.get()
    if tally is None or tally.after_response is None:
        fn()
        return
    with tally._lock:
        tally.after_response.append(fn)


def hand_over(tally: UpstreamTally) -> None:
    """The middleware's, once its response is made: the request's ``after_response`` work runs
    when the response has gone out (``run_answered``)."""
    if tally.after_response:
        pending = getattr(_answered, "work", None) or []
        _answered.work = pending + tally.after_response
        tally.after_response = []


def run_answered(**_kwargs) -> None:
    """``request_finished``'s receiver: the work handed over in this thread."""
    work = getattr(_answered, "work", None)
    _answered.work = None
    for fn in work or ():
        try:
            fn()
        except Exception:  # noqa: BLE001 - one piece of work must not stop the others
            logging.getLogger("crmui.tally").exception("work after the response failed")


class _Once:
    """One answer of ``once_per_request``: computed by the first ask, under its own lock, so the
    request's parallel asks wait for it instead of computing it again."""

    __slots__ = ("lock", "done", "value", "error")

    def __init__(self):
        self.lock = threading.Lock()
        self.done = False
        self.value: Any = None
        self.error: Exception | None = None


def once_per_request(key: str, compute):
    """``compute()``, asked once per request: a page's later asks (its parallel ones included:
    they wait for the first) get the same answer, or the same exception. Outside a request (a
    job, a shell) it is computed every time."""
    tally = _tally.get()
    if tally is None:
        return compute()
    with tally._lock:
        once = tally.memo.get(key)
        if once is None:
            once = tally.memo[key] = _Once()
    with once.lock:
        if not once.done:
            try:
                once.value = compute()
            except Exception as exc:
                once.error = exc
            once.done = True
    if once.error is not None:
        raise once.error
    return once.value


def forget_for_request(key: str) -> None:
    """Drop what ``once_per_request`` holds under ``key`` for this request (after changing it)."""
    tally = _tally.get()
    if tally is not None:
        with tally._lock:
            tally.memo.pop(key, None)


def note_call(info: CallInfo, rate_limit=None) -> None:
    """One HTTP attempt: count it against the request, and remember what TaskIP told us
    about the key / reachability, for the banner."""
    tally = _tally.get()
    if tally is not None:
        tally.add_call(info)
        if rate_limit is not None:
            tally.rate_limit = rate_limit
    if info.status == 401:
        cache.set(STATUS_KEY, "unauthorized", scaled_ttl(300))
    elif info.status is None and info.error:
        cache.set(STATUS_KEY, "unreachable", scaled_ttl(60))
    elif info.status and info.status < 400:
        if cache.get(STATUS_KEY):
            cache.delete(STATUS_KEY)


def note_cache(*, hit: bool, stale: bool = False) -> None:
    tally = _tally.get()
    if tally is not None:
        tally.add_cache(hit=hit, stale=stale)


# --- the shared budget state -----------------------------------------------------------------
def remember_rate_limit(rl=None) -> None:
    """Share the last rate-limit reading (default: this request's) with the other workers."""
    if rl is None:
        tally = _tally.get()
        rl = tally.rate_limit if tally is not None else None
    if rl is not None:
        cache.set(RATE_KEY, _reading(rl), 3600)


def _reading(rl) -> dict:
    return {"limit": rl.limit, "remaining": rl.remaining, "reset": rl.reset, "seen": time.time()}


def rate_limit() -> dict | None:
    """The last reading: limit, remaining, reset (Unix time), seen, and ``low`` (fewer than
    ``TASKIP_BUDGET_LOW_FRACTION`` of the limit left, and the window has not reset since)."""
    tally = _tally.get()
    if tally is not None and tally.rate_limit is not None:
        # this request has already heard from TaskIP: that is the freshest reading
        rl = _reading(tally.rate_limit)
    else:
        rl = cache.get(RATE_KEY)
    if not rl:
        return None
    rl = dict(rl)
    now = time.time()
    reset = rl.get("reset")
    rl["expired"] = bool(reset and reset <= now)
    rl["reset_in"] = max(0, int(reset - now)) if reset else None
    rl["low"] = budget_low(rl)
    return rl


def budget_low(rl: dict | None = None) -> bool:
    """True when the team has little of this hour's TaskIP budget left."""
    if rl is None:
        rl = cache.get(RATE_KEY)
    if not rl or rl.get("remaining") is None or not rl.get("limit"):
        return False
    reset = rl.get("reset")
    if reset and reset <= time.time():
        return False  # the window has reset since the reading
    threshold = getattr(settings, "TASKIP_BUDGET_LOW_FRACTION", 0.1)
    return rl["remaining"] < rl["limit"] * threshold


def api_status() -> str | None:
    """'unauthorized', 'unreachable' or None when the last calls went fine."""
    return cache.get(STATUS_KEY)
