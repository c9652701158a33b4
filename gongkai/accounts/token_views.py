"""The user's own API tokens: see them (name, issued, expiry, last use), issue one, revoke one."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from gongkai.lib import params

from .tokens import issue_token, revoke_token


class TokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("名称"), max_length=100, help_text=gettext_lazy("如：统计报送脚本")
    )
    days = params.IntegerField(label=gettext_lazy("有效天数"), min_value=1, max_value=365, initial=90)


@login_required
def tokens(request):
    form = TokenForm(request.POST or None, initial={"days": settings.API_TOKEN_DAYS})
    raw = None
    if request.method == "POST" and form.is_valid():
        raw = issue_token(
            request.user, name=form.cleaned_data["name"], days=form.cleaned_data["days"], by=request.user
        )
        form = TokenForm(initial={"days": settings.API_TOKEN_DAYS})
    response = render(
        request,
        "accounts/tokens.html",
        {"tokens": request.user.api_tokens.order_by("-created_at"), "form": form, "raw": raw},
    )
    response["Cache-Control"] = "no-store"  # a new token is shown once: never keep the page
    return response


@login_required
@require_POST
def revoke(request, pk):
    token = request.user.api_tokens.filter(pk=pk).first()
    if token is None:
        raise Http404
    if revoke_token(token, by=request.user):
        messages.success(request, _("令牌“%(name)s”已停用。") % {"name": token.name})
    return redirect("accounts:tokens")
