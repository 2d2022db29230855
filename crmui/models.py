"""The dashboard's own table for the one write path (crmui/writes.py).

``WriteClaim``: one row per submitted write that carried an idempotency token. The unique
``key`` is the atomic claim: whichever request inserts it first writes to TaskIP; every other
request with the same token (a double click, a resend, another worker or server) finds the
row and is told what the first one did. A shared database makes it hold across processes.
"""
from django.db import models


class WriteClaim(models.Model):
    PENDING = "pending"  # a request is writing now
    SAVED = "saved"  # TaskIP holds it; ``result`` says what (e.g. the new id)
    UNKNOWN = "unknown"  # TaskIP could not be asked afterwards: the next resend checks first

    key = models.CharField(max_length=200, unique=True)
    state = models.CharField(max_length=10, default=PENDING)
    result = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"{self.key} {self.state}"
