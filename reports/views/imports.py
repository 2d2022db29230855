"""The CSV import wizard: upload › map columns › check rows › import (with progress) › report."""

from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods

from accounts.roles import can, require
from crmui.errors import user_message
from crmui.htmx import redirect_after_write
from crmui.taskip import TaskipError
from jobs import access as jobs_access
from reports.forms import StartForm, UploadForm
from reports.imports import reading, reporting, running, validation
from reports.models import ImportJob, ImportRow

RUNNING_LIKE = (ImportJob.RUNNING, ImportJob.PAUSED, ImportJob.RATE_LIMITED, ImportJob.STOPPED, ImportJob.DONE)


def _job(request, job_id) -> ImportJob:
    """An import is its owner's: anyone else (but an admin) is told it does not exist."""
    job = get_object_or_404(ImportJob.objects.select_related("run", "created_by"), pk=job_id)
    if job.created_by_id != request.user.pk and not can(request.user, "jobs.all"):
        raise Http404("No such import")
    return job


@require_http_methods(["GET", "POST"])
@require("import")
def import_upload(request):
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = reading.create_job(actor=request.user, upload=form.cleaned_data["file"])
        except reading.ImportFileError as exc:
            form.add_error("file", str(exc))
        else:
            return redirect_after_write(request, reverse("reports:import_map", args=[job.pk]))
    recent = ImportJob.objects.select_related("created_by", "run")
    if not can(request.user, "jobs.all"):
        recent = recent.filter(created_by=request.user)
    recent = recent[:10]
    return render(request, "reports/import_upload.html", {"form": form, "recent": recent, "step": 1})


@require_http_methods(["GET", "POST"])
@require("import")
def import_map(request, job_id):
    job = _job(request, job_id)
    if job.status in RUNNING_LIKE:
        return redirect("reports:import_job", job_id=job.pk)
    problems, error = [], None
    if request.method == "POST":
        mapping = {str(i): request.POST.get(f"col_{i}", "") for i in range(len(job.headers))}
        mapping = {k: (v if v in reading.FIELD_LABELS else "") for k, v in mapping.items()}
        job.mapping = mapping
        job.date_order = "mdy" if request.POST.get("date_order") == "mdy" else "dmy"
        job.save(update_fields=["mapping", "date_order", "updated_at"])
        problems = reading.mapping_problems(mapping)
        if not problems:
            try:
                validation.validate_job(job)
            except TaskipError as exc:
                error = (
                    "The rows could not be checked: the dashboard needs TaskIP's statuses, sources, team and companies. "
                    + user_message(exc)
                )
            else:
                return redirect_after_write(request, reverse("reports:import_review", args=[job.pk]))
    columns = [
        {"index": i, "header": h, "field": job.mapping.get(str(i), ""), "samples": s}
        for i, (h, s) in enumerate(zip(job.headers, reading.samples(job)))
    ]
    return render(
        request,
        "reports/import_map.html",
        {
            "job": job,
            "columns": columns,
            "fields": reading.FIELDS,
            "problems": problems,
            "error": error,
            "row_count": job.rows.count(),
            "step": 2,
        },
    )


@require_http_methods(["GET", "POST"])
@require("import")
def import_review(request, job_id):
    job = _job(request, job_id)
    if job.status in RUNNING_LIKE:
        return redirect("reports:import_job", job_id=job.pk)
    if job.status != ImportJob.VALIDATED:
        return redirect("reports:import_map", job_id=job.pk)
    prog = reporting.progress(job)
    form = StartForm(request.POST or None, invalid=prog.invalid)
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            running.start(job, mode=form.cleaned_data["mode"], actor=request.user)
        except TaskipError as exc:
            error = (
                "The import could not start: the dashboard must first check which emails already exist. "
                + user_message(exc)
            )
        else:
            return redirect_after_write(request, reverse("reports:import_job", args=[job.pk]))
    existing, existing_error = None, None
    try:
        existing = len(validation.existing_in_snapshot(job))
    except TaskipError as exc:
        existing_error = user_message(exc)
    bad_rows = list(job.rows.filter(state=ImportRow.INVALID)[:200])
    preview = [(r, validation.describe_payload(r.payload)) for r in job.rows.filter(state=ImportRow.PENDING)[:5]]
    return render(
        request,
        "reports/import_review.html",
        {
            "job": job,
            "prog": prog,
            "form": form,
            "error": error,
            "bad_rows": bad_rows,
            "preview": preview,
            "existing": existing,
            "existing_error": existing_error,
            "step": 3,
            # What the start button counts, per mode: rows that will be written, never a skipped one.
            "create_count": prog.to_write - (existing or 0),
            "update_count": prog.to_write,
            "mapped": [(job.headers[int(i)], reading.FIELD_LABELS[f]) for i, f in job.mapping.items() if f],
        },
    )


def _progress_context(job):
    prog = reporting.progress(job)
    run = job.run
    finished = run is None or run.state in run.FINISHED
    failed_rows = (
        list(
            job.rows.filter(state__in=(ImportRow.FAILED, ImportRow.SKIPPED, ImportRow.INVALID, ImportRow.IN_FLIGHT))[
                :300
            ]
        )
        if finished or run.state == run.PAUSED
        else []
    )
    return {
        "job": job,
        "run": run,
        "prog": prog,
        "failed_rows": failed_rows,
        "finished": finished,
        "step": 5 if run is not None and run.state == run.DONE else 4,
    }


@require_GET
@require("import")
def import_job(request, job_id):
    """The import's progress (polled while the worker works) and, once done, its report."""
    job = _job(request, job_id)
    if job.status == ImportJob.UPLOADED:
        return redirect("reports:import_map", job_id=job.pk)
    if job.status == ImportJob.VALIDATED:
        return redirect("reports:import_review", job_id=job.pk)
    if job.run is not None:
        jobs_access.mark_seen(request.user, job.run)
    ctx = _progress_context(job)
    if request.htmx and request.htmx.target == "import-progress":
        ctx["oob"] = True  # the title and the wizard's steps follow the progress
        return render(request, "reports/import_job.html#import-progress", ctx)
    return render(request, "reports/import_job.html", ctx)


@require_GET
@require("import")
def import_report(request, job_id):
    job = _job(request, job_id)
    name = slugify(job.filename.rsplit(".", 1)[0]) or "import"
    response = StreamingHttpResponse(
        (line.encode("utf-8") for line in reporting.report_lines(job)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="import-report_{name}_{job.created_at:%Y-%m-%d}.csv"'
    response["Cache-Control"] = "no-store"
    return response


@require_GET
@require("import")
def import_template(request):
    """An empty CSV with the headers the importer recognises, and one example row."""
    from reports.services import LEAD_COLUMNS, csv_line

    example = [
        "",
        "Ada",
        "Lovelace",
        "ada@example.com",
        "+44 20 7946 0000",
        "https://example.com",
        "",
        "1200",
        "USD",
        "2026-04-01",
        "",
        "",
        "",
        "12 Analytical Way",
        "",
        "",
        "",
        "EC1A 1BB",
        "Met at the fair",
    ]
    body = "\ufeff" + csv_line(LEAD_COLUMNS[:19]) + csv_line(example)
    response = HttpResponse(body.encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="leads-import-template.csv"'
    return response
