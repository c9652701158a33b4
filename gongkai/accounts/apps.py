from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "gongkai.accounts"

    def ready(self):
        from . import backends, second_factor, session  # noqa: F401  (session registers the login signal)

        backends.connect_signals()
        second_factor.connect_signals()
