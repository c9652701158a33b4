"""The board on paper (公开栏, R27/R36): A4 or A3, the full text of every current item of the audience,
its 索引号, dates and QR code, the notices and the commitments; printing recorded as a carrier."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongkai import access
from gongkai.catalogue.models import Category

from . import actions
from .forms import PostingForm

SIZES = ("A4", "A3")
AUDIENCES = (access.BOARD_PUBLIC, access.BOARD_MEMBERS)


def _board(request, code):
    org = access.get_org_or_404(request.user, code)
    size = request.GET.get("size", "A4")
    audience = request.GET.get("audience", access.BOARD_PUBLIC)
    if size not in SIZES or audience not in AUDIENCES:
        raise Http404
    now = timezone.now()
    items = access.board_audience_items(request.user, org, audience, now)
    if items is None:
        raise Http404
    items = list(items.select_related("org").order_by("category", "-published_at")[:200])
    notices = access.board_audience_notices(org, audience, now).order_by("-ended_at")[:10]
    return org, size, audience, now, items, notices


def board_print(request, code):
    org, size, audience, now, items, notices = _board(request, code)
    groups = []
    for category in Category:
        in_category = [i for i in items if i.category == category.value]
        if in_category:
            groups.append((category.label, in_category))
    can_post = access.can(request.user, "board.record_posting", org)
    return render(
        request,
        "reports/board_print.html",
        {
            "org": org,
            "size": size,
            "audience": audience,
            "now": now,
            "groups": groups,
            "notices": notices,
            "count": len(items),
            "posting_form": PostingForm(initial={"on": timezone.localdate()}) if can_post else None,
            "sizes": SIZES,
        },
    )


@require_POST
def record_posting(request, code):
    """ "Posted on the board on …": a 公开栏 carrier for every item of the printed board (R36)."""
    org, size, audience, now, items, _notices = _board(request, code)
    if not access.can(request.user, "board.record_posting", org):
        raise Http404
    form = PostingForm(request.POST, request.FILES)
    back = reverse("boards:print", args=[org.code]) + f"?size={size}&audience={audience}"
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect(back)
    try:
        n = actions.record_board_posting(
            org, items, by=request.user, on=form.cleaned_data["on"], photo=form.cleaned_data["photo"]
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("已记录 %(n)s 个事项在公开栏张贴。") % {"n": n})
    return redirect(back)
