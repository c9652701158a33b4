from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    name = "gongkai.applications"

    def ready(self):
        from gongkai.obligations import calendar

        from . import deadlines

        calendar.register_recomputer(deadlines.recompute)  # R15: its deadlines follow the calendar
