from django.core.management.base import BaseCommand, CommandError

from gongkai.audit.chain import verify


class Command(BaseCommand):
    help = (
        "Walk the audit chain in sequence order: recompute each hash, check each link, the gap-free "
        "sequence and the published daily heads. Names the first bad entry and exits non-zero."
    )

    def add_arguments(self, parser):
        parser.add_argument("--database", default="default")

    def handle(self, database, **options):
        verdict = verify(using=database)
        if not verdict.ok:
            raise CommandError(f"审计链校验失败：{verdict.problem}（此前 {verdict.checked} 条完好）")
        self.stdout.write(f"审计链完好：已校验 {verdict.checked} 条。")
