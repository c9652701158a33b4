from django.apps import AppConfig


class OversightConfig(AppConfig):
    name = "gongkai.oversight"

    def ready(self):
        from . import tasks  # noqa: F401 - registers the periodic job
