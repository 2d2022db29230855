"""Login throttling: after LOGIN_FAILURE_LIMIT failed logins for one username from one IP
address within LOGIN_FAILURE_WINDOW seconds, that username is locked from that address for
LOGIN_LOCKOUT_SECONDS. Kept in the cache (shared between workers when CACHE_URL is Redis)."""
from __future__ import annotations

import hashlib
import math
import time

from django.conf import settings
from django.core.cache import cache


def _limit() -> int:
    return getattr(settings, "LOGIN_FAILURE_LIMIT", 5)


def _window() -> int:
    from crmui.timescale import scaled_ttl

    return scaled_ttl(getattr(settings, "LOGIN_FAILURE_WINDOW", 15 * 60))


def _lockout() -> int:
    from crmui.timescale import scaled_ttl

    return scaled_ttl(getattr(settings, "LOGIN_LOCKOUT_SECONDS", 15 * 60))


def client_ip(request) -> str:
    if request is None:
        return "-"
    return request.META.get("REMOTE_ADDR") or "-"


def _key(kind: str, username: str, ip: str) -> str:
    digest = hashlib.sha256(f"{(username or '').strip().lower()}|{ip}".encode()).hexdigest()[:32]
    return f"login-{kind}:{digest}"


def locked_until(username: str, ip: str) -> float | None:
    """When the lock of (username, ip) ends (epoch seconds), or None if not locked."""
    until = cache.get(_key("lock", username, ip))
    if until and until > time.time():
        return until
    return None


def note_failure(username: str, ip: str) -> bool:
    """Count one failed login; returns True when this failure locks the username out."""
    key = _key("fail", username, ip)
    now = time.time()
    recent = [t for t in (cache.get(key) or []) if t > now - _window()]
    recent.append(now)
    cache.set(key, recent, _window())
    if len(recent) >= _limit():
        cache.set(_key("lock", username, ip), now + _lockout(), _lockout())
        cache.delete(key)
        return True
    return False


def clear(username: str, ip: str) -> None:
    cache.delete_many([_key("fail", username, ip), _key("lock", username, ip)])


def lockout_message(until: float) -> str:
    minutes = max(1, math.ceil((until - time.time()) / 60))
    return (f"Too many failed login attempts. This login is locked for {minutes} minute{'s' if minutes != 1 else ''}; "
            "try again later or ask an administrator.")
