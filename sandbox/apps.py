from django.apps import AppConfig


class SandboxConfig(AppConfig):
    name = "sandbox"
    verbose_name = "TaskIP sandbox API"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.backends.signals import connection_created

        from .collation import register

        connection_created.connect(register, dispatch_uid="sandbox-collation")
