"""Worker tasks of the leads app (the worker loads every app's tasks.py)."""
from huey.contrib.djhuey import db_task


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
