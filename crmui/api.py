"""The one TaskIP client of this process, and the per-request upstream call counter.

Services call ``client()``; nothing else in the dashboard knows URLs, headers or JSON.
Every HTTP attempt the client makes is counted against the current request (for the
budget footer and the log line) and its rate-limit headers are shared through the cache so
every worker knows how much of the hourly budget is left.
"""
from __future__ import annotations

import contextvars
import logging
import threading
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache

from crmui.taskip import CallInfo, TaskipClient

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


_tally: contextvars.ContextVar[UpstreamTally | None] = contextvars.ContextVar("upstream_tally", default=None)


def begin_tally() -> UpstreamTally:
    tally = UpstreamTally()
    _tally.set(tally)
    return tally


def current_tally() -> UpstreamTally | None:
    return _tally.get()


def _on_call(info: CallInfo) -> None:
    tally = _tally.get()
    if tally is not None:
        tally.calls += 1
        tally.elapsed_ms += info.elapsed_ms
        tally.paths.append(f"{info.method} {info.path}")
        if info.error or (info.status or 0) >= 400:
            tally.errors += 1
    # Remember the last thing TaskIP told us about the key / reachability, for the banner.
    if info.status == 401:
        cache.set(STATUS_KEY, "unauthorized", 300)
    elif info.status is None and info.error:
        cache.set(STATUS_KEY, "unreachable", 60)
    elif info.status and info.status < 400:
        if cache.get(STATUS_KEY):
            cache.delete(STATUS_KEY)


def client() -> TaskipClient:
    global _client
    if _client is None:
        with _client_lock:
            if _client is None:
                _client = TaskipClient(
                    settings.TASKIP_BASE_URL,
                    settings.TASKIP_SECRET_KEY,
                    timeout=(settings.TASKIP_CONNECT_TIMEOUT, settings.TASKIP_READ_TIMEOUT),
                    max_retries=settings.TASKIP_MAX_RETRIES,
                    on_call=_on_call,
                )
    return _client


def reset_client() -> None:
    """Forget the client (tests that change TASKIP_* settings call this)."""
    global _client
    with _client_lock:
        _client = None


def remember_rate_limit() -> None:
    """Share the client's last rate-limit reading with the other workers."""
    rl = client().rate_limit
    if rl is not None:
        cache.set(RATE_KEY, {"limit": rl.limit, "remaining": rl.remaining, "reset": rl.reset, "seen": time.time()}, 3600)


def rate_limit() -> dict | None:
    return cache.get(RATE_KEY)


def api_status() -> str | None:
    """'unauthorized', 'unreachable' or None when the last calls went fine."""
    return cache.get(STATUS_KEY)
