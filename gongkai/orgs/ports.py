"""What the areas built on the organisation tree do when an organisation changes, called by
orgs.actions in its transaction.

Every app imports orgs, so orgs may import none of them (`make lint`: no import cycles between apps).
Obligations plugs its functions in here from its AppConfig.ready(): plain synchronous calls in the
action's own order; a port nobody plugged fails loudly (same pattern as disclosure/ports.py)."""

from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured

_plugged: dict[str, Callable] = {}
PORTS = ("paths_moved", "org_closed", "sector_type_changed")


def plug(port: str, fn: Callable) -> None:
    if port not in PORTS:
        raise ValueError(f"unknown orgs port {port!r}")
    _plugged[port] = fn


def _call(port: str, *args, **kwargs):
    try:
        fn = _plugged[port]
    except KeyError:
        raise ImproperlyConfigured(f"the orgs port {port!r} is not plugged: is its app installed?") from None
    return fn(*args, **kwargs)


def paths_moved(org) -> None:
    """R1: a branch moved: rollups that add up subtrees are recomputed (obligations)."""
    _call("paths_moved", org)


def org_closed(org, on) -> int:
    """R1: a closed organisation owes nothing from `on`: its later open obligations go (obligations)."""
    return _call("org_closed", org, on)


def sector_type_changed(org) -> None:
    """R1: rows that copy the organisation's sector type follow it (obligations)."""
    _call("sector_type_changed", org)
