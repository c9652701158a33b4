"""Absolute session lifetime (SECURITY.md 9): idle timeout is SESSION_COOKIE_AGE; this caps the total."""

import time

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

KEY = "gongkai_login_at"


@receiver(user_logged_in)
def _stamp_login(sender, request, user, **kwargs):
    request.session[KEY] = int(time.time())


class AbsoluteSessionLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            started = request.session.get(KEY)
            if started is None or time.time() - started > settings.SESSION_ABSOLUTE_SECONDS:
                logout(request)
        return self.get_response(request)
