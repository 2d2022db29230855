from django.apps import AppConfig


class CrmuiConfig(AppConfig):
    name = "crmui"
    verbose_name = "TaskIP dashboard"

    def ready(self) -> None:
        from django.core.signals import request_finished

        from crmui import tally

        # a page's after-response work (crmui.tally.after_response) runs once it has gone out
        request_finished.connect(tally.run_answered, dispatch_uid="crmui.tally.run_answered")
