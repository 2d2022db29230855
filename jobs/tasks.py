"""The worker's tasks (`python manage.py run_huey` loads every app's tasks.py).

How to declare a task or a periodic task in any app (see docs/DEVELOPING.md, "Jobs"):

    # myapp/tasks.py
    from huey import crontab
    from huey.contrib.djhuey import db_periodic_task, db_task

    @db_task()
    def refresh_something(arg): ...          # refresh_something(arg) enqueues it

    @db_periodic_task(crontab(minute="*/5"))
    def every_five_minutes(): ...

Every TaskIP call a task makes is a background call: the budget governor decides when it
may go (crmui/governor.py), and raises ``BudgetWait`` (a ``RateLimited``) when not soon.
"""

from __future__ import annotations

import logging
import threading
import time

from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task, on_startup, post_execute, pre_execute

from crmui import governor
from jobs import runner
from jobs.runner import run_job  # the task that runs a job lives with the runner

log = logging.getLogger("jobs")


@pre_execute()
def _background_calls(task):
    # Every task's TaskIP calls go through the governor (kept on the task, reset after it).
    task._background_token = governor.start_background(f"task:{task.name}")


@post_execute()
def _end_background_calls(task, task_value, exc):
    token = getattr(task, "_background_token", None)
    if token is not None:
        try:
            governor.stop_background(token)
        except ValueError:  # set in another context: nothing to reset
            pass


class _Sentinel(threading.Thread):
    """Every second, in every worker process: hand back jobs whose worker died (runner.recover)."""

    def __init__(self):
        super().__init__(daemon=True, name="jobs-sentinel")

    def run(self):
        from django.db import close_old_connections

        while True:
            try:
                picked = runner.recover()
                if picked:
                    log.info("jobs handed back to the queue: %s", picked)
            except Exception:  # noqa: BLE001 - keep watching; the minute watchdog is the backstop
                log.exception("jobs sentinel failed")
            finally:
                close_old_connections()
            time.sleep(1.0)


_sentinel_lock = threading.Lock()
_sentinel: _Sentinel | None = None


@on_startup()
def _start_sentinel():
    # Called once per worker thread: one sentinel per process. A worker that starts after a
    # crash picks up what the dead one left as soon as its lease runs out.
    global _sentinel
    with _sentinel_lock:
        if _sentinel is None:
            _sentinel = _Sentinel()
            _sentinel.start()


@db_periodic_task(crontab(minute="*"))
def watchdog():
    """Every minute: jobs left by a worker that died on another machine; old budget records."""
    runner.recover()
    governor.forget_old()


__all__ = ["HUEY", "run_job", "watchdog"]
