import logging
import uuid

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import requires_csrf_token

from gongkai import access
from gongkai.orgs.models import LeadingGroupMember, Level, SectorType
from gongkai.orgs.tree import nest

log = logging.getLogger("gongkai")


def home(request):
    orgs = access.visible_orgs(request.user).filter(depth__lte=2, closed_on__isnull=True).order_by("path")
    latest = (
        access.visible_items(AnonymousUser())  # the front page shows what the public may read
        .current()
        .select_related("org")
        .order_by("-published_at")[:10]
    )
    return render(
        request,
        "portal/home.html",
        {"top_orgs": orgs, "latest": latest, "can_edit_site": access.can_edit_site(request.user)},
    )


def guide(request):
    return render(request, "portal/guide.html", {"sector_types": SectorType.choices})


def org_directory(request):
    # R1: closed organisations leave the directory; their own pages stay (history, archive).
    orgs = list(access.visible_orgs(request.user).filter(closed_on__isnull=True).order_by("path"))
    return render(request, "portal/org_directory.html", {"tree": nest(orgs), "count": len(orgs)})


def org_detail(request, code):
    org = access.get_org_or_404(request.user, code)
    ancestors = list(access.visible_orgs(request.user).filter(path__in=org.ancestor_paths()).order_by("path"))
    children = (
        access.visible_orgs(request.user)
        .filter(org.subtree_q(), depth=org.depth + 1, closed_on__isnull=True)
        .order_by("path")
    )
    return render(
        request,
        "portal/org_detail.html",
        {
            "org": org,
            "ancestors": ancestors,
            "children": children,
            "Level": Level,
            "can_commit": access.can(request.user, "commitment.draft", org),
        },
    )


def leading_group(request):
    members = LeadingGroupMember.objects.select_related("committee", "office").order_by(
        "committee__path", "order"
    )
    return render(request, "portal/leading_group.html", {"members": members})


def hello(request):
    """H: the bare template view the benchmark (bench/run.sh) measures every page against."""
    return render(request, "portal/hello.html")


def not_found(request, exception=None):
    if request.path_info.startswith("/api/"):
        from gongkai.api.urls import json_error

        return json_error(_("未找到。"), 404)
    return render(request, "404.html", status=404)


@requires_csrf_token
def server_error(request):
    # R25 of the security bar: a generic page with an id that is also in the server log.
    error_id = uuid.uuid4().hex[:12]
    log.error("server error %s on %s", error_id, request.path)
    return render(request, "500.html", {"error_id": error_id}, status=500)


def set_lang(request, code):
    """Language switch by plain link (no form, so cached public pages carry no CSRF token)."""
    if code not in dict(settings.LANGUAGES):
        raise Http404
    next_url = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, require_https=request.is_secure()):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, code, max_age=365 * 24 * 3600, samesite="Lax")
    return response
