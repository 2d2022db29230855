"""Running an import: the "import" kind of the one job runner (jobs/runner.py), in the worker.

* nothing is written until every row is validated and the person starts the import;
* existing leads are found by email with ONE snapshot (``leads.list(item=0)``) at start;
* a row is marked IN_FLIGHT (with the time) before its write; a write whose answer is lost,
  or a worker that dies, leaves it in flight: before anything else the next run settles it by
  looking the email up (created? updated since the attempt?), never by writing blindly again;
* a 429, or the budget governor's "not now", puts the row back to PENDING (nothing was
  written) and the job waits for the time it was given; it goes on by itself.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from audit.trail import record
from crmui import api, writes
from crmui.errors import user_message
from crmui.taskip import errors as e
from jobs import runner
from jobs.models import Job
from reports.imports.validation import existing_in_snapshot
from reports.models import ImportJob, ImportRow

KIND = "import"
OPEN_STATES = (ImportRow.PENDING, ImportRow.IN_FLIGHT)


def start(job: ImportJob, *, mode: str, actor=None) -> Job:
    """Take the snapshot of existing leads (raises TaskipError) and hand the import to the worker."""
    existing = existing_in_snapshot(job, refresh=True)
    to_write = job.rows.filter(state=ImportRow.PENDING).count()
    owner = job.created_by or actor
    with transaction.atomic():
        run = runner.create(
            kind=KIND,
            owner=owner,
            title=f"Import {job.filename}",
            total=to_write,
            detail_url=reverse("reports:import_job", args=[job.pk]),
        )
        job.existing, job.mode, job.status, job.run = existing, mode, ImportJob.RUNNING, run
        job.started_at = timezone.now()
        job.save()
        transaction.on_commit(lambda: runner.enqueue(run))
    return run


def _send_payload(row: ImportRow) -> dict:
    payload = dict(row.payload)
    if "value" in payload:
        payload["value"] = Decimal(payload["value"])
    return payload


def _find_by_email(email: str):
    with writes.reading_back():  # straight to TaskIP, not a cached copy
        page = api.client().leads.list(search=email, item=50)
    for lead in page.items:
        if (lead.email or "").casefold() == email.casefold():
            return lead
    return None


def _field_errors(exc: e.TaskipAPIError) -> str:
    parts = []
    for f, msgs in (exc.errors or {}).items():
        msgs = [msgs] if isinstance(msgs, str) else msgs
        parts.append(f"{f}: {' '.join(str(m) for m in msgs)}")
    return "; ".join(parts) or user_message(exc)


def _finish_row(row: ImportRow, state: str, message: str = "", lead_id=None) -> None:
    row.state, row.message = state, message[:500]
    if lead_id is not None:
        row.lead_id = lead_id
    row.save(update_fields=["state", "message", "lead_id"])


def _back_to_pending(row: ImportRow) -> None:
    row.state, row.attempted_at = ImportRow.PENDING, None
    row.save(update_fields=["state", "attempted_at"])


def _label(row: ImportRow) -> str:
    p = row.payload
    return f"{p.get('first_name', '')} {p.get('last_name', '')}".strip() or row.email


def _settle(imp: ImportJob, row: ImportRow, owner) -> None:
    """A row in flight: did its write happen? Look the email up (raises TaskipError if that fails)."""
    existing = imp.existing.get(row.email.casefold())
    update = imp.mode == ImportJob.UPDATE_EXISTING and existing is not None
    found = _find_by_email(row.email)
    changes = {"import": str(imp.id), "line": row.line, **row.payload}
    if found is not None and not update and (existing is None or found.id != existing[0]):
        record(
            owner,
            "lead.create",
            "lead",
            found.id,
            changes=changes,
            label=_label(row),
            message="confirmed by reading back",
        )
        _finish_row(row, ImportRow.CREATED, "Created (confirmed by email after a lost answer).", found.id)
        return
    if (
        found is not None
        and update
        and row.attempted_at
        and found.updated_at
        and found.updated_at >= row.attempted_at - timedelta(seconds=5)
    ):
        record(
            owner,
            "lead.update",
            "lead",
            found.id,
            changes=changes,
            label=_label(row),
            message="confirmed by reading back",
        )
        _finish_row(row, ImportRow.UPDATED, "Updated (confirmed by email after a lost answer).", found.id)
        return
    _back_to_pending(row)  # it did not happen: the row is written in its turn


def _process(imp: ImportJob, row: ImportRow, owner) -> None:
    existing = imp.existing.get(row.email.casefold())
    update = imp.mode == ImportJob.UPDATE_EXISTING and existing is not None
    if imp.mode == ImportJob.CREATE_ONLY and existing is not None:
        _finish_row(
            row, ImportRow.SKIPPED, f"A lead with this email already exists (#{existing[0]}); create only.", existing[0]
        )
        return
    payload = _send_payload(row)
    changes = {"import": str(imp.id), "line": row.line, **row.payload}
    # Through the one write path (crmui/writes.py): one claim per row, so a row run twice (a
    # resumed job, a second worker) writes once; an unknown outcome is read back. Audited there.
    from leads import services as lead_services

    token = f"import{imp.pk}-{row.pk}"
    if update:
        outcome = lead_services.lead_update(
            actor=owner, lead_id=existing[0], payload=payload, changes=changes, label=_label(row), token=token
        )
    else:
        outcome = lead_services.lead_create(
            actor=owner, payload=payload, changes=changes, label=_label(row), token=token
        )
    if outcome.saved:
        lead_id = existing[0] if update else (outcome.value.id if outcome.value is not None else outcome.result)
        confirmed = "Confirmed by reading TaskIP back after a lost answer." if outcome.checked else ""
        _finish_row(row, ImportRow.UPDATED if update else ImportRow.CREATED, confirmed, lead_id)
        return
    exc = outcome.error
    if isinstance(exc, e.RateLimited):
        _back_to_pending(row)  # nothing was written: the row waits with the job
        raise exc
    if isinstance(exc, (e.AuthenticationError, e.PermissionDenied)):
        _back_to_pending(row)
        raise runner.Stop(user_message(exc) + " The import is paused; resume it once that is fixed.")
    if outcome.unconfirmed:
        # The answer was lost and TaskIP could not be asked: left in flight, settled first next time.
        row.message = "The answer to this write was lost; it is checked by email before writing again."
        row.save(update_fields=["message"])
        raise exc
    if outcome.checked:
        _back_to_pending(row)  # read back: not written; written in its turn
        return
    if isinstance(exc, e.Conflict) and imp.mode == ImportJob.CREATE_ONLY:
        _finish_row(row, ImportRow.SKIPPED, "A lead with this email already exists; create only.")
    elif isinstance(exc, e.NotFound):
        _finish_row(row, ImportRow.FAILED, "The existing lead with this email was deleted in the meantime.")
    elif isinstance(exc, e.TaskipAPIError):
        _finish_row(row, ImportRow.FAILED, _field_errors(exc))
    else:
        _finish_row(row, ImportRow.FAILED, user_message(exc))


class ImportRunner(runner.Runner):
    concurrency = 4  # rows are claimed one UPDATE at a time; the governor still paces the calls

    def _imp(self, job: Job) -> ImportJob:
        # Read once per run (mode and the existing emails do not change while it runs).
        cached = getattr(job, "_import_job", None)
        if cached is None:
            cached = job._import_job = ImportJob.objects.get(run=job)
        return cached

    def counts(self, job):
        c = dict.fromkeys((s for s, _ in ImportRow.STATE_CHOICES), 0)
        for r in ImportRow.objects.filter(job__run=job).values("state").annotate(n=Count("id")):
            c[r["state"]] = r["n"]
        total = sum(c.values()) - c[ImportRow.INVALID]
        processed = c[ImportRow.CREATED] + c[ImportRow.UPDATED] + c[ImportRow.SKIPPED] + c[ImportRow.FAILED]
        return total, processed, c[ImportRow.CREATED] + c[ImportRow.UPDATED], c[ImportRow.FAILED]

    def settle(self, job):
        imp = self._imp(job)
        for row in imp.rows.filter(state=ImportRow.IN_FLIGHT):
            _settle(imp, row, job.owner)

    def step(self, job) -> bool:
        imp = self._imp(job)
        row = imp.rows.filter(state=ImportRow.PENDING).order_by("line").first()
        if row is not None:
            now = timezone.now()
            if ImportRow.objects.filter(pk=row.pk, state=ImportRow.PENDING).update(
                state=ImportRow.IN_FLIGHT, attempted_at=now
            ):
                row.state, row.attempted_at = ImportRow.IN_FLIGHT, now
                _process(imp, row, job.owner)
        # Rows still to send (a row in flight in another thread is that thread's to finish).
        return imp.rows.filter(state=ImportRow.PENDING).exists()

    def on_finish(self, job):
        ImportJob.objects.filter(run=job).update(finished_at=timezone.now())


runner.register(KIND, ImportRunner())
