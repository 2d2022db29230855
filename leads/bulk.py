"""Bulk actions on leads, run as a persisted job (leads.models.BulkJob).

TaskIP has no bulk update, so changing the status, source or assignees of N leads is N
updates. Each update is a GET of the lead followed by a PUT:
- the PUT must carry first_name, and the list the user selected from may be minutes old (it is
  cached): a stale first_name would silently undo a rename made meanwhile;
- a status change keeps the lead's earlier stages (the board's rule), so it needs the lead's
  CURRENT statuses.
A lead that already has the target value is not written at all (one GET, no PUT).

``step`` does a few leads per request (so requests stay short) and records each lead's result
as soon as it is known; a lead with a result is never written again, so a reload, a second tab
or "Resume" continue where the job stopped. TaskIP's 429 pauses the job with the time to retry;
nothing is retried automatically. Delete is one ``bulk_delete`` call for all the leads.
"""
from __future__ import annotations

from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from crmui import api, reference
from crmui.cache import invalidate
from crmui.errors import retry_hint, user_message
from crmui.taskip import TaskipError, errors as taskip_errors
from leads import moves, services
from leads.models import BulkJob
from leads.selectors import status_order

STEP = 3  # leads per request
LOCK_SECONDS = 60
MAX_IDS = 500


class BadAction(ValueError):
    pass


def parse_action(do: str) -> tuple[str, int | None]:
    """"status:3" -> ("status", 3); "assign:none" -> ("assign", None); "delete" -> ("delete", None)."""
    do = (do or "").strip()
    if do == BulkJob.DELETE:
        return BulkJob.DELETE, None
    action, _, value = do.partition(":")
    if action not in (BulkJob.STATUS, BulkJob.SOURCE, BulkJob.ASSIGN) or not value:
        raise BadAction("Choose what to do with the selected leads.")
    if value == "none":
        return action, None
    if not value.isdigit() or int(value) <= 0:
        raise BadAction("Choose what to do with the selected leads.")
    return action, int(value)


def check_offered(action: str, value: int | None) -> None:
    """A status, source or team member id must be one the list page offers (TaskIP's lists); a
    hand-posted id that is not raises BadAction, so no job starts."""
    if value is None or action not in (BulkJob.STATUS, BulkJob.SOURCE, BulkJob.ASSIGN):
        return
    what = {BulkJob.STATUS: "status", BulkJob.SOURCE: "source", BulkJob.ASSIGN: "team member"}[action]
    try:
        if action == BulkJob.ASSIGN:
            offered = set(reference.team_member_names())
        else:
            offered = {a.id for a in (reference.statuses() if action == BulkJob.STATUS else reference.sources())}
    except TaskipError:
        raise BadAction(f"The list of {what}s could not be loaded from TaskIP to check the choice, so nothing "
                        "was changed. Try again in a moment.") from None
    if value not in offered:
        raise BadAction(f"That {what} is not one of those offered (it may have been deleted), so nothing was "
                        "changed. Reload the list and choose again.")


def value_label(action: str, value: int | None) -> str:
    if action == BulkJob.DELETE:
        return ""
    if value is None:
        return {"status": "No status", "source": "No source", "assign": "Nobody"}[action]
    try:
        if action == BulkJob.ASSIGN:
            return reference.team_member_names().get(value) or f"Member #{value}"
        items = reference.statuses() if action == BulkJob.STATUS else reference.sources()
        return next((a.name for a in items if a.id == value), f"#{value}")
    except TaskipError:
        return f"#{value}"


def parse_ids(values) -> list[int]:
    out: dict[int, None] = {}  # ordered and O(1) per id: thousands of ids may be posted
    for v in values:
        s = str(v).strip()
        if s.isdigit() and int(s) > 0:
            out[int(s)] = None
    return list(out)[:MAX_IDS]


def start_job(*, actor, ids: list[int], do: str, labels: dict | None = None, back: str = "") -> BulkJob:
    action, value = parse_action(do)
    if not ids:
        raise BadAction("Select at least one lead.")
    labels = {str(i): str(labels.get(str(i)) or "")[:200] for i in ids} if labels else {}
    return BulkJob.objects.create(
        user=actor if getattr(actor, "is_authenticated", False) else None,
        action=action, ids=ids, labels=labels,
        params={"value": value, "value_label": value_label(action, value), "back": back},
    )


def _claim(job: BulkJob) -> bool:
    now = timezone.now()
    return bool(
        BulkJob.objects.filter(pk=job.pk, state=BulkJob.RUNNING)
        .filter(Q(locked_until__isnull=True) | Q(locked_until__lt=now))
        .update(locked_until=now + timedelta(seconds=LOCK_SECONDS))
    )


def _release(job: BulkJob) -> None:
    BulkJob.objects.filter(pk=job.pk).update(locked_until=None)


def _save_result(job: BulkJob, lead_id: int, ok: bool, message: str) -> None:
    job.results[str(lead_id)] = {"ok": ok, "message": message[:300]}
    job.save(update_fields=["results", "updated_at"])


def _pause_for_rate_limit(job: BulkJob, exc: taskip_errors.RateLimited) -> None:
    wait = exc.retry_after if exc.retry_after else 60
    job.state = BulkJob.PAUSED
    job.retry_at = timezone.now() + timedelta(seconds=wait)
    job.message = "Stopped: TaskIP's request limit was reached. " + retry_hint(exc)
    job.save(update_fields=["state", "retry_at", "message", "updated_at"])


def step(job: BulkJob, *, actor, limit: int = STEP) -> BulkJob:
    """Process the next ``limit`` leads of a running job. Safe to call concurrently: only one
    request at a time works on a job; the others just report progress."""
    if job.state != BulkJob.RUNNING or not _claim(job):
        job.refresh_from_db()
        return job
    job.refresh_from_db()
    wrote = False
    try:
        if job.action == BulkJob.DELETE:
            wrote = _delete(job, actor)
        else:
            for lead_id in job.pending_ids()[:limit]:
                outcome = _update_one(job, actor, lead_id)
                if outcome == "paused":
                    break
                wrote = wrote or outcome == "written"
        if job.state == BulkJob.RUNNING and not job.pending_ids():
            job.state = BulkJob.DONE
            job.message = ""
            job.save(update_fields=["state", "message", "updated_at"])
    finally:
        if wrote:
            invalidate("leads")
        _release(job)
    return job


def _delete(job: BulkJob, actor) -> bool:
    ids = job.pending_ids()
    if not ids:
        return False
    # Through the one write path (crmui/writes.py): a step run twice deletes once, an unknown
    # outcome is read back (every lead 404 = deleted).
    outcome = services.lead_bulk_delete(actor=actor, lead_ids=ids, token=f"job{job.pk}-delete-{len(ids)}",
                                        label=", ".join(job.labels.get(str(i), "") for i in ids)[:300],
                                        changes={"bulk_job": job.pk})
    if isinstance(outcome.error, taskip_errors.RateLimited):
        _pause_for_rate_limit(job, outcome.error)
        return False
    if not outcome.saved:
        text = (outcome.unconfirmed_message("the delete", "done") if outcome.unconfirmed
                else user_message(outcome.error))
        for i in ids:
            job.results[str(i)] = {"ok": False, "message": text}
        job.save(update_fields=["results", "updated_at"])
        return True  # a failed delete may have deleted some: the lists must be reread
    for i in ids:
        job.results[str(i)] = {"ok": True, "message": "Deleted"}
    job.save(update_fields=["results", "updated_at"])
    return True


def _update_one(job: BulkJob, actor, lead_id: int) -> str:
    """One lead: 'written', 'unchanged', 'failed' or 'paused' (429: nothing recorded for it)."""
    value = job.params.get("value")
    try:
        lead = services.lead_get(lead_id=lead_id, refresh=True).value  # what TaskIP holds now
    except taskip_errors.RateLimited as exc:
        _pause_for_rate_limit(job, exc)
        return "paused"
    except TaskipError as exc:
        _save_result(job, lead_id, False, user_message(exc))
        return "failed"
    if lead.display_name and not job.labels.get(str(lead_id)):
        job.labels[str(lead_id)] = lead.display_name
    first_name = (lead.first_name or "").strip()
    if job.action == BulkJob.STATUS:
        try:
            order_of = status_order(reference.statuses())
        except TaskipError as exc:
            _save_result(job, lead_id, False, user_message(exc))
            return "failed"
        field, audit_action = "status_ids", "lead.move"
        old = [s.id for s in lead.statuses if s.id is not None]
        new = moves.new_status_ids(lead.statuses, value, order_of)
        unchanged = sorted(old) == sorted(new)
    elif job.action == BulkJob.SOURCE:
        field, audit_action = "source_ids", "lead.update"
        old = [s.id for s in lead.sources if s.id is not None]
        new = [] if value is None else [value]
        unchanged = sorted(old) == sorted(new)
    else:
        field, audit_action = "assigned_to", "lead.update"
        old = list(lead.assigned_to)
        new = [] if value is None else [value]
        unchanged = sorted(old) == sorted(new)
    if unchanged:
        _save_result(job, lead_id, True, "Already so: nothing to change")
        return "unchanged"
    if not first_name:
        _save_result(job, lead_id, False, moves.MissingFirstName(lead_id).message)
        return "failed"
    # Through the one write path: the lead was just read, only ``field`` is sent (nobody else's
    # change is overwritten); a step run twice writes once; an unknown outcome is read back.
    outcome = services.lead_update(actor=actor, lead_id=lead_id, payload={"first_name": first_name, field: new},
                                   changes={field: [old, new], "bulk_job": job.pk}, label=lead.display_name,
                                   kind=audit_action, base=lead, token=f"job{job.pk}-{lead_id}")
    if isinstance(outcome.error, taskip_errors.RateLimited):
        _pause_for_rate_limit(job, outcome.error)  # a 429 wrote nothing: the lead stays pending
        return "paused"
    if outcome.unconfirmed:
        _save_result(job, lead_id, False, outcome.unconfirmed_message("this change"))
        return "failed"
    if outcome.not_saved:
        _save_result(job, lead_id, False, user_message(outcome.error))
        return "failed"
    _save_result(job, lead_id, True, "Saved")
    return "written"


def pause(job: BulkJob) -> BulkJob:
    if job.state == BulkJob.RUNNING:
        BulkJob.objects.filter(pk=job.pk, state=BulkJob.RUNNING).update(
            state=BulkJob.PAUSED, message="Paused. Nothing more is sent until you resume.", updated_at=timezone.now())
    job.refresh_from_db()
    return job


def resume(job: BulkJob, *, retry_failed: bool = False) -> BulkJob:
    """Continue a paused job; with retry_failed, the leads that failed are tried again (the
    person asked for it: nothing is retried automatically). Leads done stay done."""
    if retry_failed:
        job.results = {k: v for k, v in job.results.items() if v.get("ok")}
    if job.pending_ids():
        job.state = BulkJob.RUNNING
        job.message = ""
        job.retry_at = None
    job.save(update_fields=["results", "state", "message", "retry_at", "updated_at"])
    return job
