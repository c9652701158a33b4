from django.apps import AppConfig


class OversightConfig(AppConfig):
    name = "gongkai.oversight"

    def ready(self):
        from . import tasks, todos  # noqa: F401 - registers the periodic job and the workbench provider
