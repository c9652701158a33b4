"""The board on a screen (电子公开栏, R36): full screen, large type, rotating full texts with QR codes,
notices and commitments; no login, no navigation. The page refreshes itself through a static script
that keeps what it shows when the network drops and clears it when the screen is revoked."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongkai import access
from gongkai.oversight.models import Commitment

from . import actions
from .forms import ScreenForm
from .models import BoardScreen

REFRESH_SECONDS = 60
SLIDE_SECONDS = 20


def _render(request, org, items, notices, audience):
    response = render(
        request,
        "reports/screen.html",
        {
            "org": org,
            "items": list(items.order_by("category", "-published_at")[:60]),
            "notices": list(notices.order_by("-ended_at")[:5]),
            "commitments": list(Commitment.objects.published().filter(org=org)),
            "audience": audience,
            "now": timezone.now(),
            "refresh": REFRESH_SECONDS,
            "slide": SLIDE_SECONDS,
        },
    )
    # The members' board must never sit in a shared cache, a history or a referrer.
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def public_screen(request, code):
    """The public board on a screen: no token, the same as the public board outside."""
    org = access.get_org_or_404(request.user, code)
    items = access.board_audience_items(None, org, access.BOARD_PUBLIC)
    return _render(request, org, items, access.board_audience_notices(org, access.BOARD_PUBLIC), "public")


def token_screen(request, token):
    screen = access.screen_for_token(token)
    if screen is None:
        raise Http404
    return _render(
        request,
        screen.org,
        access.screen_items(screen),
        access.board_audience_notices(screen.org, screen.audience),
        screen.audience,
    )


@login_required
def screens(request, code):
    """Staff set up the organisation's screens; a new token is shown once, here."""
    org = access.get_org_or_404(request.user, code)
    if not access.can(request.user, "screen.manage", org):
        raise Http404
    form = ScreenForm(request.POST or None)
    new_url = None
    if request.method == "POST" and form.is_valid():
        try:
            screen, token = actions.create_screen(org, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            new_url = request.build_absolute_uri(reverse("boards:token_screen", args=[token]))
            messages.success(request, _("屏幕已设置。请在屏幕的浏览器中打开下面的地址；地址只显示这一次。"))
            form = ScreenForm()
    response = render(
        request,
        "reports/screens.html",
        {
            "org": org,
            "screens": BoardScreen.objects.filter(org=org),
            "form": form,
            "new_url": new_url,
            "public_url": request.build_absolute_uri(reverse("boards:screen", args=[org.code])),
        },
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def screen_action(request, code, pk, action):
    org = access.get_org_or_404(request.user, code)
    if not access.can(request.user, "screen.manage", org):
        raise Http404
    screen = BoardScreen.objects.filter(org=org, pk=pk).first()
    if screen is None:
        raise Http404
    try:
        if action == "revoke":
            actions.revoke_screen(screen, by=request.user)
            messages.success(request, _("屏幕已停用，原地址立即失效。"))
        elif action == "shown":
            n = actions.record_screen_showing(screen, by=request.user, on=timezone.localdate())
            messages.success(request, _("已记录 %(n)s 个事项在电子公开栏展示。") % {"n": n})
        else:
            raise Http404
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect("reports:screens", org.code)
