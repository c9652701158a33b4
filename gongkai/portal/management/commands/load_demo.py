from importlib import import_module

from django.core.management.base import BaseCommand

# Each app contributes its part of the demo, in dependency order; each loader is idempotent.
DEMO_LOADERS = [
    "gongkai.orgs.demo",
    "gongkai.accounts.demo",  # demo-only second factor for the staff logins (off unless enabled)
    "gongkai.catalogue.demo",
    "gongkai.disclosure.demo",
    "gongkai.applications.demo",
    "gongkai.feedback.demo",
    "gongkai.obligations.demo",  # keep last: needs the catalogue and the published items
    "gongkai.oversight.demo",  # after obligations: the rollout figures read them
    "gongkai.obligations.demo_year",  # the year so far, by the plan's deadlines
    "gongkai.search.demo",  # last: indexes every published demo item, the year's bulk-loaded ones too
]


class Command(BaseCommand):
    help = "Load the demo (集里街道): organisations, people, leading group and content. Safe to run twice."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty", action="store_true", help="only when the database has no organisation"
        )

    def handle(self, if_empty, **options):
        from gongkai.orgs.models import Organisation

        if if_empty and Organisation.objects.exists():
            self.stdout.write("database not empty; demo not loaded")
            return
        for name in DEMO_LOADERS:
            import_module(name).load()
            self.stdout.write(f"loaded {name}")
