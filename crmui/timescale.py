"""One clock knob for the whole dashboard: ``TIME_SCALE``.

Every lifetime, interval, pacing period and expiry the dashboard and its worker use is divided
by ``settings.TIME_SCALE`` (default 1) through ``scaled()``, so a bench, a demo or a test can
run a working day in minutes with everything expiring as it would: ``TIME_SCALE=100`` makes a
5-minute cache lifetime 3 seconds and an 8-hour day 4.8 minutes.

What is NOT scaled: network timeouts, retry back-offs and the page deadline (they wait on real
HTTP round trips, which do not get faster), and TaskIP's own rate-limit window (TaskIP's clock).

    from crmui.timescale import scaled, scaled_ttl
    cache.set(key, value, scaled_ttl(settings.TASKIP_CACHE_SECONDS))
"""

from __future__ import annotations

from django.conf import settings


def factor() -> float:
    """``settings.TIME_SCALE`` as a positive float (anything else counts as 1)."""
    try:
        f = float(getattr(settings, "TIME_SCALE", 1) or 1)
    except (TypeError, ValueError):
        return 1.0
    return f if f > 0 else 1.0


def scaled(seconds: float) -> float:
    """A duration of the product's clock (a lifetime, interval, expiry) in real seconds."""
    return float(seconds) / factor()


def scaled_ttl(seconds: float) -> int:
    """``scaled()`` as a cache timeout: whole seconds, at least 1 (a timeout of 0 means "do
    not store" to Django's caches)."""
    return max(1, round(float(seconds) / factor()))


def product_seconds(real_seconds: float) -> float:
    """The inverse: real seconds as the product's clock counts them (an age shown to people
    in a compressed demo reads as it would on a real day)."""
    return float(real_seconds) * factor()
