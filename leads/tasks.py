"""Worker tasks of the leads app (the worker loads every app's tasks.py)."""

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from crmui.taskip import TaskipError

log = logging.getLogger("leads.snapshot")


@db_task()
def run_taskip_check(run_id: int):
    """The budget page's self-check, run by the worker: the page does not wait on ~20 calls."""
    from leads import selfcheck
    from leads.models import SelfCheckRun

    row = SelfCheckRun.objects.filter(pk=run_id).first()
    if row is None:
        return None
    try:
        report = selfcheck.run()
    except Exception as exc:  # stored for the page, never lost in the worker's log only
        row.state, row.report = SelfCheckRun.FAILED, {"error": f"{type(exc).__name__}: {exc}"[:300]}
        row.save()
        raise
    selfcheck.save(report, row)
    return report.passed


@db_periodic_task(crontab(minute="*"))
def refresh_lead_snapshot():
    """Every minute: fetch the lead snapshot again when it is due (80 % of
    ``LEADS_SNAPSHOT_SECONDS``, longer when the budget is low) and somebody is looking, so no
    page waits for it. A background call: the budget governor may hold it back (the pages then
    keep showing the last copy with its age, and fetch it themselves once it expires)."""
    from leads import snapshot

    try:
        return snapshot.refresh_if_due()
    except TaskipError as exc:
        log.warning("lead snapshot refresh held back or failed: %s", type(exc).__name__)
        return False
