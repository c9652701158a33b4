from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from gongkai.accounts.models import ApiToken
from gongkai.accounts.tokens import revoke_token


class Command(BaseCommand):
    help = (
        "Revoke API tokens: one by its value (--token), or USER's tokens by --id, --name or --all. "
        "Without any of them, list USER's tokens."
    )

    def add_arguments(self, parser):
        parser.add_argument("username", nargs="?")
        parser.add_argument("--token", help="the token's value (as issued)")
        parser.add_argument("--id", type=int, dest="token_id", help="the token's id (see the listing)")
        parser.add_argument("--name", help="every token of USER with this name")
        parser.add_argument("--all", action="store_true", help="every token of USER")

    def handle(self, username, token, token_id, name, all, **options):
        if token:
            tokens = ApiToken.objects.filter(digest=ApiToken.hash(token.strip()))
        else:
            if not username:
                raise CommandError("give USER, or --token")
            user = get_user_model().objects.filter(username=username).first()
            if user is None:
                raise CommandError(f"no user named {username!r}")
            tokens = user.api_tokens.order_by("created_at")
            if token_id is not None:
                tokens = tokens.filter(pk=token_id)
            elif name is not None:
                tokens = tokens.filter(name=name)
            elif not all:
                for t in tokens:
                    self.stdout.write(
                        f"{t.pk}\t{t.name}\t{t.state()}\tissued {t.created_at:%Y-%m-%d}\t"
                        f"expires {t.expires_at:%Y-%m-%d}\tlast used {t.last_used_at or '-'}"
                    )
                return
        tokens = list(tokens)
        if not tokens:
            raise CommandError("no such token")
        revoked = sum(revoke_token(t) for t in tokens)
        self.stdout.write(f"revoked {revoked} token(s)")
