from django.conf import settings
from django.db import models


class AuditEntry(models.Model):
    """One write made through the dashboard: who, when, which record, what, the outcome."""

    OK = "ok"
    FAILED = "failed"

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    username = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=64, db_index=True)  # e.g. lead.create, lead.update, note.delete
    object_type = models.CharField(max_length=32, db_index=True)  # lead, note, file, attribute, contact
    object_id = models.CharField(max_length=64, blank=True, db_index=True)
    object_label = models.CharField(max_length=300, blank=True)
    changes = models.JSONField(default=dict, blank=True)  # {field: new value} or {field: [old, new]}
    outcome = models.CharField(max_length=8, choices=[(OK, "ok"), (FAILED, "failed")], db_index=True)
    api_status = models.PositiveSmallIntegerField(null=True, blank=True)
    message = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name_plural = "audit entries"

    def __str__(self):
        return (
            f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action} {self.object_type}#{self.object_id} {self.outcome}"
        )
