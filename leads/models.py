from django.conf import settings
from django.db import models


class BulkJob(models.Model):
    """A bulk action on many leads, run a few leads per request while the page polls, so it
    survives a reload and can stop on TaskIP's rate limit and resume where it stopped.

    ``results`` maps a lead id (as a string) to ``{"ok": bool, "message": str}``; a lead with a
    result is never written again."""

    RUNNING = "running"
    PAUSED = "paused"
    DONE = "done"
    STATES = [(RUNNING, "running"), (PAUSED, "paused"), (DONE, "done")]

    STATUS = "status"
    SOURCE = "source"
    ASSIGN = "assign"
    DELETE = "delete"
    ACTIONS = [(STATUS, "move to status"), (SOURCE, "set source"), (ASSIGN, "assign"), (DELETE, "delete")]

    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    action = models.CharField(max_length=16, choices=ACTIONS)
    params = models.JSONField(default=dict, blank=True)  # {"value": id|None, "value_label": str, "back": url}
    ids = models.JSONField(default=list)  # lead ids, in the order they are processed
    labels = models.JSONField(default=dict, blank=True)  # {id: lead name} as shown when selected
    results = models.JSONField(default=dict, blank=True)  # {id: {"ok": bool, "message": str}}
    state = models.CharField(max_length=8, choices=STATES, default=RUNNING)
    message = models.CharField(max_length=500, blank=True)  # why it paused
    retry_at = models.DateTimeField(null=True, blank=True)  # not before (after a 429)
    locked_until = models.DateTimeField(null=True, blank=True)  # one request works on it at a time

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"BulkJob #{self.pk} {self.action} {len(self.results)}/{len(self.ids)} {self.state}"

    @property
    def total(self) -> int:
        return len(self.ids)

    @property
    def processed(self) -> int:
        return sum(1 for i in self.ids if str(i) in self.results)

    @property
    def failed(self) -> int:
        return sum(1 for r in self.results.values() if not r.get("ok"))

    @property
    def succeeded(self) -> int:
        return sum(1 for r in self.results.values() if r.get("ok"))

    def pending_ids(self) -> list[int]:
        return [i for i in self.ids if str(i) not in self.results]

    def rows(self) -> list[dict]:
        out = []
        for i in self.ids:
            r = self.results.get(str(i))
            out.append({"id": i, "label": self.labels.get(str(i)) or f"Lead #{i}",
                        "ok": r.get("ok") if r else None, "message": (r or {}).get("message", "")})
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
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    passed = models.BooleanField(default=False)
    calls = models.PositiveIntegerField(default=0)
    report = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"Self-check #{self.pk} {self.state} {'passed' if self.passed else 'differed'}"
