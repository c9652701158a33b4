"""The anonymous board cache: publication invalidates it, and no entry outlives the next moment an
item of the board goes public or expires, so a cached page is never stale (R9, R10)."""

from django.core.cache import cache
from django.db.models import Min, Q
from django.http import HttpResponse
from django.utils.translation import get_language

MAX_SECONDS = 60


def _generation(org_id: int) -> int:
    return cache.get(f"board:gen:{org_id}", 0)


def _key(request, org) -> str:
    return f"board:{org.pk}:{_generation(org.pk)}:{get_language()}:{request.get_full_path()}"


def invalidate(org_id: int) -> None:
    """Called on every item state change of the organisation."""
    try:
        cache.incr(f"board:gen:{org_id}")
    except ValueError:
        cache.set(f"board:gen:{org_id}", 1, None)


def get(request, org):
    if request.user.is_authenticated:
        return None
    hit = cache.get(_key(request, org))
    if hit is None:
        return None
    content, content_type = hit
    return HttpResponse(content, content_type=content_type)


def put(request, org, response, items, now) -> None:
    if request.user.is_authenticated or response.status_code != 200:
        return
    from .models import DisclosureItem, State

    upcoming = DisclosureItem.objects.filter(org=org, state=State.PUBLISHED).aggregate(
        public=Min("public_from", filter=Q(public_from__gt=now)),
        expires=Min("expires_at", filter=Q(expires_at__gt=now)),
    )
    seconds = MAX_SECONDS
    for moment in upcoming.values():
        if moment is not None:
            seconds = min(seconds, int((moment - now).total_seconds()))
    if seconds > 0:
        cache.set(_key(request, org), (response.content, response["Content-Type"]), seconds)
