from django.apps import AppConfig


class LeadsConfig(AppConfig):
    name = "leads"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from audit import labels as audit_labels
        from leads import bulk, labels, snapshot  # noqa: F401  (bulk: importing it registers the "bulk" job runner)

        snapshot.register_write_effects()  # writes patch the lead snapshot (crmui/writes.py EFFECTS)
        audit_labels.register("lead", labels.describe)
        audit_labels.register("note", labels.describe)
