"""Cached upstream reads with namespace invalidation.

Each namespace ("leads", "attributes", "contacts", ...) has a version number kept in the
cache; a cached value's key includes that version, so ``invalidate("leads")`` makes every
cached lead list, board and detail stale at once, in every worker that shares the cache.
Values are stored with the time they were fetched so pages can say how fresh they are.
"""
from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.conf import settings
from django.core.cache import cache

T = TypeVar("T")


@dataclass(frozen=True)
class Cached(Generic[T]):
    value: T
    fetched_at: float
    hit: bool

    @property
    def age_seconds(self) -> int:
        return int(time.time() - self.fetched_at)


def _version(namespace: str) -> int:
    key = f"ns:{namespace}"
    v = cache.get(key)
    if v is None:
        v = int(time.time() * 1000)
        cache.add(key, v, None)
        v = cache.get(key, v)
    return v


def invalidate(*namespaces: str) -> None:
    for ns in namespaces:
        key = f"ns:{ns}"
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, int(time.time() * 1000), None)


def _key(namespace: str, parts: Any) -> str:
    raw = json.dumps(parts, sort_keys=True, default=str)
    digest = hashlib.sha1(raw.encode()).hexdigest()[:20]
    return f"c:{namespace}:{_version(namespace)}:{digest}"


def cached(namespace: str, parts: Any, fetch: Callable[[], T], *, ttl: int | None = None, refresh: bool = False) -> Cached[T]:
    """Return the cached value for (namespace, parts), fetching it on a miss or on refresh."""
    key = _key(namespace, parts)
    if not refresh:
        hit = cache.get(key)
        if hit is not None:
            value, fetched_at = hit
            return Cached(value, fetched_at, True)
    value = fetch()
    now = time.time()
    cache.set(key, (value, now), settings.TASKIP_CACHE_SECONDS if ttl is None else ttl)
    return Cached(value, now, False)
