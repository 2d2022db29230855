from django.apps import AppConfig


class LeadsConfig(AppConfig):
    name = "leads"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from audit import labels as audit_labels
        from leads import bulk, labels  # noqa: F401  (bulk: importing it registers the "bulk" job runner)

        audit_labels.register("lead", labels.describe)
        audit_labels.register("note", labels.describe)
