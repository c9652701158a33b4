from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "gongkai.portal"

    def ready(self):
        from . import tasks  # noqa: F401 - registers the daily digest
