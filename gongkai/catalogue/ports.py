"""What follows a catalogue version's publication, called by catalogue.actions in its transaction.

Obligations reads the catalogue, so the catalogue may not import it (`make lint`); obligations plugs
its function in from AppConfig.ready() (same pattern as disclosure/ports.py)."""

from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured

_plugged: dict[str, Callable] = {}
PORTS = ("version_published",)


def plug(port: str, fn: Callable) -> None:
    if port not in PORTS:
        raise ValueError(f"unknown catalogue port {port!r}")
    _plugged[port] = fn


def version_published(version) -> int:
    """R5: later periods follow the new version, earlier ones keep theirs (obligations)."""
    try:
        fn = _plugged["version_published"]
    except KeyError:
        raise ImproperlyConfigured("the catalogue port 'version_published' is not plugged") from None
    return fn(version)
