from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "jobs"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Background jobs"

    def ready(self):
        from crmui import writes

        from . import runner

        # A write claim taken by a job step is its worker's for as long as the job's lease is
        # held: once the lease lapses (the worker died), the next taker reads back at once.
        writes.register_holder_check("job:", runner.lease_alive)
