"""Bulk actions on the lead list: start a job, watch it (the page polls), pause, resume."""

from __future__ import annotations

from django.contrib import messages
from django.core.cache import cache
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from accounts.roles import require
from crmui.htmx import redirect_after_write, render_page
from jobs import access as jobs_access
from leads import bulk
from leads.models import BulkJob


def _back(request) -> str:
    back = request.POST.get("back") or ""
    if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}) and back.startswith("/"):
        return back
    return reverse("leads:list")


def _job_for(request, pk: int) -> BulkJob:
    bulk = get_object_or_404(BulkJob.objects.select_related("job", "job__owner"), pk=pk)
    if not jobs_access.may_see(request.user, bulk.job):
        raise Http404("No such bulk action")
    return bulk


@require_POST
@require("lead.bulk")
def bulk_start(request):
    back = _back(request)
    chosen = len({v.strip() for v in request.POST.getlist("ids") if v.strip().isdigit()})
    if chosen > bulk.MAX_IDS:
        messages.error(
            request,
            f"{chosen:,} leads were selected; one bulk action takes at most {bulk.MAX_IDS:,}, "
            "so nothing was changed. Narrow the list with filters and run it in parts.",
        )
        return redirect_after_write(request, back)
    ids = bulk.parse_ids(request.POST.getlist("ids"))
    do = request.POST.get("do", "")
    try:
        action, value = bulk.parse_action(do)
        if not ids:
            raise bulk.BadAction("Select at least one lead first.")
        bulk.check_offered(action, value)
    except bulk.BadAction as exc:
        messages.error(request, str(exc))
        return redirect_after_write(request, back)
    labels = {str(i): request.POST.get(f"label_{i}", "") for i in ids}
    if action == BulkJob.DELETE and request.POST.get("confirmed") != "1":
        return render(
            request,
            "leads/_bulk_confirm.html",
            {
                "ids": ids,
                "labels": [labels[str(i)] or f"Lead #{i}" for i in ids],
                "label_map": labels,
                "do": do,
                "back": back,
                "token": request.POST.get("token", ""),
            },
        )
    token = (request.POST.get("token") or "")[:64]
    token_key = f"bulk-token:{request.user.pk}:{token}"
    if token and (earlier := cache.get(token_key)):
        return redirect_after_write(
            request, reverse("leads:bulk_job", args=[earlier])
        )  # a double submit: the first job is the one
    job = bulk.start_job(actor=request.user, ids=ids, do=do, labels=labels, back=back)
    if token:
        cache.set(token_key, job.pk, 600)
    return redirect_after_write(request, reverse("leads:bulk_job", args=[job.pk]))


@require_GET
@require("lead.bulk")
def bulk_job(request, pk: int):
    """The job's page: progress and every lead's result; it polls while the worker works."""
    b = _job_for(request, pk)
    jobs_access.mark_seen(request.user, b.job)
    return render_page(request, "leads/_bulk_job.html", {"bulk": b, "job": b.job}, partial="bulk-progress")


@require_POST
@require("lead.bulk")
def bulk_retry(request, pk: int):
    b = bulk.retry_failed(_job_for(request, pk))
    return redirect_after_write(request, reverse("leads:bulk_job", args=[b.pk]))
