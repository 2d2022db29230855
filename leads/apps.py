from django.apps import AppConfig


class LeadsConfig(AppConfig):
    name = "leads"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from audit import labels as audit_labels
        from leads import bulk  # noqa: F401  registers the "bulk" job runner
        from leads import labels

        audit_labels.register("lead", labels.describe)
        audit_labels.register("note", labels.describe)
