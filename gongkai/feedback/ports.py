"""What the areas that follow feedback replies do when one is published or withdrawn, called by the
actions in their transaction (as disclosure/ports.py does for items).

The search index (R30) reads feedback, so feedback may not import it: search plugs its function in
here from its AppConfig.ready(); a port nobody plugged fails loudly.
"""

from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured

_plugged: dict[str, Callable] = {}
PORTS = ("index_reply",)


def plug(port: str, fn: Callable) -> None:
    if port not in PORTS:
        raise ValueError(f"unknown feedback port {port!r}")
    _plugged[port] = fn


def index_reply(case) -> None:
    """R30: index, re-index or drop the case's published reply (search)."""
    try:
        fn = _plugged["index_reply"]
    except KeyError:
        raise ImproperlyConfigured(
            "the feedback port 'index_reply' is not plugged: is search installed?"
        ) from None
    fn(case)
