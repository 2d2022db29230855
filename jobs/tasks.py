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

from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task, db_task, on_startup, post_execute, pre_execute

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


@db_task()
def recover_jobs():
    picked = runner.recover()
    if picked:
        log.info("jobs handed back to the queue: %s", picked)


@on_startup()
def _recover_on_startup():
    # A worker that starts (after a crash, a deploy) picks up what a dead one left at once,
    # not at the next minute. Enqueued, not run here: start-up must not wait on the database.
    recover_jobs()


@db_periodic_task(crontab(minute="*"))
def watchdog():
    """Every minute: jobs left by a worker that died on another machine; old budget records."""
    runner.recover()
    governor.forget_old()


__all__ = ["HUEY", "run_job", "recover_jobs", "watchdog"]
