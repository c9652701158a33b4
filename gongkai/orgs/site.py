"""The site's identity (issue 14), read on every page: its name, the host organisation (主办单位) with
its address and phone, and the organiser (承办). Data the office edits (orgs.SiteProfile, set up by the
superuser), never settings: a new office's database shows a neutral name and no host until then.

Read from the shared cache, not the database, on every request: under a key that carries the roles
cache's generation (it changes with every organisation write, so the host's new address shows) and
this module's own generation (changed when the profile is saved, at once and again at commit). Both
live in the cache every worker shares, so the next request to any worker sees a change; the key is
also the version base.html's cached chrome is keyed by."""

import secrets

from django.core.cache import cache
from django.db import transaction
from django.utils.translation import gettext as _

from . import roles_cache

GEN_KEY = "site:gen"
TTL = 600


def _generation() -> str:
    value = cache.get(GEN_KEY)
    if value is None:
        cache.add(GEN_KEY, secrets.token_hex(8), None)
        value = cache.get(GEN_KEY)
    return value


def _load() -> dict:
    from .models import SiteProfile

    profile = SiteProfile.objects.select_related("host").filter(pk=1).first()
    if profile is None:
        return {"configured": False}
    host = profile.host
    return {
        "configured": True,
        "name": profile.name,
        "host_name": host.name,
        "host_short_name": host.short_name or host.name,
        "organiser": profile.organiser,
        "address": host.address,
        "phone": host.phone,
    }


def info() -> dict:
    """The profile as plain values (`configured` False when there is none yet) and `version`."""
    key = f"site:{roles_cache.generation()}:{_generation()}"
    data = cache.get(key)
    if data is None:
        data = {**_load(), "version": key.replace(":", "-")}
        cache.set(key, data, TTL)
    return data


def name(data: dict | None = None) -> str:
    """The site's name in the active language: the profile's, else one made from the host's name,
    else the neutral 党务公开网."""
    data = info() if data is None else data
    if not data.get("configured"):
        return _("党务公开网")
    return data["name"] or _("%(host)s党务公开网") % {"host": data["host_short_name"]}


def changed() -> None:
    """Call after the profile is written (the model's signals call it)."""
    cache.set(GEN_KEY, secrets.token_hex(8), None)
    transaction.on_commit(lambda: cache.set(GEN_KEY, secrets.token_hex(8), None))


def _saved(sender, **kwargs) -> None:
    changed()


def connect_signals() -> None:
    from django.db.models.signals import post_delete, post_save

    from .models import SiteProfile

    post_save.connect(_saved, sender=SiteProfile, dispatch_uid="site_profile_saved")
    post_delete.connect(_saved, sender=SiteProfile, dispatch_uid="site_profile_deleted")
