from django.apps import AppConfig


class CrmuiConfig(AppConfig):
    name = "crmui"
    verbose_name = "TaskIP dashboard"
