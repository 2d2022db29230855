from django.apps import AppConfig


class LeadsConfig(AppConfig):
    name = "leads"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from leads import bulk  # noqa: F401  registers the "bulk" job runner
