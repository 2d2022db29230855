from django.http import JsonResponse
from django.shortcuts import redirect
from django.contrib.auth.decorators import login_not_required


def home(request):
    return redirect("leads:list")


@login_not_required
def healthz(request):
    return JsonResponse({"ok": True})
