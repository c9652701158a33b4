from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from gongkai.archive.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "Back up to DIR (must be empty): the database (SQLite online backup API, consistent while the "
        "site runs; pg_dump on PostgreSQL), the uploaded and archived files, and manifest.json with row "
        "counts and the audit chain head. Restore with: gongkai restore DIR"
    )

    def add_arguments(self, parser):
        parser.add_argument("directory")

    def handle(self, directory, **options):
        try:
            manifest = backup(Path(directory))
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        rows = sum(manifest["counts"].values())
        self.stdout.write(f"已备份到 {directory}：{rows} 行数据，审计链头 {manifest['audit_head']}。")
