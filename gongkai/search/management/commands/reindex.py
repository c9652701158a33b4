import time

from django.core.management.base import BaseCommand

from gongkai.search import index


class Command(BaseCommand):
    help = "重建全文检索索引（分批写入，不影响网站继续写入）。"

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=2000, help="每批事项数")
        parser.add_argument("--jobs", type=int, default=None, help="分词进程数（默认最多 2）")

    def handle(self, *args, batch, jobs, **options):
        started = time.monotonic()

        shown = [0]

        def progress(n):
            if n // 100_000 > shown[0]:
                shown[0] = n // 100_000
                self.stdout.write(f"已索引 {n} 条…")

        total = index.rebuild(batch=batch, jobs=jobs, progress=progress)
        took = time.monotonic() - started
        rate = total / took if took else 0
        self.stdout.write(
            self.style.SUCCESS(f"已重建索引：{total} 条，用时 {took:.1f} 秒（{rate:.0f} 条/秒）。")
        )
