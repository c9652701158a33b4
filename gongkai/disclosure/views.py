"""Public and members' pages of disclosure items: the board (公开栏), item detail, downloads."""

from itertools import groupby
from operator import itemgetter

from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from gongkai import access
from gongkai.catalogue.models import Category, Scope
from gongkai.lib import filetypes
from gongkai.lib.urls import url_maker

from . import board_cache
from .models import Attachment, DisclosureItem, ItemEvent, State


def _board_rows(user, org, now) -> list[tuple[str, list[dict]]]:
    """The board's current items by category, as the columns it shows: each row's link and date made
    in Python, not by a reversal and a date filter per row (issue 17.3)."""
    rows = (
        access.visible_items(user, now)
        .current(now)
        .filter(org=org)
        .order_by("category", "-published_at")
        .values("pk", "category", "title", "scope", "public_from", "version", "published_at")[:500]
    )
    url = url_maker("disclosure:detail")
    labels = dict(Category.choices)
    groups = []
    for category, items in groupby(rows, key=itemgetter("category")):
        items = list(items)
        for row in items:
            row["url"] = url(row["pk"])
            row["date"] = _day(row["published_at"])
            row["inside"] = row["scope"] != Scope.PUBLIC or row["public_from"] > now
        groups.append((labels[category], items))
    return groups


def _day(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d") if moment else ""


def board(request, code):
    """R27: the organisation's board: current items by category, scope badges, change notices."""
    cached = board_cache.get(request, board_cache.ALL)  # see detail(): exact for anonymous visitors
    if cached is not None:
        return cached
    org = access.get_org_or_404(request.user, code)
    now = timezone.now()

    def build():
        notices = access.visible_notices(request.user, now).filter(org=org).order_by("-ended_at")[:10]
        context = {"org": org, "groups": _board_rows(request.user, org, now), "notices": notices, "now": now}
        return render_to_string("disclosure/_board_body.html", context)

    moments = lambda: board_cache.board_moments(org, now)  # noqa: E731
    body = board_cache.body(request, access.audience(request.user, org), now, build, moments)
    response = render(request, "disclosure/board.html", {"org": org, "body": mark_safe(body)})
    board_cache.put(request, board_cache.ALL, response, now, moments)
    return response


def detail(request, pk):
    # Anonymous pages are cached under the all-organisations generation: any state change anywhere
    # drops them, and each lives no longer than its item's next visibility moment, so a cached page
    # is exactly what the access check would serve now.
    cached = board_cache.get(request, board_cache.ALL)
    if cached is not None:
        return cached
    # A reader whose audience class already has this page's body was let in by the check below (see
    # board_cache.cached_body): the frame is read by key alone, and the check is not compiled again.
    frame = board_cache.frame(
        request,
        pk,
        lambda: DisclosureItem.objects.select_related("org").only(*_FRAME_FIELDS).filter(pk=pk).first(),
    )
    if frame is not None:
        body = board_cache.cached_body(request, access.audience(request.user, frame.org))
        if body is not None:
            response = render(request, "disclosure/detail.html", {"item": frame, "body": mark_safe(body)})
            moments = [frame.public_from, frame.expires_at]
            board_cache.put(request, board_cache.ALL, response, timezone.now(), lambda: moments)
            return response
    try:  # not yet a denial: an ended item's link may still be the user's (below)
        # Only what the page's frame needs: the body comes from the audience-class cache, or build().
        item = access.get_or_404(
            access.visible_items(request.user).select_related("org").only(*_FRAME_FIELDS), pk=pk
        )
    except Http404:
        return _ended(request, pk)
    now = timezone.now()

    def build():
        full = DisclosureItem.objects.select_related("org", "catalogue_item").get(pk=item.pk)
        staff = access.can(request.user, "item.view_staff", full)
        context = {
            "item": full,
            "attachments": access.visible_attachments(request.user, full),
            "events": ItemEvent.objects.filter(item=full).select_related("actor") if staff else None,
            "staff": staff,
            "now": now,
            "newer": _current_version(request.user, full) if full.state == State.SUPERSEDED else None,
        }
        return render_to_string("disclosure/_detail_body.html", context)

    moments = lambda: [item.public_from, item.expires_at]  # noqa: E731
    body = board_cache.body(request, access.audience(request.user, item.org), now, build, moments)
    response = render(request, "disclosure/detail.html", {"item": item, "body": mark_safe(body)})
    board_cache.put(request, board_cache.ALL, response, now, moments)
    return response


# The item page's frame: its title, and what decides the audience class and the cache's lifetime.
_FRAME_FIELDS = ("title", "state", "public_from", "expires_at", "org__path", "org__code", "org__name")


def _current_version(user, item):
    """The newest version the same reader may open, following the chain of changes (R11)."""
    visible = access.visible_items(user)
    newer = None
    for _hop in range(20):
        item = DisclosureItem.objects.filter(supersedes=item).only("pk", "supersedes").first()
        if item is None:
            break
        if visible.filter(pk=item.pk).exists():
            newer = item
    return newer


def _ended(request, pk):
    """Issue 16.2: a changed, revoked or terminated item's printed link (QR codes) keeps working for
    the audience it had: a superseded version points to the current one, an ended one says why."""
    item = access.get_item_or_404(
        request.user, pk, access.visible_notices(request.user).select_related("org", "catalogue_item")
    )
    newer = _current_version(request.user, item) if item.state == State.SUPERSEDED else None
    context = {"item": item, "attachments": [], "events": None, "staff": False, "now": timezone.now(),
               "newer": newer, "ended": True}  # fmt: skip
    body = mark_safe(render_to_string("disclosure/_detail_body.html", context))
    # Not cached: when the newer version goes public the link must appear at once.
    return render(request, "disclosure/detail.html", {"item": item, "body": body})


def download(request, pk, attachment_id):
    """Files only through here: access asked, always as a download, never rendered inline."""
    item = access.get_item_or_404(request.user, pk)
    try:
        attachment = Attachment.objects.select_related("item__org").get(pk=attachment_id, item=item)
    except (Attachment.DoesNotExist, ValueError):
        raise Http404 from None
    if not access.can_see_attachment(request.user, attachment):
        raise Http404
    response = FileResponse(
        default_storage.open(attachment.stored_name, "rb"),
        as_attachment=True,
        filename=filetypes.download_name(attachment.original_name, attachment.kind),
        content_type=filetypes.content_type(attachment.kind),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def member_area(request):
    """R28: internal items within the member's scopes (what the public cannot see)."""
    now = timezone.now()
    rows = []

    def build():
        rows.extend(
            access.visible_items(request.user, now)
            .current(now)
            .exclude(scope=Scope.PUBLIC, public_from__lte=now)
            .order_by("-published_at")
            .values("pk", "title", "scope", "org__name", "published_at", "public_from", "expires_at")[:100]
        )
        url, scopes = url_maker("disclosure:detail"), dict(Scope.choices)
        for row in rows:
            row.update(url=url(row["pk"]), date=_day(row["published_at"]), scope_label=scopes[row["scope"]])
        return render_to_string("disclosure/_member_body.html", {"items": rows})

    def moments():  # an item leaves the list when it goes public or expires
        return [m for row in rows for m in (row["public_from"], row["expires_at"])]

    body = board_cache.body(request, access.reader_class(request.user), now, build, moments)
    return render(request, "disclosure/member.html", {"body": mark_safe(body)})
