from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "gongkai.search"

    def ready(self):
        from gongkai.disclosure import ports
        from gongkai.feedback import ports as feedback_ports

        from .index import index_new_items, update_item, update_reply

        ports.plug("index_item", update_item)
        ports.plug("index_new_items", index_new_items)
        feedback_ports.plug("index_reply", update_reply)
