"""The anonymous page cache for boards and item pages: any state change of an organisation's items
invalidates it, and no entry outlives the next moment an item concerned goes public or expires, so a
cached page is never stale (R9, R10). Only anonymous requests are cached: what the public sees is
the same for everyone; logged-in pages depend on the viewer and are never cached.

Two levels, so that several worker processes stay correct and hits stay cheap (issue 13.5): the
generation lives in the shared cache (Redis, or files every worker reads) and is read on every
request; the rendered pages live in each process's memory under keys that carry the generation, so
a change made through any worker makes every worker's old pages unreachable at once.

Logged-in readers (and anonymous ones when the whole-page cache is off) get the page's body from
`body()`: cached per audience class (access.audience: everyone of one class reads exactly the same
of an organisation), generation and language, with only the personal parts (header, account,
messages) built around it for each request (issue 17.2)."""

import secrets

from django.conf import settings
from django.core.cache import cache, caches
from django.db import transaction
from django.http import HttpResponse
from django.utils.translation import get_language

from gongkai.lib import generations

MAX_SECONDS = 60


def _generation(org_id) -> str:
    """The current generation of `org_id`'s pages. A fresh random value each time it is changed or
    found missing (an evicted key never brings an older generation, and its pages, back)."""
    return generations.current(f"board:gen:{org_id}")


def _key(request, org_id) -> str:
    # Read once per request, before the page is built: if a change commits while it is being built,
    # the page is stored under the old generation and never served.
    key = getattr(request, "_board_cache_key", None)
    if key is None:
        # The path is hashed: a query string of any length makes a key of fixed length.
        path = generations.request_key(request)
        key = f"page:{org_id}:{_generation(org_id)}:{get_language()}:{path}"
        request._board_cache_key = key
    return key


def invalidate(org_id) -> None:
    """Called on every item state change of the organisation; lists across organisations too.

    The generation is in the cache every worker process shares, so the next request to any worker
    sees the change (issue 13.5). A new random value, not a counter: two workers invalidating at once
    cannot both land on the same value."""
    for key in (f"board:gen:{org_id}", f"board:gen:{ALL}"):
        cache.set(key, secrets.token_hex(8), None)


ALL = "all"  # the key of pages that list items of every organisation (the items API)


def _enabled(request) -> bool:
    # A pending one-time message (cookie storage for anonymous visitors) makes the page personal.
    return (
        settings.ANONYMOUS_PAGE_CACHE
        and not request.user.is_authenticated
        and settings.MESSAGE_COOKIE_NAME not in request.COOKIES
    )


def _seconds(now, moments) -> int:
    """Until the earliest of `moments` still ahead, at most MAX_SECONDS."""
    seconds = MAX_SECONDS
    for moment in moments:
        if moment is not None and moment > now:
            seconds = min(seconds, int((moment - now).total_seconds()))
    return seconds


def _request_generation(request) -> str:
    # Read once per request, before anything is checked or built: a change committed meanwhile
    # orphans what the request stores.
    generation = getattr(request, "_body_generation", None)
    if generation is None:
        generation = request._body_generation = _generation(ALL)
    return generation


def _body_key(request, audience: str) -> str:
    path = generations.request_key(request)
    return f"body:{_request_generation(request)}:{audience}:{get_language()}:{path}"


def frame(request, pk, load):
    """An item page's frame (what decides its audience class, and its title), `load()`ed once per
    generation. Not a visibility answer: only a key to look the body up by."""
    key = f"frame:{_request_generation(request)}:{pk}"
    found = caches["pages"].get(key)
    if found is None:
        found = load()
        if found is not None:
            caches["pages"].set(key, found, MAX_SECONDS)
    return found


def cached_body(request, audience: str) -> str | None:
    """The body already built for `audience`, if any. A body is stored only after the page's access
    check let a reader of that class in, and lives no longer than that answer: the generation (any
    state change) and the next visibility moment end it. So a hit is the check's own answer for every
    reader of the class (access.audience), and the page may skip asking again."""
    return caches["pages"].get(_body_key(request, audience))


def body(request, audience: str, now, build, moments) -> str:
    """The page's body for every reader of `audience`: `build()` once per generation, kept until the
    earliest of `moments()` still ahead (a visibility moment changes what the class reads)."""
    key = _body_key(request, audience)
    html = caches["pages"].get(key)
    if html is None:
        html = build()
        seconds = _seconds(now, moments())
        if seconds > 0:
            caches["pages"].set(key, html, seconds)
    return html


def get(request, org_id):
    if not _enabled(request):
        return None
    hit = caches["pages"].get(_key(request, org_id))
    if hit is None:
        return None
    content, content_type = hit
    return HttpResponse(content, content_type=content_type)


def put(request, org_id, response, now, moments) -> None:
    """Cache until the earliest of `moments()` still ahead (at most MAX_SECONDS)."""
    if not _enabled(request) or response.status_code != 200:
        return
    seconds = _seconds(now, moments())
    if seconds > 0:
        caches["pages"].set(_key(request, org_id), (response.content, response["Content-Type"]), seconds)


def board_moments(org, now) -> list:
    """When the next item of the board goes public or expires."""
    return _moments(now, org=org)


def all_moments(now) -> list:
    """When the next item of any organisation goes public or expires (indexed columns)."""
    return _moments(now)


def _moments(now, **filters) -> list:
    from .models import DisclosureItem, State

    published = DisclosureItem.objects.filter(state=State.PUBLISHED, **filters)
    # One index range scan each (ORDER BY … LIMIT 1), not an aggregate over every row.
    return [
        published.filter(**{f"{field}__gt": now}).order_by(field).values_list(field, flat=True).first()
        for field in ("public_from", "expires_at")
    ]


def _organisation_saved(sender, instance, **kwargs):
    # A renamed or hidden organisation changes public pages without any item changing state.
    invalidate(instance.pk)


def _site_profile_saved(sender, **kwargs):
    # The site's name, host and address are in every page's header and footer (issue 14).
    invalidate(ALL)
    transaction.on_commit(lambda: invalidate(ALL))


def connect_signals() -> None:
    from django.db.models.signals import post_delete, post_save

    from gongkai.orgs.models import Organisation, SiteProfile

    post_save.connect(_organisation_saved, sender=Organisation, dispatch_uid="board_cache_org_saved")
    post_delete.connect(_organisation_saved, sender=Organisation, dispatch_uid="board_cache_org_deleted")
    post_save.connect(_site_profile_saved, sender=SiteProfile, dispatch_uid="board_cache_site_saved")
    post_delete.connect(_site_profile_saved, sender=SiteProfile, dispatch_uid="board_cache_site_deleted")
