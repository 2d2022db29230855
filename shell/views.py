"""The frame's own pages: home, the health check, the API budget page."""

from __future__ import annotations

from datetime import UTC, datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from accounts.roles import require
from audit.trail import record as audit_record
from crmui import cache as cache_mod
from crmui import governor, ops, tally
from crmui.budget import projection, usage
from crmui.htmx import redirect_after_write
from jobs.models import Job


def home(request):
    return redirect("leads:list")


@login_not_required
@never_cache
def healthz(request):
    """For load balancers and monitoring: no login, no secret, no TaskIP call (crmui/ops.py)."""
    ok, report = ops.health()
    return JsonResponse({"ok": ok, **report}, status=200 if ok else 503)


def not_built_yet(request, *args, **kwargs):
    """Stands in for a page that another piece of work is building."""
    return render(request, "upstream_error.html", {"message": "This page is not built yet."}, status=501)


@require_http_methods(["GET", "POST"])
@require("budget.view")
def budget_view(request):
    if request.method == "POST" and request.POST.get("action") == "forget-cache":
        cache_mod.invalidate_all()
        audited_note(request)
        messages.success(request, "Saved copies forgotten: the next page views fetch fresh data from TaskIP.")
        return redirect_after_write(request, reverse("budget"))
    rl = tally.rate_limit()
    rows = usage()
    total_views = sum(r.views for r in rows)
    total_calls = sum(r.calls for r in rows)
    total_hits = sum(r.hits for r in rows)
    total_lookups = sum(r.lookups for r in rows)
    reset_at = None
    if rl and rl.get("reset"):
        reset_at = datetime.fromtimestamp(rl["reset"], tz=UTC)
    seen_at = None
    if rl and rl.get("seen"):
        seen_at = datetime.fromtimestamp(rl["seen"], tz=UTC)
    background = governor.summary()
    return render(
        request,
        "budget.html",
        {
            "background": background,
            "background_until": datetime.fromtimestamp(background.waiting_until, tz=UTC)
            if background.waiting_until
            else None,
            "active_jobs": list(Job.objects.filter(state__in=(*Job.ACTIVE, Job.PAUSED)).select_related("owner")[:20]),
            "rl": rl,
            "reset_at": reset_at,
            "seen_at": seen_at,
            "rows": rows,
            "total_views": total_views,
            "total_calls": total_calls,
            "total_hit_ratio": (total_hits / total_lookups) if total_lookups else None,
            "views_per_call": (total_views / total_calls) if total_calls else None,
            "proj": projection(rl),
            "low_fraction_pct": int(round(100 * _low_fraction())),
        },
    )


def _low_fraction() -> float:
    return getattr(settings, "TASKIP_BUDGET_LOW_FRACTION", 0.1)


def audited_note(request) -> None:
    """Forgetting the cache changes nothing in TaskIP, but it costs budget: leave a trace."""
    audit_record(request.user, "cache.forget", "cache", label="All saved copies of TaskIP data")
