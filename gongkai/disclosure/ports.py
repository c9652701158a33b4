"""What the areas that follow items do when an item changes, called by the actions in their transaction.

Disclosure sits below the areas that read its items — the search index (R30), the archive (R24),
obligations (R14, R12) — so it may not import them (`make lint`: no import cycles between apps).
Each of them plugs its function in here from its AppConfig.ready(); these are plain synchronous calls,
not signals: an action calls exactly these, in its own order, and a port nobody plugged fails loudly.
"""

from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured

_plugged: dict[str, Callable] = {}
PORTS = (
    "index_item",
    "index_new_items",
    "archive_item",
    "fulfil_obligation",
    "withholding_decided",
    "item_withdrawn",
    "obligation_for_item",
    "working_calendar",
)


def plug(port: str, fn: Callable) -> None:
    if port not in PORTS:
        raise ValueError(f"unknown disclosure port {port!r}")
    _plugged[port] = fn


def _call(port: str, *args, **kwargs):
    try:
        fn = _plugged[port]
    except KeyError:
        raise ImproperlyConfigured(
            f"the disclosure port {port!r} is not plugged: is its app installed?"
        ) from None
    return fn(*args, **kwargs)


def index_item(item) -> None:
    """R30: index, re-index or drop the item after a state change (search)."""
    _call("index_item", item)


def index_new_items(items) -> None:
    """R30: index items just created in bulk by an import (search)."""
    _call("index_new_items", items)


def archive_item(item, *, event: str, by, now=None):
    """R24: an immutable snapshot of the item as published, changed or ended (archive)."""
    return _call("archive_item", item, event=event, by=by, now=now)


def fulfil_obligation(item):
    """R14: publishing fulfils the obligation of the period the item states (obligations)."""
    return _call("fulfil_obligation", item)


def withholding_decided(withholding) -> None:
    """R12, R14: an accepted filing turns the pair's open obligations to withheld (obligations)."""
    _call("withholding_decided", withholding)


def item_withdrawn(item) -> None:
    """R14: a revoked or terminated item: the long-term obligation it met passes on or reopens (obligations)."""
    _call("item_withdrawn", item)


def obligation_for_item(item):
    """R14: the open obligation publishing `item` would fulfil, or None (obligations), to show the clerk."""
    return _call("obligation_for_item", item)


def working_calendar():
    """R15: the working-day calendar (package plus admin overrides) for working-day windows (obligations)."""
    return _call("working_calendar")
