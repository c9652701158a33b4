"""Generations: a random token in the shared cache (Redis, or files every worker reads) that names the
state of something, so keys carrying it go stale at once on every worker when it is renewed. A missing
token is made afresh, never an older one: an evicted key never brings old entries back."""

import hashlib
import secrets

from django.core.cache import cache
from django.db import transaction


def current(key: str) -> str:
    value = cache.get(key)
    if value is None:
        cache.add(key, secrets.token_hex(8), None)
        value = cache.get(key)
    return value


def renew(key: str) -> None:
    """A new generation at once and again at commit: a reader between the two cannot keep what it read
    before the commit."""
    cache.set(key, secrets.token_hex(8), None)
    transaction.on_commit(lambda: cache.set(key, secrets.token_hex(8), None))


def request_key(request) -> str:
    """The request's address (path and query) as a key of fixed length, whatever the query holds."""
    return hashlib.sha256(request.get_full_path().encode()).hexdigest()
