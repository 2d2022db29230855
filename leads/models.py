from django.conf import settings
from django.db import models


class BulkJob(models.Model):
    """The leads of a bulk action and each one's result; its run state is ``job`` (a
    ``jobs.Job`` the worker runs, see leads/bulk.py).

    ``results`` maps a lead id (as a string) to ``{"ok": bool, "message": str}``, or to
    ``{"ok": None, "in_flight": True, "old": [...], "new": [...]}`` while its write is out; a
    lead with a final result is never written again."""

    STATUS = "status"
    SOURCE = "source"
    ASSIGN = "assign"
    DELETE = "delete"
    ACTIONS = [(STATUS, "move to status"), (SOURCE, "set source"), (ASSIGN, "assign"), (DELETE, "delete")]

    job = models.OneToOneField("jobs.Job", on_delete=models.CASCADE, related_name="bulk")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    action = models.CharField(max_length=16, choices=ACTIONS)
    params = models.JSONField(default=dict, blank=True)  # {"value": id|None, "value_label": str, "back": url}
    ids = models.JSONField(default=list)  # lead ids, in the order they are processed
    labels = models.JSONField(default=dict, blank=True)  # {id: lead name} as shown when selected
    results = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"BulkJob #{self.pk} {self.action} {self.processed}/{self.total}"

    @property
    def total(self) -> int:
        return len(self.ids)

    def _done(self, i) -> dict | None:
        r = self.results.get(str(i))
        return r if r and r.get("ok") is not None else None

    @property
    def processed(self) -> int:
        return sum(1 for i in self.ids if self._done(i))

    @property
    def failed(self) -> int:
        return sum(1 for r in self.results.values() if r.get("ok") is False)

    @property
    def succeeded(self) -> int:
        return sum(1 for r in self.results.values() if r.get("ok") is True)

    def pending_ids(self) -> list[int]:
        return [i for i in self.ids if str(i) not in self.results]

    def in_flight_ids(self) -> list[int]:
        return [i for i in self.ids if (self.results.get(str(i)) or {}).get("in_flight")]

    def rows(self) -> list[dict]:
        out = []
        for i in self.ids:
            r = self.results.get(str(i)) or {}
            out.append(
                {
                    "id": i,
                    "label": self.labels.get(str(i)) or f"Lead #{i}",
                    "ok": r.get("ok"),
                    "in_flight": bool(r.get("in_flight")),
                    "message": r.get("message", ""),
                }
            )
        return out


class LocalCutShape(models.Model):
    """Whether the lead list may be cut locally for one query shape (``leads.localcut``):
    ``enabled`` is False once ``manage.py taskip_check`` found the local cut differing from the
    workspace's own answer for that shape, until a later check finds them matching again.
    A shape without a row is on."""

    shape = models.CharField(max_length=64, primary_key=True)  # "search", "sort:name", "filter:status_id"
    enabled = models.BooleanField(default=True)
    detail = models.CharField(max_length=500, blank=True)  # what the last check saw
    checked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["shape"]

    def __str__(self):
        return f"{self.shape}: {'local' if self.enabled else 'ask TaskIP'}"


class SelfCheckRun(models.Model):
    """One run of the self-check against the workspace (``leads.selfcheck``, ``manage.py
    taskip_check`` or the budget page's button). ``report`` is ``Report.as_dict()``; a run
    started from the page is QUEUED until the worker runs it."""

    QUEUED, DONE, FAILED = "queued", "done", "failed"
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    state = models.CharField(max_length=8, default=DONE)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    passed = models.BooleanField(default=False)
    calls = models.PositiveIntegerField(default=0)
    report = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"Self-check #{self.pk} {self.state} {'passed' if self.passed else 'differed'}"

    # A queued run no worker picked up within this long (no worker running) no longer blocks a new one.
    STALE_AFTER_SECONDS = 600

    @classmethod
    def waiting(cls):
        """Queued runs a worker may still pick up."""
        from datetime import timedelta

        from django.utils import timezone

        since = timezone.now() - timedelta(seconds=cls.STALE_AFTER_SECONDS)
        return cls.objects.filter(state=cls.QUEUED, created_at__gte=since)
