"""A fixed-window counter per client address in the cache (shared by all workers with Redis)."""

from django.core.cache import cache

from gongkai.audit.log import client_address


def allow(request, scope: str, *, limit: int, window: int = 3600) -> bool:
    """Count this request; False once the address made more than `limit` in the window."""
    key = f"ratelimit:{scope}:{client_address(request) or 'unknown'}"
    cache.add(key, 0, window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window)
        count = 1
    return count <= limit
