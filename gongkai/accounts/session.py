"""Session lifetime (SECURITY.md 9): the idle timeout is SESSION_COOKIE_AGE, kept alive by touching
the session at most once every SESSION_TOUCH_SECONDS (so a read request writes nothing), and
SESSION_ABSOLUTE_SECONDS caps the total whatever the activity."""

import time

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils.cache import patch_cache_control

KEY = "gongkai_login_at"
TOUCHED = "gongkai_touched_at"


@receiver(user_logged_in)
def _stamp_login(sender, request, user, **kwargs):
    request.session[KEY] = request.session[TOUCHED] = int(time.time())


class AbsoluteSessionLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            started = request.session.get(KEY)
            if started is None or now - started > settings.SESSION_ABSOLUTE_SECONDS:
                logout(request)
            elif now - request.session.get(TOUCHED, 0) >= settings.SESSION_TOUCH_SECONDS:
                # Modifying the session saves it and renews the cookie's idle expiry.
                request.session[TOUCHED] = now
        return self.get_response(request)


class PrivatePagesMiddleware:
    """Pages for a signed-in user may show personal data unmasked (handlers' case pages, applicants'
    names): no browser or proxy cache keeps them (Cache-Control: no-store)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response
