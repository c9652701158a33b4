"""SECURITY.md 7: every staff account proves a second factor (TOTP, or a recovery code) before any
page. Members and the public sign in with a password alone."""

import segno
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django_otp import user_has_device
from django_otp.middleware import OTPMiddleware
from django_otp.models import Device
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


DEVICE_TTL = 600


def _device_key(persistent_id: str) -> str:
    return f"otp:device:{persistent_id}"


class CachedOTPMiddleware(OTPMiddleware):
    """django-otp's middleware, with the session's verified device read from the shared cache instead
    of a query on every staff request (issue 17.1). Any save or deletion of a device drops it, at once
    and again at commit: a removed or reset device stops verifying on every worker's next request."""

    def _device_from_persistent_id(self, persistent_id: str):
        key = _device_key(persistent_id)
        device = cache.get(key)
        if device is None:
            device = super()._device_from_persistent_id(persistent_id) or False
            cache.set(key, device, DEVICE_TTL)
        return device or None


def _forget_device(sender, instance, **kwargs) -> None:
    key = _device_key(instance.persistent_id)
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))


def connect_signals() -> None:
    from django.apps import apps
    from django.db.models.signals import post_delete, post_save

    for model in apps.get_models():  # every kind of device (TOTP, recovery codes)
        if issubclass(model, Device):
            post_save.connect(_forget_device, sender=model, dispatch_uid=f"otp_saved_{model._meta.label}")
            post_delete.connect(_forget_device, sender=model, dispatch_uid=f"otp_deleted_{model._meta.label}")


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
