"""SECURITY.md 6: a growing wait for one (account name, client address) pair. Five failures wait one
minute; every further five within a day double the wait, up to 30 minutes. Other addresses, and so the
real user at their own desk, are not affected."""

from datetime import timedelta

from axes.models import AccessFailureLog
from django.conf import settings
from django.utils import timezone

from gongkai.lib.netaddr import client_address

FIRST_WAIT = timedelta(minutes=1)
LONGEST_WAIT = timedelta(minutes=30)
MEMORY = timedelta(hours=24)


def cool_off(request=None) -> timedelta:
    if request is None or not hasattr(request, "POST"):
        return LONGEST_WAIT  # clean-up without a request: keep attempts for the longest wait
    username = request.POST.get(settings.AXES_USERNAME_FORM_FIELD, "")
    failures = AccessFailureLog.objects.filter(
        username=username, ip_address=client_address(request), attempt_time__gte=timezone.now() - MEMORY
    ).count()
    lockouts = max(failures // max(settings.AXES_FAILURE_LIMIT, 1), 1)
    return min(FIRST_WAIT * 2 ** min(lockouts - 1, 10), LONGEST_WAIT)
