from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "gongkai.accounts"

    def ready(self):
        from . import session  # noqa: F401  (registers the login signal)
