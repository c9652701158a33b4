from django.apps import AppConfig


class ArchiveConfig(AppConfig):
    name = "gongkai.archive"

    def ready(self):
        from gongkai.disclosure import ports

        from .actions import archive_item

        ports.plug("archive_item", archive_item)
