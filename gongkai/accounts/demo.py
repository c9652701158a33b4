"""Demo only (GONGKAI_DEMO_SECOND_FACTOR, on with DEBUG, refused in production): the demo's staff
logins share one published TOTP key, so the demo can be tried without enrolling a phone."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django_otp.plugins.otp_totp.models import TOTPDevice

from gongkai.accounts.second_factor import needs_second_factor

# Base32 M5XW 4Z3L MFUS 2ZDF NVXS 2MTG MEWW WZLZ, printed in the README.
DEMO_TOTP_KEY = b"gongkai-demo-2fa-key".hex()


def load() -> None:
    if not settings.DEMO_SECOND_FACTOR:
        return
    # Every staff login of the demo (accounts sits below orgs: no list of names from there).
    for user in get_user_model().objects.filter(is_active=True).iterator():
        if needs_second_factor(user):
            TOTPDevice.objects.update_or_create(
                user=user, name="demo", defaults={"key": DEMO_TOTP_KEY, "confirmed": True}
            )
