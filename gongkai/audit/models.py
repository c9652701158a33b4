import hashlib
import json
from datetime import UTC

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

GENESIS = "0" * 64


class AuditEntry(models.Model):
    """R26: append-only and hash-chained; each entry's hash covers its fields and the previous hash."""

    sequence = models.PositiveBigIntegerField(unique=True)
    at = models.DateTimeField(_("时间"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, db_constraint=False
    )
    actor_name = models.CharField(max_length=150, blank=True)
    address = models.CharField(max_length=45, blank=True)
    action = models.CharField(_("操作"), max_length=60, db_index=True)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=40, blank=True)
    org_path = models.CharField(max_length=255, blank=True, db_index=True)
    result = models.CharField(max_length=20, default="ok")
    data = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = _("审计日志")
        verbose_name_plural = _("审计日志")
        ordering = ["sequence"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object")]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.action}"

    def save(self, *args, **kwargs):
        # Append-only: an entry is written once (the PostgreSQL trigger enforces it for raw SQL too).
        if not self._state.adding:
            raise PermissionError("audit entries cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("audit entries cannot be deleted")

    def canonical(self) -> bytes:
        """The bytes the hash covers: every field but the hash, in a fixed JSON encoding."""
        payload = {
            "sequence": self.sequence,
            "at": self.at.astimezone(UTC).isoformat(timespec="microseconds"),
            "actor": self.actor_id,
            "actor_name": self.actor_name,
            "address": self.address,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "org_path": self.org_path,
            "result": self.result,
            "data": self.data,
            "prev_hash": self.prev_hash,
        }
        return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()

    def compute_hash(self) -> str:
        return hashlib.sha256(self.canonical()).hexdigest()


class ChainHead(models.Model):
    """The single row locked to serialise appends, so the chain never forks under concurrency."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    sequence = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=GENESIS)

    def __str__(self) -> str:
        return f"{self.sequence}:{self.hash[:12]}"


class ChainAnchor(models.Model):
    """Where the kept chain starts: genesis, or the last purged entry (its hash becomes the new genesis)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    sequence = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=GENESIS)
    purged_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.sequence}:{self.hash[:12]}"


def chain_anchor(using: str = "default") -> ChainAnchor:
    return ChainAnchor.objects.using(using).filter(pk=1).first() or ChainAnchor()


class DailyHead(models.Model):
    """R26: the chain head at the end of a day, published so anyone can keep it and check later."""

    day = models.DateField(_("日期"), unique=True)
    sequence = models.PositiveBigIntegerField(_("末条序号"))
    hash = models.CharField(_("链头哈希"), max_length=64)
    entries = models.PositiveIntegerField(_("当日条数"), default=0)
    computed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("每日链头")
        verbose_name_plural = _("每日链头")
        ordering = ["-day"]

    def __str__(self) -> str:
        return f"{self.day} #{self.sequence}"
