"""The one TaskIP client of this process.

Services call ``client()``; nothing else in the dashboard knows URLs, headers or JSON.
Every HTTP attempt the client makes is counted against the current request and what TaskIP
says about the budget is remembered for every worker (both in ``crmui.tally``).

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
from typing import Any

from django.conf import settings

from crmui import cache as cache_mod
from crmui import tally
from crmui.taskip import CallInfo, TaskipClient
from crmui.taskip import errors as taskip_errors

log = logging.getLogger("crmui.upstream")

_client: TaskipClient | None = None
_client_lock = threading.Lock()


def _on_call(info: CallInfo) -> None:
    tally.note_call(info, _client.rate_limit if _client is not None else None)


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
        self.before_send = _govern

    def _report(self, method, path, status, elapsed_ms, attempt, error=None, *args, **kwargs):
        super()._report(method, path, status, elapsed_ms, attempt, error, *args, **kwargs)
        if status is not None and _governor_on():
            from crmui import governor

            rl = self.rate_limit
            if rl is not None and status != 429:
                try:
                    governor.note_reading(rl.limit, rl.remaining, rl.reset)
                except Exception:  # noqa: BLE001 - a reading lost must never lose the call's answer
                    log.exception("could not record the rate-limit reading")

    @property
    def timeout(self) -> tuple[float, float]:  # type: ignore[override]
        connect, read = self._base_timeout
        left = self._time_left()
        if left is None:
            return self._base_timeout
        if left <= 0.05:
            raise taskip_errors.TaskipTimeout(
                "TaskIP is answering too slowly to build this page in time.", may_have_reached=False
            )
        return (min(connect, left), min(read, left))

    @timeout.setter
    def timeout(self, value: tuple[float, float]) -> None:
        self._base_timeout = tuple(value)

    def _time_left(self) -> float | None:
        if not getattr(self._local, "is_read", False):
            return None
        current = tally.current_tally()
        if current is None or current.deadline is None:
            return None
        return current.deadline - time.monotonic()

    def _deadline_sleep(self, seconds: float) -> None:
        left = self._time_left()
        if left is not None and seconds >= left:
            raise taskip_errors.TaskipTimeout(
                "TaskIP is answering too slowly to build this page in time.", may_have_reached=False
            )
        time.sleep(seconds)

    def request(self, method: str, path: str, **kwargs) -> dict:
        method = method.upper()
        is_read = method in ("GET", "HEAD", "OPTIONS")
        if is_read and getattr(settings, "TASKIP_CLIENT_CACHE", True):
            if not cache_mod.in_fetch():
                # A read no service cached itself (a stand-in page, a helper): cache it here,
                # versioned by what the path touches, so every page is cached and the writes'
                # declared effects (crmui/writes.py) invalidate it.
                namespaces = read_namespaces(path)
                params = kwargs.get("params")
                return cache_mod.cached(
                    namespaces[0],
                    ["raw", method, path, sorted((params or {}).items())],
                    lambda: self._send(method, path, True, kwargs),
                    refresh=cache_mod.refresh_requested.get(),
                    also=namespaces[1:],
                ).value
        if is_read:
            return self._send(method, path, True, kwargs)
        # Writes: sent as they are. What a write makes stale is declared per write kind in
        # crmui/writes.py (the one write path), not guessed here from the path.
        try:
            return self._send(method, path, False, kwargs)
        except taskip_errors.RateLimited as exc:
            if _governor_on() and type(exc).__name__ != "BudgetWait":
                from crmui import governor

                governor.note_rate_limited(exc.retry_after)
            raise

    def _send(self, method: str, path: str, is_read: bool, kwargs: dict) -> dict:
        previous = getattr(self._local, "is_read", False)
        self._local.is_read = is_read
        try:
            return super().request(method, path, **kwargs)
        except taskip_errors.RateLimited as exc:
            if is_read and _governor_on() and type(exc).__name__ != "BudgetWait":
                from crmui import governor

                governor.note_rate_limited(exc.retry_after)
            raise
        finally:
            self._local.is_read = previous


def _governor_on() -> bool:
    from crmui import governor

    return governor.in_background()


def _govern(method: str, path: str) -> None:
    """Before each attempt: a background call (a job, a periodic task) asks the governor."""
    if _governor_on():
        from crmui import governor

        governor.acquire()


# --- what a read depends on: cache namespaces by API path ------------------------------------
# Documented in docs/DEVELOPING.md. "lead:<id>" is one lead's detail; "lead-records" every
# lead's detail at once (bulk deletes, status/source renames). Writes declare their own
# effects in crmui/writes.py.
def _id_after(path: str, prefix: str) -> str | None:
    rest = path[len(prefix) :].strip("/").split("/")[0]
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


def beside(fn: Callable[[], Any]):
    """Start ``fn`` (a fetch, no ORM) in the pool now, counted against this request, while the
    caller goes on in its own thread (which may use the ORM); ``.result()`` waits for it."""
    if _in_worker.get():
        from concurrent.futures import Future

        done: Future = Future()
        try:
            done.set_result(fn())
        except Exception as exc:  # noqa: BLE001 - handed back through the future
            done.set_exception(exc)
        return done
    return _pool().submit(contextvars.copy_context().run, _run_in_worker, fn)


class Started:
    """Fetches started beside the caller (``beside_each``); ``.exception()`` waits for every one
    and returns the first failure (None when all succeeded)."""

    def __init__(self, futures: list) -> None:
        self._futures = futures

    def exception(self, timeout: float | None = None) -> BaseException | None:
        failures = [f.exception(timeout) for f in self._futures]
        return next((exc for exc in failures if exc is not None), None)


def beside_each(*fns: Callable[[], Any]) -> Started:
    """``beside`` for several fetches, each started in the pool on its own, so they all run at
    the same time (``parallel`` inside one ``beside`` would run them one after another). With no
    fetch, nothing is started and ``.exception()`` is None at once."""
    return Started([beside(fn) for fn in fns])


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
