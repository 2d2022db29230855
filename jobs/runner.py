"""The one job runner: bulk changes and imports (and any future kind) run here, in the worker.

A kind registers a ``Runner`` (``register("bulk", BulkRunner())``) that knows its work:
* ``step(job)`` does ONE item (a lead, a row) and returns False when none is left. Before its
  write it marks the item *in flight*; after the answer it records the result.
* ``settle(job)`` is called before the first step of every run: an item left in flight (the
  worker died, or an answer was lost) is settled by reading TaskIP back, never written blindly
  again. So nothing is written twice and nothing is skipped.
* ``counts(job)`` -> (total, processed, succeeded, failed).

``run(job_id)`` takes the job's lease (``JOBS_LEASE_SECONDS``, renewed by a heartbeat thread),
then steps until done, paused, cancelled, or told to wait. Every TaskIP call inside goes
through the budget governor (crmui/governor.py): a "not now" or a 429 puts the job in WAITING
with the time it goes on and schedules it for then (no spinning). A problem only a person can
fix (``Stop``) pauses it with the message.
"""

from __future__ import annotations

import contextvars
import logging
import os
import socket
import threading
import time
import uuid
from datetime import timedelta

from django.conf import settings
from django.db import close_old_connections, connection
from django.db.models import Q
from django.utils import timezone
from huey.contrib.djhuey import db_task

from crmui import governor, writes
from crmui.errors import user_message
from crmui.tally import begin_tally, end_tally
from crmui.taskip import TaskipError
from crmui.taskip import errors as taskip_errors
from jobs.models import Job

log = logging.getLogger("jobs")

WORKER_ID = f"{socket.gethostname()}:{os.getpid()}"


class Stop(Exception):
    """Pause the job: only a person can fix what happened (the message says what)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class Runner:
    """What a kind of job implements (see the module docstring).

    ``concurrency``: how many items may be in flight at once. More than one only for kinds
    whose ``step`` claims its item atomically (an import row goes PENDING -> IN_FLIGHT in one
    UPDATE); the governor still spaces every call, so this only hides each item's own latency
    (the answer, the database writes) behind the pacing."""

    concurrency = 1

    def settle(self, job: Job) -> None:  # pragma: no cover - interface
        pass

    def step(self, job: Job) -> bool:  # pragma: no cover - interface
        raise NotImplementedError

    def counts(self, job: Job) -> tuple[int, int, int, int]:  # pragma: no cover - interface
        raise NotImplementedError

    def step_pending(self, job: Job) -> bool:
        """Whether items are left (after parallel steps stopped)."""
        total, processed, _, _ = self.counts(job)
        return processed < total

    def on_finish(self, job: Job) -> None:
        pass


_RUNNERS: dict[str, Runner] = {}


def register(kind: str, runner: Runner) -> None:
    _RUNNERS[kind] = runner


def runner_for(kind: str) -> Runner:
    return _RUNNERS[kind]


# --------------------------------------------------------------------------- starting and controls
def create(*, kind: str, owner, title: str, detail_url: str = "", total: int = 0) -> Job:
    return Job.objects.create(
        kind=kind,
        owner=owner if getattr(owner, "is_authenticated", False) else None,
        title=title[:300],
        detail_url=detail_url[:300],
        total=total,
    )


@db_task()
def run_job(job_id: int):
    """The worker's task that runs a job (defined here, not in jobs/tasks.py, so that the runner
    can enqueue it without importing the tasks module that imports the runner)."""
    outcome = run(job_id)
    log.info("job %s: %s", job_id, outcome)
    return outcome


def enqueue(job: Job, *, delay: float | None = None) -> None:
    """Hand the job to the worker (now, or in ``delay`` seconds)."""
    if delay and delay > 0:
        run_job.schedule(args=(job.pk,), delay=delay)
    else:
        run_job(job.pk)


def pause(job: Job) -> Job:
    Job.objects.filter(pk=job.pk, state__in=Job.ACTIVE).update(
        state=Job.PAUSED,
        message="Paused. Nothing more is sent until you resume.",
        retry_at=None,
        updated_at=timezone.now(),
    )
    job.refresh_from_db()
    return job


def resume(job: Job) -> Job:
    if Job.objects.filter(pk=job.pk, state__in=(Job.PAUSED, Job.WAITING)).update(
        state=Job.QUEUED, message="", retry_at=None, updated_at=timezone.now()
    ):
        enqueue(job)
    job.refresh_from_db()
    return job


def cancel(job: Job) -> Job:
    if Job.objects.filter(pk=job.pk, state__in=(*Job.ACTIVE, Job.PAUSED)).update(
        state=Job.CANCELLED,
        message="Cancelled: what was done stays done; nothing more is sent.",
        retry_at=None,
        finished_at=timezone.now(),
        updated_at=timezone.now(),
    ):
        pass
    job.refresh_from_db()
    return job


# --------------------------------------------------------------------------- the lease
def _lease_seconds() -> float:
    return float(getattr(settings, "JOBS_LEASE_SECONDS", 3.0))


REQUEUED = "requeued"  # the lease a job holds between recover() and its run taking it


def take_lease(job_id: int, me: str) -> bool:
    now = timezone.now()
    return bool(
        Job.objects.filter(pk=job_id)
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now) | Q(lease_owner=me) | Q(lease_owner=REQUEUED))
        .update(lease_owner=me, lease_until=now + timedelta(seconds=_lease_seconds()))
    )


def lease_alive(holder: str) -> bool:
    """Whether the lease named in a write claim's holder (``job:<lease owner>``) is still held."""
    owner = holder.removeprefix("job:")
    return Job.objects.filter(lease_owner=owner, lease_until__gte=timezone.now()).exists()


def release_lease(job_id: int, me: str) -> None:
    Job.objects.filter(pk=job_id, lease_owner=me).update(lease_owner="", lease_until=None)


class Heartbeat(threading.Thread):
    """Renews the lease every third of its length while the job runs; notes a lost lease."""

    def __init__(self, job_id: int, me: str):
        super().__init__(daemon=True, name=f"job-{job_id}-heartbeat")
        self.job_id, self.me = job_id, me
        self.stopped = threading.Event()
        self.lost = False

    def run(self):
        try:
            while not self.stopped.wait(_lease_seconds() / 3):
                until = timezone.now() + timedelta(seconds=_lease_seconds())
                if not Job.objects.filter(pk=self.job_id, lease_owner=self.me).update(lease_until=until):
                    self.lost = True
                    return
        except Exception:  # noqa: BLE001 - the runner notices the lost lease
            log.exception("job %s heartbeat failed", self.job_id)
            self.lost = True
        finally:
            connection.close()

    def stop(self):
        self.stopped.set()
        self.join(timeout=5)


# --------------------------------------------------------------------------- running
def _save_counts(job: Job, runner: Runner, calls: int = 0) -> None:
    total, processed, ok, failed = runner.counts(job)
    job.total, job.processed, job.succeeded, job.failed = total, processed, ok, failed
    job.calls += calls
    Job.objects.filter(pk=job.pk).update(
        total=total, processed=processed, succeeded=ok, failed=failed, calls=job.calls, updated_at=timezone.now()
    )


def _wait(job: Job, exc: taskip_errors.RateLimited) -> None:
    seconds = max(1.0, float(exc.retry_after or 60))
    retry_at = timezone.now() + timedelta(seconds=seconds)
    if isinstance(exc, governor.BudgetWait):
        message = f"Waiting for TaskIP's budget: {exc.reason} It goes on by itself."
    else:
        message = "TaskIP's request limit was reached: the job waits for the time TaskIP gave, then goes on by itself."
    if Job.objects.filter(pk=job.pk, state=Job.RUNNING).update(
        state=Job.WAITING, retry_at=retry_at, message=message[:500], updated_at=timezone.now()
    ):
        enqueue(job, delay=seconds)


def _stop(job: Job, message: str) -> None:
    Job.objects.filter(pk=job.pk, state=Job.RUNNING).update(
        state=Job.PAUSED, message=message[:500], retry_at=None, updated_at=timezone.now()
    )


def _finish(job: Job, runner: Runner) -> str:
    if Job.objects.filter(pk=job.pk, state=Job.RUNNING).update(
        state=Job.DONE, message="", finished_at=timezone.now(), updated_at=timezone.now()
    ):
        job.state = Job.DONE
        runner.on_finish(job)
    return "done"


def _steps_in_parallel(job: Job, runner: Runner, beat: Heartbeat, tally) -> str:
    """``runner.concurrency`` threads step the same job; the first to stop (nothing left, a wait,
    a pause) stops all; an exception is re-raised here for run() to handle as usual."""
    stop = threading.Event()
    errors: list[BaseException] = []
    left = {"more": True}

    def worker():
        checked = 0.0
        try:
            while not stop.is_set():
                if time.monotonic() - checked > 0.5:  # a pause or cancel is seen within half a second
                    if not Job.objects.filter(pk=job.pk, state=Job.RUNNING).exists() or beat.lost:
                        break
                    checked = time.monotonic()
                if not runner.step(job):
                    left["more"] = False
                    break
        except BaseException as exc:  # noqa: BLE001 - handed to run()
            errors.append(exc)
        finally:
            stop.set()
            connection.close()

    threads = [
        threading.Thread(target=contextvars.copy_context().run, args=(worker,), daemon=True)
        for _ in range(runner.concurrency)
    ]
    for t in threads:
        t.start()
    counted = tally.calls
    while any(t.is_alive() for t in threads):
        for t in threads:
            t.join(timeout=0.5)
        seen = tally.calls  # read once: calls made between two reads would be lost
        _save_counts(job, runner, seen - counted)
        counted = seen
    _save_counts(job, runner, tally.calls - counted)
    if errors:
        raise errors[0]
    job.refresh_from_db(fields=["state"])
    if job.state != Job.RUNNING:
        return job.state
    if beat.lost:
        return "lease lost"
    if not left["more"] or not runner.step_pending(job):
        return _finish(job, runner)
    return "stopped"


def run(job_id: int, *, max_steps: int | None = None, heartbeat: bool = True) -> str:
    """Work on a job until it is done or must stop. Returns what happened (for logs and tests)."""
    me = f"{WORKER_ID}:{uuid.uuid4().hex[:8]}"
    job = Job.objects.filter(pk=job_id).first()
    if job is None:
        return "missing"
    if job.state not in (Job.QUEUED, Job.RUNNING, Job.WAITING):
        return job.state
    if job.state == Job.WAITING and job.retry_at and job.retry_at > timezone.now() + timedelta(seconds=0.5):
        return "not yet"  # an early copy of the task; the one scheduled for retry_at runs it
    if not take_lease(job_id, me):
        return "held"  # another worker has it
    beat = Heartbeat(job_id, me)
    if heartbeat:  # off only for in-process runs in tests (one connection, one transaction)
        beat.start()
    runner = runner_for(job.kind)
    steps = 0
    outcome = "stopped"
    try:
        now = timezone.now()
        Job.objects.filter(pk=job_id, state__in=(Job.QUEUED, Job.WAITING, Job.RUNNING)).update(
            state=Job.RUNNING, message="", retry_at=None, updated_at=now
        )
        Job.objects.filter(pk=job_id, started_at__isnull=True).update(started_at=now)
        job.refresh_from_db()
        with governor.background_calls(f"job:{job_id}"), writes.claims_held_by(f"job:{me}"):
            tally = begin_tally()
            try:
                runner.settle(job)
                if runner.concurrency > 1 and max_steps is None and heartbeat:
                    outcome = _steps_in_parallel(job, runner, beat, tally)
                else:
                    while True:
                        job.refresh_from_db(fields=["state"])
                        if job.state != Job.RUNNING:
                            outcome = job.state
                            break
                        if beat.lost:
                            outcome = "lease lost"
                            break
                        before = tally.calls
                        more = runner.step(job)
                        _save_counts(job, runner, tally.calls - before)
                        steps += 1
                        if not more:
                            outcome = _finish(job, runner)
                            break
                        if max_steps is not None and steps >= max_steps:
                            outcome = "step limit"
                            break
            except taskip_errors.RateLimited as exc:
                _save_counts(job, runner)
                _wait(job, exc)
                outcome = "waiting"
            except Stop as exc:
                _save_counts(job, runner)
                _stop(job, exc.message)
                outcome = "paused"
            except TaskipError as exc:
                _save_counts(job, runner)
                _stop(
                    job,
                    f"Paused: {user_message(exc)} Resume to go on; an item whose answer was lost is read back first.",
                )
                outcome = "paused"
            finally:
                end_tally()
    except Exception as exc:  # noqa: BLE001 - a bug must show on the job, not vanish in a log
        log.exception("job %s failed", job_id)
        _stop(job, f"Paused by an unexpected error ({type(exc).__name__}). Resume to try again.")
        outcome = "error"
    finally:
        if heartbeat:
            beat.stop()
        release_lease(job_id, me)
    return outcome


def recover(*, now=None) -> list[int]:
    """Hand back to the queue what nobody works on: a running job whose worker died (its lease
    ran out), a queued job that never started, a waiting job past its time. Each is marked
    REQUEUED for a while so that the next check does not queue it again. Every worker process
    runs this every second (jobs/tasks.py), so a killed worker's job goes on within about
    ``JOBS_LEASE_SECONDS`` + 1 s wherever a worker is alive."""
    now = now or timezone.now()
    stale = (
        Q(state=Job.RUNNING, lease_until__lt=now)
        | Q(state=Job.QUEUED, lease_until__isnull=True, updated_at__lt=now - timedelta(seconds=10))
        | Q(state__in=(Job.QUEUED, Job.RUNNING, Job.WAITING), lease_owner=REQUEUED, lease_until__lt=now)
        | Q(state=Job.WAITING, retry_at__lt=now - timedelta(seconds=2), lease_until__isnull=True)
    )
    picked = []
    for pk in Job.objects.filter(stale).values_list("pk", flat=True)[:50]:
        if Job.objects.filter(stale, pk=pk).update(lease_owner=REQUEUED, lease_until=now + timedelta(seconds=30)):
            enqueue(Job(pk=pk))
            picked.append(pk)
    return picked


def close_connections() -> None:
    close_old_connections()
