"""API tokens: issue and revoke, each audited (the page, the API and the commands call these)."""

from django.db import transaction
from django.utils import timezone

from gongkai.audit.log import record

from .models import ApiToken, User


def issue_token(user: User, *, name: str = "", days: int | None = None, by=None) -> str:
    """A new token for `user`; returns the raw value, which is shown once and never stored."""
    with transaction.atomic():
        raw = ApiToken.issue(user, name, days=days)
        token = ApiToken.objects.get(digest=ApiToken.hash(raw))
        record(
            action="token.issue",
            obj=token,
            actor=by,
            data={"user": user.username, "name": token.name, "expires_at": token.expires_at.isoformat()},
        )
    return raw


def revoke_token(token: ApiToken, *, by=None) -> bool:
    """Revoke `token` at once (every later request with it is 401); False if it was already revoked."""
    with transaction.atomic():
        locked = ApiToken.objects.select_for_update().get(pk=token.pk)
        if locked.revoked_at is not None:
            return False
        locked.revoked_at = timezone.now()
        locked.save(update_fields=["revoked_at"])
        record(
            action="token.revoke",
            obj=locked,
            actor=by,
            data={"user": locked.user.username, "name": locked.name},
        )
    token.revoked_at = locked.revoked_at
    return True
