from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "gongkai.search"

    def ready(self):
        from gongkai.disclosure import ports

        from .index import update_item

        ports.plug("index_item", update_item)
