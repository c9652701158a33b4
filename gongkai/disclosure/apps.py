from django.apps import AppConfig


class DisclosureConfig(AppConfig):
    name = "gongkai.disclosure"

    def ready(self):
        from . import board_cache

        board_cache.connect_signals()
