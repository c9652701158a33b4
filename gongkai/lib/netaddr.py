"""The client's address: REMOTE_ADDR, unless the request came through one of the configured trusted
proxies (GONGKAI_TRUSTED_PROXIES), whose X-Forwarded-For is then read from the right, skipping proxies.
A header from anyone else is ignored: a client cannot choose its own address."""

import ipaddress
from functools import cache

from django.conf import settings


@cache
def _networks(spec: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(s, strict=False) for s in spec)


def _trusted(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in _networks(tuple(settings.TRUSTED_PROXIES)))


def parse_networks(raw: str) -> list[str]:
    """Comma-separated addresses or networks; raises ValueError naming the bad one."""
    specs = [s.strip() for s in raw.split(",") if s.strip()]
    for s in specs:
        ipaddress.ip_network(s, strict=False)
    return specs


def client_address(request) -> str:
    remote = (request.META.get("REMOTE_ADDR") or "").strip()
    if not settings.TRUSTED_PROXIES or not _trusted(remote):
        return remote[:45]
    hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
    for hop in reversed(hops):
        try:
            ipaddress.ip_address(hop)
        except ValueError:
            break  # a forged or garbled hop: stop at the last proxy we trust
        if not _trusted(hop):
            return hop[:45]
        remote = hop
    return remote[:45]
