"""Cached upstream reads with namespace invalidation, stale copies and stampede protection.

Each namespace ("leads", "attributes", "contacts", ...) has a version number kept in the
cache; a cached value's key includes that version, so ``invalidate("leads")`` makes every
cached lead list, board and detail stale at once, in every worker that shares the cache.
Values are stored with the time they were fetched so pages can say how fresh they are.

Besides the fresh copy (``TASKIP_CACHE_SECONDS``) every value is kept as a *stale copy*
(``TASKIP_STALE_SECONDS``, version-less, so it survives invalidation). The stale copy is
served, marked ``stale``, when:

* TaskIP fails (unreachable, timeout, 5xx, malformed answer, 429, key refused);
* the hourly budget is nearly spent (``crmui.tally.budget_low()``) and the stale copy is of
  the current namespace version (nothing was written through the dashboard since): the
  background refresh waits rather than spend the last requests. A user's explicit refresh
  still fetches;
* another request is already fetching the same key (stampede protection: one fetches, the
  others wait up to ``TASKIP_LOCK_WAIT`` seconds for its value, then use the stale copy, and
  fetch themselves only when there is none).
"""

from __future__ import annotations

import contextvars
import hashlib
import json
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.conf import settings
from django.core.cache import cache

from crmui import tally
from crmui.errors import user_message
from crmui.taskip import errors as taskip_errors
from crmui.timescale import scaled_ttl

T = TypeVar("T")
log = logging.getLogger("crmui.cache")


@dataclass(frozen=True)
class Cached(Generic[T]):
    value: T
    fetched_at: float
    hit: bool
    stale: bool = False
    # Why a stale copy is shown: a user-facing sentence (TaskIP failed / budget low), or "".
    stale_reason: str = ""

    @property
    def age_seconds(self) -> int:
        return int(time.time() - self.fetched_at)


ALL = "__all__"

# The last few values this process read or fetched, kept unpickled under their versioned key.
# A board or overview over 10,000 leads is one cached value of every lead: unpickling it from
# the shared cache on every view costs more than the page. The key carries the namespaces'
# versions (read from the shared cache each time), so an invalidation by any worker still
# makes the memo miss; entries also expire with the fresh TTL.
_MEMO_SIZE = 8
_memo: OrderedDict[str, tuple[Any, float, float]] = OrderedDict()
_memo_lock = threading.Lock()


def _memo_get(key: str):
    with _memo_lock:
        entry = _memo.get(key)
        if entry is None:
            return None
        if entry[2] < time.monotonic():
            del _memo[key]
            return None
        _memo.move_to_end(key)
        return entry


def _memo_put(key: str, value: Any, fetched_at: float, ttl: float) -> None:
    with _memo_lock:
        _memo[key] = (value, fetched_at, time.monotonic() + ttl)
        _memo.move_to_end(key)
        while len(_memo) > _MEMO_SIZE:
            _memo.popitem(last=False)


def forget_memo() -> None:
    with _memo_lock:
        _memo.clear()


def _ns_version(key: str, got) -> int:
    if got is None:
        got = int(time.time() * 1000)
        cache.add(key, got, None)
        got = cache.get(key, got)
    return got


def _version(namespace: str, *also: str) -> str:
    """The namespaces' versions, combined with the global one (``invalidate_all``)."""
    keys = [f"ns:{ns}" for ns in (namespace, *also, ALL)]
    got = cache.get_many(keys)
    return ".".join(str(_ns_version(k, got.get(k))) for k in keys)


# True while a cached() fetch runs: the client's own read cache stands aside then.
_in_fetch: contextvars.ContextVar[bool] = contextvars.ContextVar("in_cached_fetch", default=False)
# Set by the middleware when the user asked for fresh data (?refresh=1).
refresh_requested: contextvars.ContextVar[bool] = contextvars.ContextVar("refresh_requested", default=False)


def in_fetch() -> bool:
    return _in_fetch.get()


class direct_reads:
    """``with direct_reads(): ...``: the client's own read cache stands aside (the caller
    stores what it reads itself, e.g. the lead snapshot)."""

    def __enter__(self):
        self._token = _in_fetch.set(True)
        return self

    def __exit__(self, *exc):
        _in_fetch.reset(self._token)
        return False


def version_of(namespace: str) -> str:
    """The namespace's version combined with the global one: it changes whenever either is
    invalidated (a value stored elsewhere can compare it to know it went stale)."""
    return _version(namespace)


def invalidate(*namespaces: str) -> None:
    for ns in namespaces:
        key = f"ns:{ns}"
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, int(time.time() * 1000), None)


def invalidate_all() -> None:
    """Make every cached read of every namespace stale (the budget page's "fetch fresh")."""
    invalidate(ALL)


def at_hand(namespace: str, parts: Any) -> bool:
    """Would ``cached(namespace, parts, ...)`` answer now without a call? (A cached page then
    need not start a thread to load it beside its other reads.)"""
    key = _key(namespace, parts)
    return _memo_get(key) is not None or cache.has_key(key)


def _digest(parts: Any) -> str:
    raw = json.dumps(parts, sort_keys=True, default=str)
    return hashlib.sha1(raw.encode()).hexdigest()[:20]


def _key(namespace: str, parts: Any, also: tuple[str, ...] = ()) -> str:
    return f"c:{namespace}:{_version(namespace, *also)}:{_digest(parts)}"


def _stale_key(namespace: str, parts: Any) -> str:
    return f"s:{namespace}:{_digest(parts)}"


def _serve_stale_on(exc: Exception) -> bool:
    """Failures where yesterday's copy beats an error: TaskIP down, slow, broken or out of budget.
    Not 404 (the record is gone) nor 400/422 (the question itself is wrong)."""
    if isinstance(
        exc,
        (
            taskip_errors.TaskipConnectionError,
            taskip_errors.MalformedResponse,
            taskip_errors.RateLimited,
            taskip_errors.AuthenticationError,
            taskip_errors.ServerError,
        ),
    ):
        return True
    return isinstance(exc, taskip_errors.TaskipAPIError) and exc.status >= 500


def _count(*, hit: bool, stale: bool = False) -> None:
    tally.note_cache(hit=hit, stale=stale)


def _from_stale(entry, reason: str) -> Cached:
    value, fetched_at = entry[0], entry[1]
    _count(hit=True, stale=True)
    return Cached(value, fetched_at, True, stale=True, stale_reason=reason)


def cached(
    namespace: str,
    parts: Any,
    fetch: Callable[[], T],
    *,
    ttl: int | None = None,
    refresh: bool = False,
    also: tuple[str, ...] = (),
) -> Cached[T]:
    """Return the cached value for (namespace, parts), fetching it on a miss or on refresh.

    ``also``: further namespaces the value depends on (invalidating any of them makes it
    stale), e.g. a lead's detail: ``cached("lead:42", ["detail"], fetch, also=("lead-records",))``.
    May return a stale copy (``.stale``) instead of raising when TaskIP fails; raises the
    client's ``TaskipError`` when there is no copy to fall back on.
    """
    version = _version(namespace, *also)
    digest = _digest(parts)
    key = f"c:{namespace}:{version}:{digest}"
    skey = f"s:{namespace}:{digest}"
    fresh_ttl = scaled_ttl(settings.TASKIP_CACHE_SECONDS if ttl is None else ttl)
    if not refresh:
        memo = _memo_get(key)
        if memo is not None:
            _count(hit=True)
            return Cached(memo[0], memo[1], True)
        hit = cache.get(key)
        if hit is not None:
            value, fetched_at = hit[0], hit[1]
            _memo_put(key, value, fetched_at, max(0.0, fetched_at + fresh_ttl - time.time()))
            _count(hit=True)
            return Cached(value, fetched_at, True)
        if tally.budget_low():
            entry = cache.get(skey)
            if entry is not None and len(entry) > 2 and entry[2] == version:
                return _from_stale(
                    entry, "TaskIP's hourly budget is nearly spent, so this saved copy is shown instead of a fresh one."
                )

    lock_key = f"lock:{key}"
    lock_seconds = scaled_ttl(getattr(settings, "TASKIP_LOCK_SECONDS", 15))
    have_lock = cache.add(lock_key, 1, lock_seconds)
    if not have_lock and not refresh:
        waited = _wait_for(key, getattr(settings, "TASKIP_LOCK_WAIT", 3.0))
        if waited is not None:
            _count(hit=True)
            return Cached(waited[0], waited[1], True)
        entry = cache.get(skey)
        if entry is not None:
            return _from_stale(entry, "A fresh copy is being fetched; this is the last saved copy.")
    try:
        token = _in_fetch.set(True)
        try:
            value = fetch()
        except taskip_errors.TaskipError as exc:
            if _serve_stale_on(exc):
                entry = cache.get(skey)
                if entry is not None:
                    log.warning("serving stale %s after %s", namespace, type(exc).__name__)
                    return _from_stale(entry, user_message(exc) + " This is the last saved copy.")
            raise
        finally:
            _in_fetch.reset(token)
        now = time.time()
        stale_ttl = max(fresh_ttl, scaled_ttl(getattr(settings, "TASKIP_STALE_SECONDS", 6 * 3600)))
        cache.set(key, (value, now), fresh_ttl)
        _memo_put(key, value, now, fresh_ttl)
        cache.set(skey, (value, now, version), stale_ttl)
        _count(hit=False)
        return Cached(value, now, False)
    finally:
        if have_lock:
            cache.delete(lock_key)


def _wait_for(key: str, seconds: float):
    deadline = time.monotonic() + seconds
    delay = 0.02
    while time.monotonic() < deadline:
        time.sleep(delay)
        delay = min(delay * 1.5, 0.2)
        hit = cache.get(key)
        if hit is not None:
            return hit
    return None


def peek(namespace: str, parts: Any, *, also: tuple[str, ...] = ()) -> Cached | None:
    """The fresh cached entry for (namespace, parts), or None: never fetches."""
    key = f"c:{namespace}:{_version(namespace, *also)}:{_digest(parts)}"
    memo = _memo_get(key)
    if memo is not None:
        _count(hit=True)
        return Cached(memo[0], memo[1], True)
    hit = cache.get(key)
    if hit is None:
        return None
    _count(hit=True)
    return Cached(hit[0], hit[1], True)


def put(namespace: str, parts: Any, value: Any, *, ttl: int | None = None, also: tuple[str, ...] = ()) -> None:
    """Write-through: store what a write returned (e.g. the updated lead) as the fresh cached
    value, so the next read costs no call. Call it AFTER ``invalidate`` of the same namespace."""
    version = _version(namespace, *also)
    digest = _digest(parts)
    now = time.time()
    fresh_ttl = scaled_ttl(settings.TASKIP_CACHE_SECONDS if ttl is None else ttl)
    cache.set(f"c:{namespace}:{version}:{digest}", (value, now), fresh_ttl)
    _memo_put(f"c:{namespace}:{version}:{digest}", value, now, fresh_ttl)
    cache.set(
        f"s:{namespace}:{digest}",
        (value, now, version),
        max(fresh_ttl, scaled_ttl(getattr(settings, "TASKIP_STALE_SECONDS", 6 * 3600))),
    )
