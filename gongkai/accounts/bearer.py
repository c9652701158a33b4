"""API bearer tokens (accounts own them): `Authorization: Bearer TOKEN` for every API route."""

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from ninja.security import HttpBearer

from gongkai.accounts.models import ApiToken

# last_used_at is written at most this often per token, so reads stay reads.
LAST_USED_RESOLUTION_SECONDS = 300


class OptionalBearer(HttpBearer):
    """`Authorization: Bearer TOKEN` for a user; no header reads as anonymous; a bad, expired or
    revoked token, or one of a deactivated user, is 401."""

    def __call__(self, request):
        if not request.headers.get("Authorization"):
            request.user = AnonymousUser()
            return request.user
        return super().__call__(request)

    def authenticate(self, request, token):
        now = timezone.now()
        api_token = (
            ApiToken.objects.usable(now)
            .select_related("user")
            .filter(digest=ApiToken.hash(token), user__is_active=True)
            .first()
        )
        if api_token is None:
            return None
        last = api_token.last_used_at
        if last is None or (now - last).total_seconds() > LAST_USED_RESOLUTION_SECONDS:
            ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
        request.user = api_token.user
        return api_token.user


class TokenRequired(OptionalBearer):
    """For operations nobody may call anonymously: no token is 401 like a bad one (OpenAPI then
    declares the bearer token required; OptionalBearer operations declare it optional)."""

    def __call__(self, request):
        if not request.headers.get("Authorization"):
            return None
        return super().__call__(request)


TOKEN_REQUIRED = TokenRequired()
