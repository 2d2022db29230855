"""The one TaskIP client of this process, and the per-request upstream call counter.

Services call ``client()``; nothing else in the dashboard knows URLs, headers or JSON.
Every HTTP attempt the client makes is counted against the current request (for the
budget footer and the log line) and its rate-limit headers are shared through the cache so
every worker knows how much of the hourly budget is left.

``parallel(*callables)`` runs a page's independent fetches at the same time, counted against
the same request. Reads made while building a page share one deadline
(``TASKIP_PAGE_DEADLINE``): no page waits on TaskIP longer than that, whatever the retries.
"""
from __future__ import annotations

import contextvars
import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.cache import cache

from crmui.taskip import CallInfo, TaskipClient
from crmui.taskip import errors as taskip_errors

log = logging.getLogger("crmui.upstream")

_client: TaskipClient | None = None
_client_lock = threading.Lock()

RATE_KEY = "taskip:ratelimit"
STATUS_KEY = "taskip:api-status"


@dataclass
class UpstreamTally:
    calls: int = 0
    elapsed_ms: float = 0.0
    errors: int = 0
    paths: list[str] = field(default_factory=list)
    cache_hits: int = 0
    cache_misses: int = 0
    stale_served: int = 0
    rate_limit: Any = None  # the last RateLimit this request saw
    deadline: float | None = None  # time.monotonic() after which reads are not started
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def add_call(self, info: CallInfo) -> None:
        with self._lock:
            self.calls += 1
            self.elapsed_ms += info.elapsed_ms
            self.paths.append(f"{info.method} {info.path}")
            if info.error or (info.status or 0) >= 400:
                self.errors += 1

    def add_cache(self, *, hit: bool, stale: bool = False) -> None:
        with self._lock:
            if hit:
                self.cache_hits += 1
            else:
                self.cache_misses += 1
            if stale:
                self.stale_served += 1


_tally: contextvars.ContextVar[UpstreamTally | None] = contextvars.ContextVar("upstream_tally", default=None)


def begin_tally(*, deadline_seconds: float | None = None) -> UpstreamTally:
    tally = UpstreamTally()
    if deadline_seconds:
        tally.deadline = time.monotonic() + deadline_seconds
    _tally.set(tally)
    return tally


def end_tally() -> None:
    """Forget the request's tally (its deadline must not outlive the request in this thread)."""
    _tally.set(None)


def current_tally() -> UpstreamTally | None:
    return _tally.get()


def _on_call(info: CallInfo) -> None:
    tally = _tally.get()
    if tally is not None:
        tally.add_call(info)
        if _client is not None and _client.rate_limit is not None:
            tally.rate_limit = _client.rate_limit
    # Remember the last thing TaskIP told us about the key / reachability, for the banner.
    if info.status == 401:
        cache.set(STATUS_KEY, "unauthorized", 300)
    elif info.status is None and info.error:
        cache.set(STATUS_KEY, "unreachable", 60)
    elif info.status and info.status < 400:
        if cache.get(STATUS_KEY):
            cache.delete(STATUS_KEY)


class DashboardClient(TaskipClient):
    """The TaskIP client with a per-page deadline on reads.

    A read started while building a page never waits past the page's deadline: its read
    timeout is cut to what is left, and when nothing is left (or a retry's back-off would run
    past it) it fails at once with ``TaskipTimeout``. Writes keep the full read timeout, since
    cutting a write short can leave the user unsure whether it was saved.
    """

    def __init__(self, *args, **kwargs) -> None:
        self._local = threading.local()
        super().__init__(*args, **kwargs)
        self._sleep = self._deadline_sleep

    @property
    def timeout(self) -> tuple[float, float]:  # type: ignore[override]
        connect, read = self._base_timeout
        left = self._time_left()
        if left is None:
            return self._base_timeout
        if left <= 0.05:
            raise taskip_errors.TaskipTimeout("TaskIP is answering too slowly to build this page in time.",
                                              may_have_reached=False)
        return (min(connect, left), min(read, left))

    @timeout.setter
    def timeout(self, value: tuple[float, float]) -> None:
        self._base_timeout = tuple(value)

    def _time_left(self) -> float | None:
        if not getattr(self._local, "is_read", False):
            return None
        tally = _tally.get()
        if tally is None or tally.deadline is None:
            return None
        return tally.deadline - time.monotonic()

    def _deadline_sleep(self, seconds: float) -> None:
        left = self._time_left()
        if left is not None and seconds >= left:
            raise taskip_errors.TaskipTimeout("TaskIP is answering too slowly to build this page in time.",
                                              may_have_reached=False)
        time.sleep(seconds)

    def request(self, method: str, path: str, **kwargs) -> dict:
        method = method.upper()
        is_read = method in ("GET", "HEAD", "OPTIONS")
        if is_read and getattr(settings, "TASKIP_CLIENT_CACHE", True):
            from crmui import cache as cache_mod

            if not cache_mod.in_fetch():
                # A read no service cached itself (a stand-in page, a helper): cache it here,
                # versioned by what the path touches, so every page is cached and the writes'
                # declared effects (crmui/writes.py) invalidate it.
                namespaces = read_namespaces(path)
                params = kwargs.get("params")
                return cache_mod.cached(
                    namespaces[0], ["raw", method, path, sorted((params or {}).items())],
                    lambda: self._send(method, path, True, kwargs),
                    refresh=cache_mod.refresh_requested.get(), also=namespaces[1:],
                ).value
        # Writes: sent as they are. What a write makes stale is declared per write kind in
        # crmui/writes.py (the one write path), not guessed here from the path.
        return self._send(method, path, is_read, kwargs)

    def _send(self, method: str, path: str, is_read: bool, kwargs: dict) -> dict:
        previous = getattr(self._local, "is_read", False)
        self._local.is_read = is_read
        try:
            return super().request(method, path, **kwargs)
        finally:
            self._local.is_read = previous


# --- what a read depends on: cache namespaces by API path ------------------------------------
# Documented in docs/DEVELOPING.md. "lead:<id>" is one lead's detail; "lead-records" every
# lead's detail at once (bulk deletes, status/source renames). Writes declare their own
# effects in crmui/writes.py.
def _id_after(path: str, prefix: str) -> str | None:
    rest = path[len(prefix):].strip("/").split("/")[0]
    return rest if rest.isdigit() else None


def read_namespaces(path: str) -> tuple[str, ...]:
    """The namespaces a GET of ``path`` depends on, the first being its home."""
    if path == "/lead":
        return ("leads",)
    if path.startswith("/lead/notes/"):
        return (f"notes:{_id_after(path, '/lead/notes/')}",)
    if path.startswith("/lead/files/"):
        return (f"files:{_id_after(path, '/lead/files/')}",)
    if path.startswith("/lead/"):
        lead_id = _id_after(path, "/lead/")
        return (f"lead:{lead_id}", "lead-records") if lead_id else ("leads",)
    if path.startswith("/lead-attribute"):
        return ("attributes",)
    if path.startswith("/contact"):
        cid = _id_after(path, "/contact/") if path.startswith("/contact/") else None
        return (f"contact:{cid}", "contacts") if cid else ("contacts",)
    if path.startswith("/team-member"):
        return ("team",)
    if path.startswith("/company"):
        return ("companies",)
    return ("misc",)


def client() -> TaskipClient:
    global _client
    if _client is None:
        with _client_lock:
            if _client is None:
                _client = DashboardClient(
                    settings.TASKIP_BASE_URL,
                    settings.TASKIP_SECRET_KEY,
                    timeout=(settings.TASKIP_CONNECT_TIMEOUT, settings.TASKIP_READ_TIMEOUT),
                    max_retries=settings.TASKIP_MAX_RETRIES,
                    max_wait=getattr(settings, "TASKIP_MAX_WAIT", 2.0),
                    on_call=_on_call,
                )
    return _client


def reset_client() -> None:
    """Forget the client (tests that change TASKIP_* settings call this)."""
    global _client
    with _client_lock:
        _client = None


# --- parallel fetches ------------------------------------------------------------------
_executor: ThreadPoolExecutor | None = None
_executor_lock = threading.Lock()
_in_worker: contextvars.ContextVar[bool] = contextvars.ContextVar("in_parallel_worker", default=False)


def _pool() -> ThreadPoolExecutor:
    global _executor
    if _executor is None:
        with _executor_lock:
            if _executor is None:
                _executor = ThreadPoolExecutor(
                    max_workers=getattr(settings, "TASKIP_PARALLEL_WORKERS", 8), thread_name_prefix="taskip-fetch"
                )
    return _executor


def _run_in_worker(fn: Callable[[], Any]) -> Any:
    _in_worker.set(True)
    return fn()


def parallel(*callables: Callable[[], Any], return_exceptions: bool = False) -> list[Any]:
    """Run independent fetches at once; return their results in order.

    Each callable runs in a copy of the caller's context, so its TaskIP calls are counted
    against the current request (``X-Upstream-Calls``) and share the page's deadline. With
    ``return_exceptions=True`` a failed callable's exception is returned in its place (so a
    page can show the parts that loaded); otherwise the first exception is raised once all
    have finished. Nested calls run one after the other (no pool starvation). Callables
    should fetch (services, selectors, ``crmui.reference``), not use the ORM.
    """
    if not callables:
        return []
    if len(callables) == 1 or _in_worker.get():
        futures_results = []
        for fn in callables:
            try:
                futures_results.append((True, fn()))
            except Exception as exc:  # noqa: BLE001 - handed back or re-raised below
                futures_results.append((False, exc))
    else:
        pool = _pool()
        futures = [pool.submit(contextvars.copy_context().run, _run_in_worker, fn) for fn in callables]
        futures_results = []
        for f in futures:
            try:
                futures_results.append((True, f.result()))
            except Exception as exc:  # noqa: BLE001
                futures_results.append((False, exc))
    if not return_exceptions:
        for ok, value in futures_results:
            if not ok:
                raise value
    return [value for _, value in futures_results]


# --- the shared rate-limit reading --------------------------------------------------------
def remember_rate_limit(rl=None) -> None:
    """Share the last rate-limit reading with the other workers."""
    if rl is None:
        tally = _tally.get()
        rl = (tally.rate_limit if tally is not None else None) or (client().rate_limit if _client else None)
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
