from django.apps import AppConfig
from django.db.backends.signals import connection_created


class ArchiveConfig(AppConfig):
    name = "gongkai.archive"

    def ready(self):
        from gongkai.disclosure import ports

        from .actions import archive_item

        ports.plug("archive_item", archive_item)

        from gongkai.lib.private_files import sqlite_files_private

        connection_created.connect(sqlite_files_private, dispatch_uid="sqlite_files_private")
