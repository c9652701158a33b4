from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongkai.catalogue.models import Category, Retention
from gongkai.orgs.models import Organisation

RETENTION_YEARS = {Retention.Y30: 30, Retention.Y10: 10}


class Immutable(models.Model):
    """Written once: the archive never changes what it holds (R24)."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("archived records cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("archived records cannot be deleted")


class Snapshot(Immutable):
    """R24: one archived version of a published thing, with its archival code (档号)."""

    class Event(models.TextChoices):
        PUBLISH = "publish", _("发布")
        CHANGE = "change", _("变更")
        REVOKE = "revoke", _("撤销")
        TERMINATE = "terminate", _("终止")
        REPLY = "reply", _("答复公开")

    code = models.CharField(_("档号"), max_length=80, unique=True)
    org = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="snapshots")
    org_path = models.CharField(max_length=255, db_index=True, editable=False)
    year = models.PositiveSmallIntegerField(_("年度"))
    category = models.PositiveSmallIntegerField(_("目录类别"), choices=Category.choices)
    sequence = models.PositiveIntegerField(_("件号"))
    event = models.CharField(_("归档原因"), max_length=12, choices=Event.choices)
    title = models.CharField(_("题名"), max_length=200)
    retention = models.CharField(_("保管期限"), max_length=10, choices=Retention.choices)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=40)
    item = models.ForeignKey(
        "disclosure.DisclosureItem", on_delete=models.PROTECT, null=True, blank=True, related_name="snapshots"
    )
    archived_at = models.DateTimeField(_("归档时间"))
    archived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("归档件")
        verbose_name_plural = _("归档件")
        ordering = ["-archived_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["org", "year", "category", "sequence"], name="one_archive_sequence"
            )
        ]
        indexes = [models.Index(fields=["org_path", "year"], name="archive_browse")]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def keep_until(self) -> int | None:
        """The last year of retention; None for permanent."""
        years = RETENTION_YEARS.get(self.retention)
        return self.year + years if years else None


class SnapshotFile(Immutable):
    """One part of a snapshot in archive storage, with the SHA-256 taken at ingest (fixity, R25)."""

    class Kind(models.TextChoices):
        CONTENT = "content", _("正文（JSON）")
        ATTACHMENT = "attachment", _("附件")

    snapshot = models.ForeignKey(Snapshot, on_delete=models.PROTECT, related_name="files")
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices)
    name = models.CharField(_("文件名"), max_length=200)
    path = models.CharField(max_length=255, unique=True)
    size = models.PositiveBigIntegerField(_("大小"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)

    class Meta:
        verbose_name = _("归档文件")
        verbose_name_plural = _("归档文件")
        ordering = ["snapshot", "pk"]

    def __str__(self) -> str:
        return self.path
