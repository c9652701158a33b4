"""The site's identity (issue 14), read on every page: its name, the host organisation (主办单位) with
its address and phone, and the organiser (承办). Data the office edits (orgs.SiteProfile, set up by the
superuser), never settings: a new office's database shows a neutral name and no host until then.

Kept under the roles cache's generation (roles_cache.kept), which every organisation write changes (so
the host's new address shows) and a profile write changes too: the next request to any worker sees a
change, and reading it costs no query and no extra read of the shared cache. The generation is also
the version base.html's cached chrome is keyed by."""

from django.utils.translation import gettext as _

from . import roles_cache


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
    return roles_cache.kept("site", lambda: {**_load(), "version": roles_cache.generation()})


def name(data: dict | None = None) -> str:
    """The site's name in the active language: the profile's, else one made from the host's name,
    else the neutral 党务公开网."""
    data = info() if data is None else data
    if not data.get("configured"):
        return _("党务公开网")
    return data["name"] or _("%(host)s党务公开网") % {"host": data["host_short_name"]}


def _saved(sender, **kwargs) -> None:
    roles_cache.changed()


def connect_signals() -> None:
    from django.db.models.signals import post_delete, post_save

    from .models import SiteProfile

    post_save.connect(_saved, sender=SiteProfile, dispatch_uid="site_profile_saved")
    post_delete.connect(_saved, sender=SiteProfile, dispatch_uid="site_profile_deleted")
