from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "gongkai.accounts"

    def ready(self):
        from . import backends, session  # noqa: F401  (session registers the login signal)

        backends.connect_signals()
