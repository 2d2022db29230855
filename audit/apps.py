from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The one write path (crmui/writes.py) records every write here.
        from audit.trail import record
        from crmui import writes

        writes.set_auditor(record)
