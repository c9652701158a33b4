from django.core.management.base import BaseCommand

from gongkai.audit.chain import compute_daily_heads


class Command(BaseCommand):
    help = "Record the chain head (last sequence and hash) of every finished day not yet recorded."

    def handle(self, **options):
        made = compute_daily_heads()
        self.stdout.write(f"已记录 {made} 个每日链头。")
