"""A lead import from CSV: the file's rows and each one's outcome. ``status`` follows the wizard
(uploaded, validated, then running = started); once started, the run state is ``run`` (a
``jobs.Job`` the worker runs, see reports/imports/running.py).

Each row has its own state. A row is marked IN_FLIGHT just before its write is sent; if the
answer is lost (timeout, dropped connection, a worker killed) the row stays in flight and the
next run looks the lead up by email before anything is written again.
"""

import uuid

from django.conf import settings
from django.db import models


class ImportJob(models.Model):
    UPLOADED, VALIDATED, RUNNING, PAUSED, RATE_LIMITED, STOPPED, DONE = (
        "uploaded",
        "validated",
        "running",
        "paused",
        "rate_limited",
        "stopped",
        "done",
    )
    STATUS_CHOICES = [
        (s, s.replace("_", " ")) for s in (UPLOADED, VALIDATED, RUNNING, PAUSED, RATE_LIMITED, STOPPED, DONE)
    ]
    CREATE_ONLY, UPDATE_EXISTING = "create", "update"
    MODE_CHOICES = [(CREATE_ONLY, "Create only"), (UPDATE_EXISTING, "Update existing by email")]

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    filename = models.CharField(max_length=255)
    encoding = models.CharField(max_length=20)
    delimiter = models.CharField(max_length=4)
    headers = models.JSONField(default=list)
    mapping = models.JSONField(default=dict)  # {"<column index>": "<field>"}
    date_order = models.CharField(max_length=3, default="dmy")  # how 03/04/2026 reads: dmy or mdy
    mode = models.CharField(max_length=10, choices=MODE_CHOICES, default=CREATE_ONLY)
    status = models.CharField(max_length=20, choices=STATUS_CHOICES, default=UPLOADED)
    existing = models.JSONField(default=dict)  # {email: [lead_id, first_name]} from one snapshot at start
    run = models.OneToOneField(
        "jobs.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="import_job"
    )  # once started: the worker's job (its run state)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Import {self.filename} ({self.status})"


class ImportRow(models.Model):
    PENDING, INVALID, IN_FLIGHT, CREATED, UPDATED, SKIPPED, FAILED = (
        "pending",
        "invalid",
        "in_flight",
        "created",
        "updated",
        "skipped",
        "failed",
    )
    STATE_CHOICES = [(s, s.replace("_", " ")) for s in (PENDING, INVALID, IN_FLIGHT, CREATED, UPDATED, SKIPPED, FAILED)]
    DONE_STATES = (CREATED, UPDATED, SKIPPED, FAILED, INVALID)

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="rows")
    line = models.PositiveIntegerField()  # the line in the file (the header is line 1)
    cells = models.JSONField(default=list)
    email = models.CharField(max_length=254, blank=True, default="")
    payload = models.JSONField(default=dict)  # what will be sent, set by validation
    problems = models.JSONField(default=list)
    state = models.CharField(max_length=12, choices=STATE_CHOICES, default=PENDING)
    lead_id = models.PositiveBigIntegerField(null=True, blank=True)
    message = models.CharField(max_length=500, blank=True, default="")
    attempted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["line"]
        indexes = [models.Index(fields=["job", "state", "line"])]

    def __str__(self):
        return f"Row {self.line} ({self.state})"
