from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from gongkai.accounts.tokens import issue_token


class Command(BaseCommand):
    help = "Issue an API bearer token for USER and print it once (only its hash is stored)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="a label for the token")
        parser.add_argument(
            "--days", type=int, default=settings.API_TOKEN_DAYS, help="days until it expires (1–3650)"
        )

    def handle(self, username, name, days, **options):
        if not 1 <= days <= 3650:
            raise CommandError("--days must be between 1 and 3650")
        try:
            user = get_user_model().objects.get(username=username, is_active=True)
        except get_user_model().DoesNotExist:
            raise CommandError(f"no active user named {username!r}") from None
        self.stdout.write(issue_token(user, name=name, days=days))
