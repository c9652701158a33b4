from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "gongkai.audit"

    def ready(self):
        from . import signals  # noqa: F401
