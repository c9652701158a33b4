import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongkai.lib.masking import mask_phone


class User(AbstractUser):
    display_name = models.CharField(_("姓名"), max_length=50)
    phone = models.CharField(_("手机号码"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)


class ApiTokenQuerySet(models.QuerySet):
    def usable(self, now=None):
        """Neither revoked nor expired."""
        return self.filter(revoked_at__isnull=True, expires_at__gt=now or timezone.now())


class ApiToken(models.Model):
    """A bearer token for the API; only its SHA-256 is stored. It has a name, expires, and can be
    revoked by its owner (the account page) or by an operator (`gongkai revoke_token`)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("名称"), max_length=100, blank=True)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("签发时间"), auto_now_add=True)
    expires_at = models.DateTimeField(_("有效期至"))
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("停用时间"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")

    def __str__(self) -> str:
        return f"{self.user} · {self.name or self.digest[:8]}"

    @staticmethod
    def hash(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()

    @classmethod
    def issue(cls, user: User, name: str = "", *, days: int | None = None) -> str:
        """Create a token valid for `days` (default API_TOKEN_DAYS) and return the raw value, shown once."""
        raw = "gk_" + secrets.token_urlsafe(32)
        days = settings.API_TOKEN_DAYS if days is None else days
        cls.objects.create(
            user=user,
            name=name or _("接口令牌"),
            digest=cls.hash(raw),
            expires_at=timezone.now() + timedelta(days=days),
        )
        return raw

    def state(self, now=None) -> str:
        now = now or timezone.now()
        if self.revoked_at:
            return "revoked"
        return "expired" if self.expires_at <= now else "active"

    def state_label(self) -> str:
        return {"revoked": _("已停用"), "expired": _("已过期"), "active": _("有效")}[self.state()]
