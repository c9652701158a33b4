from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.password_validation import password_validators_help_texts
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django_otp import user_has_device
from django_otp.plugins.otp_static.models import StaticToken

from gongkai import access

from . import actions
from .second_factor import base32_secret, is_verified, needs_second_factor, qr_svg


class SetupView(auth_views.PasswordResetConfirmView):
    """R2: the one-time link an administrator hands over; the password rules are shown before typing."""

    template_name = "accounts/setup.html"
    success_url = reverse_lazy("accounts:setup_done")

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "help_texts": password_validators_help_texts()}


class LoginForm(AuthenticationForm):
    # One message for a wrong name and a wrong password: it must not reveal which accounts exist.
    error_messages = {
        "invalid_login": gettext_lazy("用户名或密码不正确，请重新输入。多次失败后账户将被暂时锁定。"),
        "inactive": gettext_lazy("用户名或密码不正确，请重新输入。多次失败后账户将被暂时锁定。"),
    }


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        """Issue 16: staff land on their workbench, members and others on the front page."""
        if access.is_staff(self.request.user):
            return reverse("workbench:home")
        return super().get_default_redirect_url()


def locked_out(request, credentials=None, *args, **kwargs):
    """Shown by django-axes after too many failures, for existing and unknown names alike."""
    from .lockout import cool_off

    minutes = max(1, round(cool_off(request).total_seconds() / 60))
    messages.error(request, _("登录失败次数过多，请 %(m)s 分钟后再试，或联系管理员。") % {"m": minutes})
    return render(request, "accounts/login.html", {"form": LoginForm(request), "locked": True}, status=429)


def _next(request, default="workbench:home"):  # these pages are for staff, who land on the workbench
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return resolve_url(default) if default else ""


@never_cache
@login_required
def second_factor(request):
    """Step two of a staff login: a code from the authenticator, or a recovery code."""
    if not user_has_device(request.user):
        return redirect("accounts:enrol")
    if is_verified(request.user):
        return redirect(_next(request))
    error = ""
    if request.method == "POST":
        if actions.verify_second_factor(request, request.POST.get("token", "")):
            return redirect(_next(request))
        error = _("验证码不正确或已过期，请重新输入。")
    return render(request, "accounts/second_factor.html", {"error": error, "next": _next(request, "")})


@never_cache
@login_required
def enrol(request):
    """Set up the authenticator: scan the QR code, type the code it shows, keep the recovery codes."""
    if user_has_device(request.user) and not is_verified(request.user):
        return redirect("accounts:second_factor")
    device = actions.start_enrolment(request.user)
    error = ""
    if request.method == "POST":
        codes = actions.confirm_enrolment(request, request.POST.get("token", ""))
        if codes is not None:
            return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": _next(request)})
        error = _("验证码不正确，请核对手机时间后重新输入。")
    context = {
        "qr": qr_svg(device),
        "secret": base32_secret(device),
        "error": error,
        "next": _next(request, ""),
        "replacing": user_has_device(request.user),
    }
    return render(request, "accounts/enrol.html", context)


@never_cache
@login_required
def security(request):
    """The user's own account security: password, second factor and recovery codes."""
    if request.method == "POST" and request.POST.get("renew") and is_verified(request.user):
        codes = actions.new_recovery_codes(request.user)
        return render(
            request,
            "accounts/recovery_codes.html",
            {"codes": codes, "next": resolve_url("accounts:security")},
        )
    left = StaticToken.objects.filter(device__user=request.user).count()
    context = {
        "needs_second_factor": needs_second_factor(request.user),
        "verified": is_verified(request.user),
        "enrolled": user_has_device(request.user),
        "recovery_left": left,
    }
    return render(request, "accounts/security.html", context)


@never_cache
@login_required
def password_change(request):
    errors: list[str] = []
    if request.method == "POST":
        old, new, again = (request.POST.get(k, "") for k in ("old_password", "new_password", "new_password2"))
        if new != again:
            errors = [_("两次输入的新密码不一致。")]
        else:
            try:
                actions.change_password(request, old, new)
            except ValidationError as exc:
                errors = list(exc.messages)
            else:
                messages.success(request, _("密码已修改。其他设备上的登录已失效。"))
                return redirect("accounts:security")
    return render(
        request,
        "accounts/password_change.html",
        {"errors": errors, "help_texts": password_validators_help_texts()},
    )
