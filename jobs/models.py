"""A background job: work that outlives the page that started it (bulk changes, imports).

The row is the authority on the job's run state; the work itself (which leads, which rows,
each one's result) lives with its kind (``leads.BulkJob``, ``reports.ImportJob``), linked
one-to-one. A worker holds a job through a short lease it renews by heartbeat; a worker that
dies stops renewing, and another takes the job over within seconds (see jobs/runner.py).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone


class Job(models.Model):
    QUEUED, RUNNING, WAITING, PAUSED, CANCELLED, DONE = "queued", "running", "waiting", "paused", "cancelled", "done"
    STATES = [
        (QUEUED, "queued"),
        (RUNNING, "running"),
        (WAITING, "waiting"),
        (PAUSED, "paused"),
        (CANCELLED, "cancelled"),
        (DONE, "done"),
    ]
    ACTIVE = (QUEUED, RUNNING, WAITING)  # a worker will (or does) work on it
    FINISHED = (DONE, CANCELLED)

    kind = models.CharField(max_length=20)  # a runner registered in jobs.runner ("bulk", "import")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    title = models.CharField(max_length=300)
    detail_url = models.CharField(max_length=300)  # the kind's own page, with per-item results
    state = models.CharField(max_length=10, choices=STATES, default=QUEUED)
    message = models.CharField(max_length=500, blank=True, default="")  # why it waits or paused
    retry_at = models.DateTimeField(null=True, blank=True)  # WAITING: when it goes on by itself
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    succeeded = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    calls = models.PositiveIntegerField(default=0)  # TaskIP calls it made
    lease_owner = models.CharField(max_length=120, blank=True, default="")
    lease_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    seen_at = models.DateTimeField(null=True, blank=True)  # the owner saw it finished (nav badge)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["owner", "state"]), models.Index(fields=["state", "lease_until"])]

    def __str__(self):
        return f"Job #{self.pk} {self.kind} {self.processed}/{self.total} {self.state}"

    @property
    def left(self) -> int:
        return max(0, self.total - self.processed)

    @property
    def pct(self) -> int:
        return int(100 * self.processed / self.total) if self.total else 100

    @property
    def is_active(self) -> bool:
        return self.state in self.ACTIVE

    @property
    def is_finished(self) -> bool:
        return self.state in self.FINISHED

    def seconds_left(self, now=None) -> int | None:
        """At the pace since it started (waits included): None before there is a pace."""
        if not self.is_active or not self.started_at or not self.processed or not self.left:
            return None
        now = now or timezone.now()
        elapsed = (now - self.started_at).total_seconds()
        if elapsed <= 0:
            return None
        left = self.left * elapsed / self.processed
        if self.state == self.WAITING and self.retry_at and self.retry_at > now:
            left = max(left, (self.retry_at - now).total_seconds())
        return int(left)
