from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from ninja.security import HttpBearer

from gongkai.accounts.models import ApiToken


class OptionalBearer(HttpBearer):
    """`Authorization: Bearer TOKEN` for a user; no header reads as anonymous; a bad token is 401."""

    def __call__(self, request):
        if not request.headers.get("Authorization"):
            request.user = AnonymousUser()
            return request.user
        return super().__call__(request)

    def authenticate(self, request, token):
        try:
            api_token = ApiToken.objects.select_related("user").get(digest=ApiToken.hash(token))
        except ApiToken.DoesNotExist:
            return None
        if not api_token.user.is_active:
            return None
        now = timezone.now()
        if api_token.last_used_at is None or (now - api_token.last_used_at).total_seconds() > 300:
            ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
        request.user = api_token.user
        return api_token.user
