"""Each user's memberships (their roles), and organisations by code, read from the shared cache: one
cache read instead of a query on every request (issue 17.1). The cache is the one every worker process shares
(Redis, or files under var/cache), so a change made through any worker is seen by all.

Correctness over speed: any change of a membership or an organisation (a move rewrites paths, a
closure or rename changes what the roles point at) starts a new generation, at once and again at
commit, so a worker that read the old rows just before the commit cannot keep them.

The generation is read once per request (a request reads one state); outside requests (jobs,
commands) on every call."""

import hashlib
import secrets
import threading

from django.core.cache import cache, caches
from django.db import transaction

from gongkai.lib import generations

GEN_KEY = "roles:gen"
TTL = 600


_request = threading.local()  # the generation read by the current request, while one runs


def generation() -> str:
    """The current generation: it changes with every write of a membership or an organisation."""
    value = getattr(_request, "generation", None)
    if value is None:
        value = generations.current(GEN_KEY)
        if getattr(_request, "active", False):
            _request.generation = value
    return value


def kept(name: str, load):
    """`load()` once per generation, for values that follow from organisations (the site's identity)."""
    return _kept(f"{name}:{generation()}", load)


def memberships(user) -> list:
    """The user's memberships with their organisations (what `access` decides from)."""
    from .models import Membership

    return _kept(
        f"roles:{generation()}:{user.pk}",
        lambda: list(Membership.objects.filter(user=user).select_related("org")),
    )


def organisation(code: str):
    """The organisation with this code, or None (who may see it is access.py's question)."""
    from .models import Organisation

    key = f"org:{generation()}:{hashlib.sha256(code.encode()).hexdigest()}"
    return _kept(key, Organisation.objects.filter(code=code).first)


def _kept(key: str, load):
    """`load()` once per generation: in this process's memory (the key names the generation, so a
    change starts afresh), else from the shared cache, else the database. None is not kept."""
    value = caches["pages"].get(key)
    if value is None:
        value = cache.get(key)
        if value is None:
            value = load()
            if value is None:
                return None
            cache.set(key, value, TTL)
        caches["pages"].set(key, value, TTL)
    return value


def changed() -> None:
    """Call after writing memberships or organisations without model signals (bulk writes, moves)."""
    _new_generation()
    transaction.on_commit(_new_generation)


def _new_generation() -> None:
    cache.set(GEN_KEY, secrets.token_hex(8), None)
    _request.generation = None  # this request reads its own change


def _request_started(**kwargs) -> None:
    _request.active, _request.generation = True, None


def _request_finished(**kwargs) -> None:
    _request.active, _request.generation = False, None


def _saved(sender, **kwargs) -> None:
    changed()


def connect_signals() -> None:
    from django.core.signals import request_finished, request_started
    from django.db.models.signals import post_delete, post_save

    from .models import Membership, Organisation

    request_started.connect(_request_started, dispatch_uid="roles_cache_request_started")
    request_finished.connect(_request_finished, dispatch_uid="roles_cache_request_finished")
    for model in (Membership, Organisation):
        post_save.connect(_saved, sender=model, dispatch_uid=f"roles_cache_{model.__name__}_saved")
        post_delete.connect(_saved, sender=model, dispatch_uid=f"roles_cache_{model.__name__}_deleted")
