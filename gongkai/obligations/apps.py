from django.apps import AppConfig


class ObligationsConfig(AppConfig):
    name = "gongkai.obligations"

    def ready(self):
        from gongkai.catalogue import ports as catalogue_ports
        from gongkai.disclosure import ports
        from gongkai.orgs import ports as orgs_ports

        from .actions import (
            catalogue_version_published,
            fulfil_for_item,
            item_withdrawn,
            obligation_for_item,
            org_closed,
            org_paths_moved,
            org_sector_type_changed,
            withholding_decided,
        )
        from .calendar import current_overrides

        ports.plug("fulfil_obligation", fulfil_for_item)
        ports.plug("withholding_decided", withholding_decided)
        orgs_ports.plug("paths_moved", org_paths_moved)
        orgs_ports.plug("org_closed", org_closed)
        orgs_ports.plug("sector_type_changed", org_sector_type_changed)
        catalogue_ports.plug("version_published", catalogue_version_published)
        ports.plug("item_withdrawn", item_withdrawn)
        ports.plug("obligation_for_item", obligation_for_item)
        ports.plug("working_calendar", current_overrides)
