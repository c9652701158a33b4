from django.apps import AppConfig


class OversightConfig(AppConfig):
    name = "gongkai.oversight"

    def ready(self):
        from gongkai.obligations import calendar

        from . import deadlines, rollout, tasks  # noqa: F401 - registers the periodic job and the recomputer

        calendar.provide_rollout_deadlines(rollout.rollout_deadlines)
