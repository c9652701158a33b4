from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from gongkai.accounts.actions import reset_second_factor


class Command(BaseCommand):
    help = "Remove USER's authenticator and recovery codes (a lost phone); they enrol again at next login."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, username, **options):
        try:
            user = get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist:
            raise CommandError(f"no user named {username!r}") from None
        reset_second_factor(user)
        self.stdout.write(f"已重置 {username} 的双重验证；该用户下次登录时重新设置。")
