from django.apps import AppConfig


class ObligationsConfig(AppConfig):
    name = "gongkai.obligations"

    def ready(self):
        from gongkai.disclosure import ports

        from .actions import fulfil_for_item, withholding_decided

        ports.plug("fulfil_obligation", fulfil_for_item)
        ports.plug("withholding_decided", withholding_decided)
