"""Bulk actions on leads, run by the job worker (jobs/runner.py) as a ``jobs.Job`` of kind
"bulk", with the per-lead work in ``leads.models.BulkJob``.

TaskIP has no bulk update, so changing the status, source or assignees of N leads is N
updates. Each update is a GET of the lead followed by a PUT:
- the PUT must carry first_name, and the list the user selected from may be minutes old (it is
  cached): a stale first_name would silently undo a rename made meanwhile;
- a status change keeps the lead's earlier stages (the board's rule), so it needs the lead's
  CURRENT statuses; a move back to an earlier stage removes the later ones, and the lead's
  result says so.
A lead that already has the target value is not written at all (one GET, no PUT).

Crash safety: a lead is marked *in flight* (with the value being written) before its PUT and
gets its result after the answer. A lead still in flight when a run starts (the worker died,
or the answer was lost) is settled by reading it back: if TaskIP holds the new value it was
saved; if not, it is pending again. So nothing is written twice and nothing is skipped.
Delete goes in chunks of ``DELETE_CHUNK`` through TaskIP's bulk delete, settled the same way
(a lead that reads back 404 was deleted).
"""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse

from audit.trail import record
from crmui import api, reference, writes
from crmui.errors import user_message
from crmui.taskip import TaskipError
from crmui.taskip import errors as taskip_errors
from jobs import runner
from jobs.models import Job
from leads import moves, services
from leads.models import BulkJob
from leads.selectors import status_order

MAX_IDS = 500
DELETE_CHUNK = 25
KIND = "bulk"


class BadAction(ValueError):
    pass


def parse_action(do: str) -> tuple[str, int | None]:
    """ "status:3" -> ("status", 3); "assign:none" -> ("assign", None); "delete" -> ("delete", None)."""
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
        raise BadAction(
            f"The list of {what}s could not be loaded from TaskIP to check the choice, so nothing "
            "was changed. Try again in a moment."
        ) from None
    if value not in offered:
        raise BadAction(
            f"That {what} is not one of those offered (it may have been deleted), so nothing was "
            "changed. Reload the list and choose again."
        )


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


def title(action: str, n: int, label: str) -> str:
    leads = f"{n} lead{'s' if n != 1 else ''}"
    return {
        BulkJob.DELETE: f"Delete {leads}",
        BulkJob.STATUS: f"Move {leads} to {label}",
        BulkJob.SOURCE: f"Set the source of {leads} to {label}",
        BulkJob.ASSIGN: f"Assign {leads} to {label}",
    }[action]


def start_job(*, actor, ids: list[int], do: str, labels: dict | None = None, back: str = "") -> BulkJob:
    """Record the job and hand it to the worker (after the transaction commits)."""
    action, value = parse_action(do)
    if not ids:
        raise BadAction("Select at least one lead.")
    labels = {str(i): str(labels.get(str(i)) or "")[:200] for i in ids} if labels else {}
    label = value_label(action, value)
    with transaction.atomic():
        job = runner.create(kind=KIND, owner=actor, title=title(action, len(ids), label), total=len(ids))
        bulk = BulkJob.objects.create(
            job=job, action=action, ids=ids, labels=labels, params={"value": value, "value_label": label, "back": back}
        )
        job.detail_url = reverse("leads:bulk_job", args=[bulk.pk])
        job.save(update_fields=["detail_url"])
        transaction.on_commit(lambda: runner.enqueue(job))
    return bulk


def retry_failed(bulk: BulkJob) -> BulkJob:
    """The person asks to try the failed leads again (nothing is retried automatically)."""
    bulk.results = {k: v for k, v in bulk.results.items() if v.get("ok") is not False}
    bulk.save(update_fields=["results", "updated_at"])
    if bulk.pending_ids():
        Job.objects.filter(pk=bulk.job_id).update(state=Job.QUEUED, message="", retry_at=None, finished_at=None)
        runner.enqueue(bulk.job)
    return bulk


# --------------------------------------------------------------------------- the runner
def _names(action: str) -> dict[int, str]:
    try:
        if action == BulkJob.ASSIGN:
            return dict(reference.team_member_names())
        items = reference.statuses() if action == BulkJob.STATUS else reference.sources()
        return {a.id: a.name for a in items if a.id is not None}
    except TaskipError:
        return {}


def _field(action: str) -> str:
    return {BulkJob.STATUS: "status_ids", BulkJob.SOURCE: "source_ids", BulkJob.ASSIGN: "assigned_to"}[action]


def _current(lead, action: str) -> list[int]:
    if action == BulkJob.STATUS:
        return [s.id for s in lead.statuses if s.id is not None]
    if action == BulkJob.SOURCE:
        return [s.id for s in lead.sources if s.id is not None]
    return list(lead.assigned_to)


def describe_change(action: str, old: list[int], new: list[int], names: dict[int, str]) -> str:
    """What a saved lead's row says: the change, and any later stage a move back removed."""

    def name(i):
        return names.get(i) or f"#{i}"

    def listed(ids):
        return ", ".join(name(i) for i in ids) or "none"

    if action == BulkJob.STATUS:
        removed = [i for i in old if i not in new]
        if not new:
            return f"Saved: every status removed ({listed(old)})"
        text = f"Saved: moved to {name(new[-1])}"
        if removed:
            text += f"; removed the later stage{'s' if len(removed) > 1 else ''} {listed(removed)}"
        return text
    what = "source" if action == BulkJob.SOURCE else "assignee"
    return f"Saved: {what} {listed(old)} → {listed(new)}"


class BulkRunner(runner.Runner):
    def _bulk(self, job: Job) -> BulkJob:
        return BulkJob.objects.get(job=job)

    def counts(self, job):
        bulk = self._bulk(job)
        return bulk.total, bulk.processed, bulk.succeeded, bulk.failed

    def settle(self, job):
        bulk = self._bulk(job)
        for lead_id in bulk.in_flight_ids():
            _settle(bulk, job, lead_id)

    def step(self, job) -> bool:
        bulk = self._bulk(job)
        pending = bulk.pending_ids()
        if not pending:
            return False
        if bulk.action == BulkJob.DELETE:
            _delete(bulk, job, pending[:DELETE_CHUNK])
        else:
            _update_one(bulk, job, pending[0])
        return bool(bulk.pending_ids())


def _save(bulk: BulkJob, lead_id: int, result: dict | None) -> None:
    if result is None:
        bulk.results.pop(str(lead_id), None)
    else:
        result["message"] = result.get("message", "")[:300]
        bulk.results[str(lead_id)] = result
    bulk.save(update_fields=["results", "labels", "updated_at"])


def _settle(bulk: BulkJob, job: Job, lead_id: int) -> None:
    """A lead left in flight: read it back. Written -> its result; not written -> pending."""
    flight = bulk.results[str(lead_id)]
    try:
        with writes.reading_back():  # straight to TaskIP, not a cached copy
            lead = api.client().leads.get(lead_id)
    except taskip_errors.NotFound:
        if bulk.action == BulkJob.DELETE:
            record(
                job.owner,
                "lead.delete",
                "lead",
                lead_id,
                changes={"bulk_job": bulk.pk},
                label=bulk.labels.get(str(lead_id), ""),
                message="confirmed by reading back",
            )
            _save(bulk, lead_id, {"ok": True, "message": "Deleted (confirmed by reading it back)"})
        else:
            _save(bulk, lead_id, {"ok": False, "message": "This lead was deleted in the meantime."})
        return
    if bulk.action == BulkJob.DELETE:
        _save(bulk, lead_id, None)  # still there: the delete did not happen; pending again
        return
    new = flight.get("new", [])
    if sorted(_current(lead, bulk.action)) == sorted(new):
        old = flight.get("old", [])
        record(
            job.owner,
            "lead.move" if bulk.action == BulkJob.STATUS else "lead.update",
            "lead",
            lead_id,
            changes={_field(bulk.action): [old, new], "bulk_job": bulk.pk},
            label=lead.display_name,
            message="confirmed by reading back",
        )
        message = describe_change(bulk.action, old, new, _names(bulk.action)) + " (confirmed by reading it back)"
        _save(bulk, lead_id, {"ok": True, "message": message})
    else:
        _save(bulk, lead_id, None)


def _update_one(bulk: BulkJob, job: Job, lead_id: int) -> None:
    value = bulk.params.get("value")
    try:
        lead = services.lead_get(lead_id=lead_id, refresh=True).value  # what TaskIP holds now
    except taskip_errors.RateLimited:
        raise  # nothing recorded: the lead stays pending and the job waits
    except TaskipError as exc:
        _save(bulk, lead_id, {"ok": False, "message": user_message(exc)})
        return
    if lead.display_name and not bulk.labels.get(str(lead_id)):
        bulk.labels[str(lead_id)] = lead.display_name
    old = _current(lead, bulk.action)
    if bulk.action == BulkJob.STATUS:
        try:
            order_of = status_order(reference.statuses())
        except taskip_errors.RateLimited:
            raise
        except TaskipError as exc:
            _save(bulk, lead_id, {"ok": False, "message": user_message(exc)})
            return
        new = moves.new_status_ids(lead.statuses, value, order_of)
    else:
        new = [] if value is None else [value]
    if sorted(old) == sorted(new):
        _save(bulk, lead_id, {"ok": True, "message": "Already so: nothing to change"})
        return
    first_name = (lead.first_name or "").strip()
    if not first_name:
        _save(bulk, lead_id, {"ok": False, "message": moves.MissingFirstName(lead_id).message})
        return
    field = _field(bulk.action)
    audit_action = "lead.move" if bulk.action == BulkJob.STATUS else "lead.update"
    _save(bulk, lead_id, {"ok": None, "in_flight": True, "old": old, "new": new})
    # Through the one write path (crmui/writes.py): only this field is sent (the lead was just
    # read: nobody else's change is overwritten), a step run twice writes once (its token), an
    # unknown outcome is read back. Audited there.
    outcome = services.lead_update(
        actor=job.owner,
        lead_id=lead_id,
        payload={"first_name": first_name, field: new},
        changes={field: [old, new], "bulk_job": bulk.pk},
        label=lead.display_name,
        kind=audit_action,
        base=lead,
        token=f"bulk{bulk.pk}-{lead_id}",
    )
    if outcome.saved:
        message = describe_change(bulk.action, old, new, _names(bulk.action))
        _save(
            bulk,
            lead_id,
            {"ok": True, "message": message + (" (confirmed by reading it back)" if outcome.checked else "")},
        )
        return
    exc = outcome.error
    if isinstance(exc, taskip_errors.RateLimited):
        _save(bulk, lead_id, None)  # a 429 (or the governor's "not now") wrote nothing
        raise exc
    if outcome.unconfirmed:
        raise exc  # left in flight: the runner settles it by reading back before going on
    if outcome.checked:
        _save(bulk, lead_id, None)  # read back: not written; pending again
        return
    _save(bulk, lead_id, {"ok": False, "message": user_message(exc)})


def _delete(bulk: BulkJob, job: Job, ids: list[int]) -> None:
    for i in ids:
        bulk.results[str(i)] = {"ok": None, "in_flight": True, "message": ""}
    bulk.save(update_fields=["results", "updated_at"])
    # Through the one write path: a chunk sent twice deletes once; a lost answer is read back
    # (every lead 404 = deleted). One audit entry for the chunk.
    outcome = services.lead_bulk_delete(
        actor=job.owner,
        lead_ids=ids,
        token=f"bulk{bulk.pk}-delete-{ids[0]}",
        label=", ".join(bulk.labels.get(str(i), "") for i in ids)[:300],
        changes={"bulk_job": bulk.pk},
    )
    if outcome.saved:
        for i in ids:
            bulk.results[str(i)] = {
                "ok": True,
                "message": "Deleted" + (" (confirmed by reading it back)" if outcome.checked else ""),
            }
        bulk.save(update_fields=["results", "updated_at"])
        return
    exc = outcome.error
    if isinstance(exc, taskip_errors.RateLimited):
        for i in ids:
            bulk.results.pop(str(i), None)
        bulk.save(update_fields=["results", "updated_at"])
        raise exc
    if outcome.unconfirmed:
        raise exc  # left in flight: the runner settles each lead by reading it back
    if outcome.checked:
        for i in ids:
            _settle(bulk, job, i)  # some may be gone: each lead read back
        return
    for i in ids:
        bulk.results[str(i)] = {"ok": False, "message": user_message(exc)}
    bulk.save(update_fields=["results", "updated_at"])


runner.register(KIND, BulkRunner())
