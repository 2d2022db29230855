"""The navigation badge: how many of your jobs finished (or stopped for you) since you looked."""

from __future__ import annotations

import time

from django.utils.functional import SimpleLazyObject

from accounts.roles import can
from jobs import access
from jobs.models import Job

_last_sync = {"at": 0.0, "seen": None}


def _forget_what_jobs_changed() -> None:
    """The worker writes in another process, whose cache invalidations this process's local
    cache never hears of: when a job has progressed since this process last looked, forget the
    cached lead lists and records (at most once every 2 s)."""
    now = time.monotonic()
    if now - _last_sync["at"] < 2:
        return
    _last_sync["at"] = now
    latest = Job.objects.filter(calls__gt=0).order_by("-updated_at").values_list("updated_at", flat=True).first()
    if latest is not None and latest != _last_sync["seen"]:
        if _last_sync["seen"] is not None:
            from crmui.cache import invalidate

            invalidate("leads", "lead-records")
        _last_sync["seen"] = latest


def jobs_badge(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not (can(user, "lead.bulk") or can(user, "import")):
        return {}
    _forget_what_jobs_changed()
    # counted only when a template shows it: a page's navigation does, the panels and board
    # columns it loads (htmx partials) do not
    return {"jobs_badge": SimpleLazyObject(lambda: access.unseen_finished(user))}
