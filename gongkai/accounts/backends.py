"""The signed-in user, read from the shared cache on each request instead of a query (issue 17.1).

Every save or deletion of a user drops the cached copy, at once and again at commit, so a
deactivated account, a changed password (the session hash) or a new name is seen by every worker on
its next request. Deactivation also deletes the user's sessions (orgs.actions._end_sessions)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.db import transaction

TTL = 600


def _key(pk) -> str:
    return f"auth:user:{pk}"


class CachedModelBackend(ModelBackend):
    def get_user(self, user_id):
        key = _key(user_id)
        user = cache.get(key)
        if user is None:
            user = super().get_user(user_id)
            if user is None:
                return None
            cache.set(key, user, TTL)
        return user if self.user_can_authenticate(user) else None


def _forget(sender, instance, **kwargs) -> None:
    key = _key(instance.pk)
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))


def connect_signals() -> None:
    from django.db.models.signals import post_delete, post_save

    model = get_user_model()
    post_save.connect(_forget, sender=model, dispatch_uid="cached_user_saved")
    post_delete.connect(_forget, sender=model, dispatch_uid="cached_user_deleted")
