"""``{% load freshness %}``: filters for how fresh data is and a few numbers.

``|age`` (Unix time -> "3 min ago", via ``crmui.htmx.age_text``), ``|from_timestamp`` (Unix time
to an aware datetime), ``|percent`` (0.873 -> "87%"), ``|intdiv60`` (seconds -> "3 minutes").
Pages show freshness with the one include ``templates/_freshness.html``.
"""

from __future__ import annotations

from datetime import UTC, datetime

from django import template

from crmui.htmx import age_text

register = template.Library()


@register.filter
def age(value):
    try:
        return age_text(float(value)) if value not in (None, "") else ""
    except (TypeError, ValueError):
        return ""


@register.filter
def from_timestamp(value):
    if value in (None, ""):
        return None
    try:
        return datetime.fromtimestamp(float(value), tz=UTC)
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
