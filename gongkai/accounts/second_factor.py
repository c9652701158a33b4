"""SECURITY.md 7: every staff account proves a second factor (TOTP, or a recovery code) before any
page. Members and the public sign in with a password alone."""

import segno
from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from gongkai import access

# Pages an unverified staff user may still open: the second-factor pages, logout and the language switch.
_OPEN_PREFIXES = ("/accounts/second-factor/", "/accounts/logout/", "/lang/", "/api/")


def needs_second_factor(user) -> bool:
    """Staff roles (any of them) and superusers must verify a second factor."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or access.is_staff(user)


def is_verified(user) -> bool:
    return bool(getattr(user, "is_verified", None) and user.is_verified())


class StaffSecondFactorMiddleware:
    """After django-otp's OTPMiddleware: an unverified staff session is sent to verification, or to
    enrolment when the user has no confirmed device yet. The API authenticates with tokens, not sessions."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        static = settings.STATIC_URL
        if (
            not path.startswith(_OPEN_PREFIXES)
            and not path.startswith(static)
            and needs_second_factor(request.user)
            and not is_verified(request.user)
        ):
            name = "accounts:second_factor" if user_has_device(request.user) else "accounts:enrol"
            return redirect(f"{reverse(name)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)


def qr_svg(device: TOTPDevice) -> str:
    """The enrolment QR code (otpauth:// URL) as inline SVG."""
    return segno.make(device.config_url, error="m").svg_inline(omitsize=True, dark="#000", light="#fff")


def base32_secret(device: TOTPDevice) -> str:
    """The key as authenticator apps accept it by hand, in groups of four."""
    from base64 import b32encode

    raw = b32encode(device.bin_key).decode()
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))
