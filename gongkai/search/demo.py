"""Demo: make sure every published demo item is searchable (items made before the index existed, or
loaded in bulk, are caught up); idempotent."""

from gongkai.disclosure.models import DisclosureItem

from .index import INDEXED_STATES, rebuild
from .models import SearchDoc


def load() -> None:
    if SearchDoc.objects.count() != DisclosureItem.objects.filter(state__in=INDEXED_STATES).count():
        rebuild(jobs=1)
