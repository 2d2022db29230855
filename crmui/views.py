from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from crmui import ops


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
