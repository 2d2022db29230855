from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.shortcuts import redirect, render


def home(request):
    return redirect("leads:list")


@login_not_required
def healthz(request):
    return JsonResponse({"ok": True})


def not_built_yet(request, *args, **kwargs):
    """Stands in for a page that another piece of work is building."""
    return render(request, "upstream_error.html", {"message": "This page is not built yet."}, status=501)
