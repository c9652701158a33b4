"""Account changes: second-factor enrolment and verification, recovery codes, password change.
Each runs in one transaction and writes its audit entry there."""

import django_otp
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from gongkai.audit.log import record

RECOVERY_CODES = 10
TOTP_NAME = "authenticator"
RECOVERY_NAME = "recovery"


def start_enrolment(user) -> TOTPDevice:
    """The user's unconfirmed authenticator (a new random key the first time)."""
    with transaction.atomic():
        device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)
    return device


def confirm_enrolment(request, token: str) -> list[str] | None:
    """Confirm the started authenticator with a code it shows; replaces any earlier one and issues fresh
    recovery codes (returned, shown once). None when the code is wrong."""
    user = request.user
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).first()
        if device is None:
            return None
        if not device.verify_token(_digits(token)):
            record(action="account.second_factor_failed", actor=user, obj=user, result="failed")
            return None
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        codes = _replace_recovery_codes(user)
        record(action="account.second_factor_enrolled", actor=user, obj=user)
    django_otp.login(request, device)
    return codes


def verify_second_factor(request, token: str) -> bool:
    """A code from the authenticator or an unused recovery code (spent by this use)."""
    user = request.user
    token = token.strip().replace(" ", "").lower()
    with transaction.atomic():
        device = django_otp.match_token(user, token)
        if device is None:
            record(action="account.second_factor_failed", actor=user, obj=user, result="failed")
            return False
        data = {"method": "recovery_code" if isinstance(device, StaticDevice) else "authenticator"}
        if isinstance(device, StaticDevice):
            data["recovery_codes_left"] = device.token_set.count()
        record(action="account.second_factor_verified", actor=user, obj=user, data=data)
    django_otp.login(request, device)
    return True


def new_recovery_codes(user) -> list[str]:
    """Fresh recovery codes; the earlier ones stop working."""
    with transaction.atomic():
        codes = _replace_recovery_codes(user)
        record(action="account.recovery_codes_renewed", actor=user, obj=user)
    return codes


def reset_second_factor(user, *, by=None) -> None:
    """An administrator's reset for a lost phone: the user enrols again at the next login."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        record(action="account.second_factor_reset", actor=by, obj=user)


def change_password(request, old: str, new: str) -> None:
    """Raises ValidationError (old password wrong, or the new one refused by the validators)."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    user = request.user
    if not user.check_password(old):
        raise ValidationError(_("原密码不正确。"), code="password_incorrect")
    validate_password(new, user)
    with transaction.atomic():
        user.set_password(new)
        user.save(update_fields=["password"])
        record(action="account.password_changed", actor=user, obj=user)
    update_session_auth_hash(request, user)  # this session stays; every other session of the user ends


def _replace_recovery_codes(user) -> list[str]:
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def _digits(token: str) -> str:
    return "".join(c for c in token if c.isdigit())
