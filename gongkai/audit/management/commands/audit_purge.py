from datetime import date

from django.core.management.base import BaseCommand, CommandError

from gongkai.audit.chain import RETENTION_DAYS, PurgeRefused, purge_before


class Command(BaseCommand):
    help = (
        f"Delete audit entries dated before DATE (YYYY-MM-DD). Entries younger than {RETENTION_DAYS} days "
        "are refused (on PostgreSQL the trigger refuses them too). The chain stays verifiable: the last "
        "purged entry's sequence and hash are kept as the new genesis (anchor) that audit_verify starts "
        "from, and the published daily heads still prove the kept history. The purge is itself audited."
    )

    def add_arguments(self, parser):
        parser.add_argument("--before", required=True, help="YYYY-MM-DD")

    def handle(self, before, **options):
        try:
            cutoff = date.fromisoformat(before)
        except ValueError:
            raise CommandError("日期格式应为 YYYY-MM-DD。") from None
        try:
            deleted = purge_before(cutoff)
        except PurgeRefused as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"已清理 {deleted} 条 {cutoff} 以前的审计日志。")
