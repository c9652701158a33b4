from django.apps import AppConfig


class ReportsConfig(AppConfig):
    """R35–R37: the year's paperwork (statistics, annual report, carriers, filings, accountability)."""

    name = "gongkai.reports"
    label = "reports"
