from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "gongkai.portal"

    def ready(self):
        from . import (
            static_check,  # noqa: F401  (registers the system check)
            tasks,  # noqa: F401 - registers the daily digest
        )
