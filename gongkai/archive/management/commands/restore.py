from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from gongkai.archive.backup import BackupError, drill_checks, restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by `gongkai backup` into the configured database (which must be empty: "
        "point DATABASE_URL and MEDIA_ROOT at a new instance) and file folder, then check migrations, "
        "row counts against the manifest, the audit chain and fixity. Exits non-zero if any check fails."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory")
        parser.add_argument("--force", action="store_true", help="overwrite a non-empty database and folder")

    def handle(self, directory, force, **options):
        try:
            manifest = restore(Path(directory), force=force)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        problems = drill_checks(manifest)
        if problems:
            raise CommandError("恢复后检查未通过：\n" + "\n".join(problems))
        self.stdout.write("已恢复；迁移、行数、审计链和文件完整性检查全部通过。")
