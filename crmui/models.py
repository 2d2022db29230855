"""State the dashboard's processes share through the database: the background call budget.

Web servers and job workers may run on several machines; the default cache is per process, so
what every worker must agree on lives here (see crmui/governor.py).
"""

from django.db import models


class BudgetState(models.Model):
    """One row (pk=1): when the next background call may go, the last hourly reading from
    TaskIP's headers, and a block after a 429."""

    seq = models.BigIntegerField(default=0)  # bumped first in every decision: takes the row lock
    next_slot = models.FloatField(default=0.0)  # Unix time the next background call may start
    limit = models.IntegerField(null=True, blank=True)  # X-RateLimit-Limit (the hour's calls)
    remaining = models.IntegerField(null=True, blank=True)  # X-RateLimit-Remaining at `seen`
    reset = models.FloatField(null=True, blank=True)  # X-RateLimit-Reset (Unix time)
    seen = models.FloatField(null=True, blank=True)
    spent_since_reading = models.IntegerField(default=0)  # background calls let go since `seen`
    blocked_until = models.FloatField(default=0.0)  # after a 429: Retry-After
    wait_until = models.FloatField(default=0.0)  # the last "not now" the governor answered ...
    wait_reason = models.CharField(max_length=200, blank=True, default="")  # ... and why

    class Meta:
        verbose_name = "background call budget"


class BackgroundMinute(models.Model):
    """Background calls let go per minute (Unix time // 60): what jobs spent, for the budget page."""

    minute = models.BigIntegerField(primary_key=True)
    calls = models.IntegerField(default=0)


class WriteClaim(models.Model):
    """One row per submitted write that carried an idempotency token (crmui/writes.py).

    The unique ``key`` is the atomic claim: whichever request inserts it first writes to
    TaskIP; every other request with the same token (a double click, a resend, another worker
    or server) finds the row and is told what the first one did. A shared database makes it
    hold across processes (SQLite and PostgreSQL alike)."""

    PENDING = "pending"  # a request is writing now
    SAVED = "saved"  # TaskIP holds it; ``result`` says what (e.g. the new id)
    UNKNOWN = "unknown"  # TaskIP could not be asked afterwards: the next resend checks first

    key = models.CharField(max_length=200, unique=True)
    state = models.CharField(max_length=10, default=PENDING)
    # Who is writing while PENDING: "" for a web request (taken as dead after
    # writes.PENDING_STALE_SECONDS), or a job's lease ("job:<lease owner>"), dead as soon as the
    # lease lapses (writes.register_holder_check).
    holder = models.CharField(max_length=120, blank=True, default="")
    result = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"{self.key} {self.state}"
