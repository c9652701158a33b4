from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongkai.catalogue.models import CarrierKind
from gongkai.orgs.models import Organisation

__all__ = ["AccountabilityKind", "AccountabilityRecord", "AnnualReport", "Carrier", "CarrierKind"]


class Carrier(models.Model):
    """R36: one recorded disclosure of an item through a carrier, with its date."""

    item = models.ForeignKey("disclosure.DisclosureItem", on_delete=models.PROTECT, related_name="carriers")
    # Denormalised from the item so the year's counts need no join (orgs do not move).
    org_path = models.CharField(max_length=255, db_index=True, editable=False)
    kind = models.CharField(_("公开形式"), max_length=10, choices=CarrierKind.choices)
    on = models.DateField(_("日期"), db_index=True)
    detail = models.CharField(_("说明"), max_length=200, blank=True)
    attendance = models.PositiveIntegerField(_("参会人数"), null=True, blank=True)
    doc_number = models.CharField(_("文号"), max_length=60, blank=True)
    photo_name = models.CharField(max_length=100, blank=True, editable=False)
    photo_sha256 = models.CharField(max_length=64, blank=True, editable=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("公开形式记录")
        verbose_name_plural = _("公开形式记录")
        ordering = ["on", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.on}"


class AccountabilityKind(models.TextChoices):
    IGNORED_RECTIFICATION = "ignored", _("整改不落实")
    FALSE = "false", _("公开内容不实")
    LATE = "late", _("未按时公开")
    OTHER = "other", _("其他")


class AccountabilityRecord(models.Model):
    """R37: 责任追究: who was held accountable, for what, with what decision and when."""

    org = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="accountability_records")
    org_path = models.CharField(max_length=255, db_index=True, editable=False)
    kind = models.CharField(_("追责事由"), max_length=10, choices=AccountabilityKind.choices)
    person = models.CharField(_("责任人"), max_length=100)
    facts = models.TextField(_("问题事实"))
    decision = models.TextField(_("处理决定"))
    decided_on = models.DateField(_("决定日期"), db_index=True)
    finding = models.ForeignKey(
        "oversight.Finding", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("责任追究记录")
        verbose_name_plural = _("责任追究记录")
        ordering = ["-decided_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.org} · {self.person} · {self.decided_on}"


class AnnualReport(models.Model):
    """R35: one organisation's (or one subtree's) disclosure report for a calendar year. The figures
    are computed from the records; the written sections travel as a disclosure item through the
    item workflow (draft → review → approval → publication → archive)."""

    org = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="annual_reports")
    org_path = models.CharField(max_length=255, db_index=True, editable=False)
    year = models.PositiveSmallIntegerField(_("年度"))
    subtree = models.BooleanField(_("汇总本组织及下级"), default=False)
    overview = models.TextField(_("总体情况"))
    problems = models.TextField(_("存在的主要问题及改进情况"))
    other_matters = models.TextField(_("其他需要报告的事项"), blank=True)
    # The figures as computed when the draft was last written; the published body carries them.
    figures = models.JSONField(default=dict, editable=False)
    item = models.OneToOneField(
        "disclosure.DisclosureItem",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="annual_report",
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("党务公开工作年度报告")
        verbose_name_plural = _("党务公开工作年度报告")
        ordering = ["-year", "org_path"]
        constraints = [
            models.UniqueConstraint(fields=["org", "year", "subtree"], name="one_annual_report"),
        ]

    def __str__(self) -> str:
        return f"{self.org} {self.year}"
