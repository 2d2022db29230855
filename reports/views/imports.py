"""The CSV import wizard: upload › map columns › check rows › import (with progress) › report."""
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.roles import require
from crmui.errors import user_message
from crmui.taskip import TaskipError
from reports import imports
from reports.forms import StartForm, UploadForm
from reports.models import ImportJob, ImportRow

RUNNING_LIKE = (ImportJob.RUNNING, ImportJob.PAUSED, ImportJob.RATE_LIMITED, ImportJob.STOPPED, ImportJob.DONE)


def _job(job_id) -> ImportJob:
    return get_object_or_404(ImportJob, pk=job_id)


@require_http_methods(["GET", "POST"])
@require("import")
def import_upload(request):
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = imports.create_job(actor=request.user, upload=form.cleaned_data["file"])
        except imports.ImportFileError as exc:
            form.add_error("file", str(exc))
        else:
            return redirect("reports:import_map", job_id=job.pk)
    recent = ImportJob.objects.select_related("created_by")[:10]
    return render(request, "reports/import_upload.html", {"form": form, "recent": recent, "step": 1})


@require_http_methods(["GET", "POST"])
@require("import")
def import_map(request, job_id):
    job = _job(job_id)
    if job.status in RUNNING_LIKE:
        return redirect("reports:import_job", job_id=job.pk)
    problems, error = [], None
    if request.method == "POST":
        mapping = {str(i): request.POST.get(f"col_{i}", "") for i in range(len(job.headers))}
        mapping = {k: (v if v in imports.FIELD_LABELS else "") for k, v in mapping.items()}
        job.mapping = mapping
        job.date_order = "mdy" if request.POST.get("date_order") == "mdy" else "dmy"
        job.save(update_fields=["mapping", "date_order", "updated_at"])
        problems = imports.mapping_problems(mapping)
        if not problems:
            try:
                imports.validate_job(job)
            except TaskipError as exc:
                error = "The rows could not be checked: the dashboard needs TaskIP's statuses, sources, team and companies. " + user_message(exc)
            else:
                return redirect("reports:import_review", job_id=job.pk)
    columns = [
        {"index": i, "header": h, "field": job.mapping.get(str(i), ""), "samples": s}
        for i, (h, s) in enumerate(zip(job.headers, imports.samples(job)))
    ]
    return render(request, "reports/import_map.html", {
        "job": job, "columns": columns, "fields": imports.FIELDS, "problems": problems, "error": error,
        "row_count": job.rows.count(), "step": 2,
    })


@require_http_methods(["GET", "POST"])
@require("import")
def import_review(request, job_id):
    job = _job(job_id)
    if job.status in RUNNING_LIKE:
        return redirect("reports:import_job", job_id=job.pk)
    if job.status != ImportJob.VALIDATED:
        return redirect("reports:import_map", job_id=job.pk)
    prog = imports.progress(job)
    form = StartForm(request.POST or None, invalid=prog.invalid)
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            imports.start(job, mode=form.cleaned_data["mode"])
        except TaskipError as exc:
            error = "The import could not start: the dashboard must first check which emails already exist. " + user_message(exc)
        else:
            return redirect("reports:import_job", job_id=job.pk)
    existing, existing_error = None, None
    try:
        existing = len(imports.existing_in_snapshot(job))
    except TaskipError as exc:
        existing_error = user_message(exc)
    bad_rows = list(job.rows.filter(state=ImportRow.INVALID)[:200])
    preview = [(r, imports.describe_payload(r.payload)) for r in job.rows.filter(state=ImportRow.PENDING)[:5]]
    return render(request, "reports/import_review.html", {
        "job": job, "prog": prog, "form": form, "error": error, "bad_rows": bad_rows, "preview": preview,
        "existing": existing, "existing_error": existing_error, "step": 3,
        "mapped": [(job.headers[int(i)], imports.FIELD_LABELS[f]) for i, f in job.mapping.items() if f],
    })


def _progress_context(job, *, oob=False):
    prog = imports.progress(job)
    wait = None
    if job.status == ImportJob.RATE_LIMITED and job.retry_at:
        wait = max(1, int((job.retry_at - timezone.now()).total_seconds()) + 1)
    failed_rows = list(job.rows.filter(state__in=(ImportRow.FAILED, ImportRow.SKIPPED, ImportRow.INVALID, ImportRow.IN_FLIGHT))[:300]) \
        if job.status in (ImportJob.DONE, ImportJob.PAUSED, ImportJob.RATE_LIMITED) else []
    return {"job": job, "prog": prog, "wait": wait, "failed_rows": failed_rows,
            "step": 5 if job.status == ImportJob.DONE else 4, "oob": oob}


@require_GET
@require("import")
def import_job(request, job_id):
    job = _job(job_id)
    if job.status == ImportJob.UPLOADED:
        return redirect("reports:import_map", job_id=job.pk)
    if job.status == ImportJob.VALIDATED:
        return redirect("reports:import_review", job_id=job.pk)
    ctx = _progress_context(job)
    if request.htmx and request.htmx.target == "import-progress":
        return render(request, "reports/import_job.html#import-progress", ctx)
    return render(request, "reports/import_job.html", ctx)


@require_POST
@require("import")
def import_step(request, job_id):
    job = _job(job_id)
    job = imports.run_step(job, actor=request.user)
    return render(request, "reports/import_job.html#import-progress", _progress_context(job, oob=True))


@require_POST
@require("import")
def import_control(request, job_id):
    job = _job(job_id)
    action = request.POST.get("action")
    if action == "pause":
        imports.pause(job)
    elif action == "resume":
        imports.resume(job)
    job.refresh_from_db()
    if request.htmx:
        return render(request, "reports/import_job.html#import-progress", _progress_context(job, oob=True))
    return redirect("reports:import_job", job_id=job.pk)


@require_GET
@require("import")
def import_report(request, job_id):
    job = _job(job_id)
    name = slugify(job.filename.rsplit(".", 1)[0]) or "import"
    response = StreamingHttpResponse((line.encode("utf-8") for line in imports.report_lines(job)),
                                     content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-report_{name}_{job.created_at:%Y-%m-%d}.csv"'
    response["Cache-Control"] = "no-store"
    return response


@require_GET
@require("import")
def import_template(request):
    """An empty CSV with the headers the importer recognises, and one example row."""
    from reports.services import LEAD_COLUMNS, csv_line

    example = ["", "Ada", "Lovelace", "ada@example.com", "+44 20 7946 0000", "https://example.com", "", "1200", "USD",
               "2026-04-01", "", "", "", "12 Analytical Way", "", "", "", "EC1A 1BB", "Met at the fair"]
    body = "\ufeff" + csv_line(LEAD_COLUMNS[:19]) + csv_line(example)
    response = HttpResponse(body.encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="leads-import-template.csv"'
    return response
