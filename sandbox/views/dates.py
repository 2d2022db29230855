"""The one date formatter: TaskIP's endpoints write timestamps in different formats (Laravel's
default JSON date on leads, seconds-only ISO on contacts, "Y-m-d H:i:s" on notes, a display
string on team members); each is a format string here, and ``stamp(value, FORMAT)`` writes any
of them in UTC."""

import datetime as dt

ISO_MICRO = "%Y-%m-%dT%H:%M:%S.%fZ"  # 2026-04-01T10:00:00.000000Z (leads, attributes, files)
ISO_SECONDS = "%Y-%m-%dT%H:%M:%SZ"  # 2024-01-25T11:20:00Z (contacts)
YMD_HIS = "%Y-%m-%d %H:%M:%S"  # 2026-04-01 10:00:00 (notes)
DISPLAY = "%d, %b, %Y"  # 01, Jan, 2024 (team members)
YMD = "%Y-%m-%d"  # 2026-04-01 (dates)


def stamp(value, fmt):
    """``value`` (a datetime, in UTC, or a date) written in format ``fmt``; None stays None."""
    if not value:
        return None
    if isinstance(value, dt.datetime):
        value = value.astimezone(dt.UTC)
    return value.strftime(fmt)


def now():
    return dt.datetime.now(dt.UTC)
