"""``{% load freshness %}``: how fresh a cached view is, and a way to refresh it.

    {% freshness result %}                       a Cached (fetched_at, stale, stale_reason)
    {% freshness fetched_at=ts refresh_url=url target="#lead-table" stale=flag %}

Both render ``templates/_freshness.html``. Filters: ``|from_timestamp`` (Unix time to an
aware datetime), ``|percent`` (0.873 -> "87%"), ``|intdiv60`` (seconds -> "3 minutes").
"""
from __future__ import annotations

from datetime import datetime, timezone

from django import template
from django.http import QueryDict

register = template.Library()


@register.filter
def from_timestamp(value):
    if value in (None, ""):
        return None
    try:
        return datetime.fromtimestamp(float(value), tz=timezone.utc)
    except (TypeError, ValueError, OverflowError, OSError):
        return None


@register.filter
def percent(value):
    try:
        return f"{round(float(value) * 100)}%"
    except (TypeError, ValueError):
        return ""


@register.filter
def intdiv60(seconds):
    try:
        s = int(seconds)
    except (TypeError, ValueError):
        return ""
    if s < 90:
        return f"{s} second{'s' if s != 1 else ''}"
    m = round(s / 60)
    return f"{m} minute{'s' if m != 1 else ''}"


def refresh_url_for(request) -> str:
    """The current URL with ``refresh=1`` (and without a previous one)."""
    q: QueryDict = request.GET.copy()
    q.pop("refresh", None)
    q["refresh"] = "1"
    return f"{request.path}?{q.urlencode()}"


@register.inclusion_tag("_freshness.html", takes_context=True)
def freshness(context, result=None, *, fetched_at=None, refresh_url=None, target=None, stale=None, stale_reason=None):
    if result is not None:
        fetched_at = getattr(result, "fetched_at", fetched_at)
        stale = getattr(result, "stale", stale)
        stale_reason = getattr(result, "stale_reason", stale_reason)
    request = context.get("request")
    if refresh_url is None and request is not None:
        refresh_url = refresh_url_for(request)
    return {"fetched_at": fetched_at, "refresh_url": refresh_url, "target": target,
            "stale": stale, "stale_reason": stale_reason}
