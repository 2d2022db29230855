"""The Jobs page, a job's controls (pause, resume, cancel) and the way to its own page.
The work itself runs in the worker (jobs/runner.py): these views only read and flip states."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from accounts.roles import can, require
from crmui.htmx import redirect_after_write, render_page
from jobs import access, runner
from jobs.models import Job


def _job(request, pk: int) -> Job:
    job = get_object_or_404(Job.objects.select_related("owner"), pk=pk)
    if not access.may_see(request.user, job):
        raise Http404("No such job")
    return job


@require_GET
@require("lead.bulk")  # bulk changes and imports: managers and admins
def jobs_list(request):
    jobs = list(access.visible_to(request.user)[:200])
    now = timezone.now()
    rows = [{"job": j, "seconds_left": j.seconds_left(now), "mine": j.owner_id == request.user.pk} for j in jobs]
    any_active = any(j.is_active for j in jobs)
    return render_page(
        request,
        "jobs/jobs_list.html",
        {"rows": rows, "all_jobs": can(request.user, "jobs.all"), "any_active": any_active},
        partial="jobs-table",
    )


@require_GET
@require("lead.bulk")
def job_detail(request, pk: int):
    job = _job(request, pk)
    return redirect(job.detail_url or "jobs:list")


@require_POST
@require("lead.bulk")
def job_control(request, pk: int, op: str):
    job = _job(request, pk)
    if op == "pause":
        runner.pause(job)
    elif op == "resume":
        runner.resume(job)
    elif op == "cancel":
        runner.cancel(job)
    else:
        raise Http404("No such operation")
    return redirect_after_write(request, job.detail_url or reverse("jobs:list"))
