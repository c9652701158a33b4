"""notify(): an in-app notification, and an email once the caller's transaction commits."""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from gongkai.orgs.site import name as site_name

from .models import Notification

log = logging.getLogger("gongkai.notifications")


def _absolute(url: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{url}" if url.startswith("/") else url


def _send(user, title: str, body: str, url: str) -> None:
    text = body + (f"\n\n{_absolute(url)}" if url else "")
    try:
        send_mail(f"[{site_name()}] {title}", text, None, [user.email])
    except Exception:  # mail is a courtesy: the in-app notification already exists
        log.exception("email to user %s failed", user.pk)


def notify(
    user, title: str, body: str = "", url: str = "", *, email: bool = True, key: str = ""
) -> Notification | None:
    """Notify `user`; with `key`, at most once per (user, key) even if called twice at once.
    Returns None when a notification with that key already exists."""
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                user=user, title=title[:200], body=body, url=url[:500], key=key[:80]
            )
    except IntegrityError:
        if key:
            return None
        raise
    if email and user.email:
        transaction.on_commit(lambda: _send(user, title, body, url))
    return notification


def notify_on_commit(users, title: str, body: str = "", url: str = "", *, key: str = "", skip=None) -> None:
    """A hand-off (issue 16): each user (once, never `skip`, the one who acted) is told after the
    caller's transaction commits, so a refused or rolled-back action tells nobody."""
    recipients = {u.pk: u for u in users if u is not None and (skip is None or u.pk != skip.pk)}
    if not recipients:
        return

    def deliver():
        for user in recipients.values():
            notify(user, title, body, url, key=f"{key}:{user.pk}" if key else "")

    transaction.on_commit(deliver)


def email_on_commit(address: str, title: str, body: str = "", url: str = "") -> None:
    """A message to someone with no account (e.g. a complainant's e-mail contact), after commit."""

    def deliver():
        try:
            send_mail(
                f"[{site_name()}] {title}",
                body + (f"\n\n{_absolute(url)}" if url else ""),
                None,
                [address],
            )
        except Exception:  # a courtesy: the tracking page shows the reply either way
            log.exception("email to a contact failed")

    transaction.on_commit(deliver)


def mark_read(user, pk=None) -> int:
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if pk is not None:
        qs = qs.filter(pk=pk)
    return qs.update(read_at=timezone.now())
