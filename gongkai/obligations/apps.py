from django.apps import AppConfig


class ObligationsConfig(AppConfig):
    name = "gongkai.obligations"

    def ready(self):
        from gongkai.disclosure import ports

        from .actions import fulfil_for_item, item_withdrawn, obligation_for_item, withholding_decided
        from .calendar import current_overrides

        ports.plug("fulfil_obligation", fulfil_for_item)
        ports.plug("withholding_decided", withholding_decided)
        ports.plug("item_withdrawn", item_withdrawn)
        ports.plug("obligation_for_item", obligation_for_item)
        ports.plug("working_calendar", current_overrides)
