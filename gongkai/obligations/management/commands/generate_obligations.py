import time

from django.core.management.base import BaseCommand, CommandError

from gongkai.obligations.actions import generate_obligations
from gongkai.obligations.models import Obligation


class Command(BaseCommand):
    help = "Materialise a year's long-term and periodic disclosure obligations (R14). Safe to run twice."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)

    def handle(self, year, **options):
        if not 2000 <= year <= 2100:
            raise CommandError("年份应在 2000 至 2100 之间。")
        before = Obligation.objects.filter(year=year).count()
        started = time.monotonic()
        attempted = generate_obligations(year)
        created = Obligation.objects.filter(year=year).count() - before
        self.stdout.write(
            f"{year}: {created} obligations created ({attempted - created} already existed) "
            f"in {time.monotonic() - started:.1f} s"
        )
