"""Logins, failed logins, lockouts and logouts go into the chain (security bar 10). Never the password,
and never a name typed at a failed login unless it is an existing account (it may be a password)."""

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from .log import record, user_org_path


def _known_user(credentials):
    username = (credentials or {}).get("username") or ""
    if not username:
        return None
    return get_user_model().objects.filter(username=username).first()


@receiver(user_logged_in, dispatch_uid="audit_login")
def on_login(sender, request, user, **kwargs):
    record(action="auth.login", actor=user, org_path=user_org_path(user))


@receiver(user_logged_out, dispatch_uid="audit_logout")
def on_logout(sender, request, user, **kwargs):
    if user is not None:
        record(action="auth.logout", actor=user, org_path=user_org_path(user))


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def on_login_failed(sender, credentials, request=None, **kwargs):
    user = _known_user(credentials)
    record(
        action="auth.login_failed",
        obj=user,
        result="failed",
        data={"known_account": user is not None},
    )


@receiver(user_locked_out, dispatch_uid="audit_locked_out")
def on_locked_out(sender, request, username=None, ip_address=None, **kwargs):
    user = _known_user({"username": username})
    record(action="auth.locked_out", obj=user, result="denied", data={"known_account": user is not None})
