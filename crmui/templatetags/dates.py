"""``{% load dates %}``: one date format everywhere, the reader's own.

``{{ d|localdate }}`` and ``{{ dt|localdatetime }}`` render a ``<time>`` element with the ISO
value and a readable fallback ("1 Dec 2026"); static/js/app.js rewrites its text in the
browser's locale with the numeric day, month and year order the browser's date pickers use
(12/01/2026 in the US, 01/12/2026 in the UK, 01.12.2026 in Germany), so the tables and the
date filters read alike."""

from __future__ import annotations

from datetime import date, datetime

from django import template
from django.utils import timezone
from django.utils.dateformat import format as dformat
from django.utils.html import format_html

register = template.Library()


@register.filter
def localdate(value):
    if not isinstance(value, (date, datetime)):
        return value if value not in (None, "") else ""
    day = (
        timezone.localtime(value).date()
        if isinstance(value, datetime) and timezone.is_aware(value)
        else (value.date() if isinstance(value, datetime) else value)
    )
    return format_html('<time datetime="{}" data-local="date">{}</time>', day.isoformat(), dformat(day, "j M Y"))


@register.filter
def localdatetime(value):
    if not isinstance(value, datetime):
        return localdate(value)
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return format_html(
        '<time datetime="{}" data-local="datetime">{}</time>', local.isoformat(), dformat(local, "j M Y, H:i")
    )
