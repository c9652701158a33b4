from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "gongkai.orgs"

    def ready(self):
        from . import roles_cache, site

        roles_cache.connect_signals()
        site.connect_signals()
