from django.apps import AppConfig


class ObligationsConfig(AppConfig):
    name = "gongkai.obligations"

    def ready(self):
        from gongkai.disclosure import ports

        from .actions import fulfil_for_item, withholding_decided

        ports.plug("fulfil_obligation", fulfil_for_item)
        ports.plug("withholding_decided", withholding_decided)

        from gongkai.catalogue import ports as catalogue_ports
        from gongkai.orgs import ports as orgs_ports

        from .actions import catalogue_version_published, org_closed, org_paths_moved, org_sector_type_changed

        orgs_ports.plug("paths_moved", org_paths_moved)
        orgs_ports.plug("org_closed", org_closed)
        orgs_ports.plug("sector_type_changed", org_sector_type_changed)
        catalogue_ports.plug("version_published", catalogue_version_published)
