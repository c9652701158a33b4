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
        "oversight.InspectionFinding", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
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


class Filing(models.Model):
    """R37: a document filed (报备) with the level above: a change, revocation or termination (R11), a
    withholding (R12), an inspection summary. The document is kept as filed (digest) and the receiving
    side acknowledges it in Gongkai."""

    class Kind(models.TextChoices):
        CHANGE = "change", _("变更、撤销、终止报备")
        WITHHOLDING = "withholding", _("不予公开报备")
        SUMMARY = "summary", _("督导检查总结报告")

    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices)
    org = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="filings")
    org_path = models.CharField(max_length=255, db_index=True, editable=False)
    title = models.CharField(_("标题"), max_length=200)
    recipient = models.CharField(_("报送单位"), max_length=100)
    # The organisation in Gongkai whose office acknowledges receipt (the level above).
    recipient_org = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="received_filings"
    )
    recipient_path = models.CharField(max_length=255, blank=True, db_index=True, editable=False)
    change_request = models.OneToOneField(
        "disclosure.ChangeRequest", on_delete=models.PROTECT, null=True, blank=True, related_name="filing"
    )
    withholding = models.OneToOneField(
        "disclosure.Withholding", on_delete=models.PROTECT, null=True, blank=True, related_name="filing"
    )
    document_name = models.CharField(max_length=100, editable=False)
    document_sha256 = models.CharField(max_length=64, editable=False)
    filed_on = models.DateField(_("报送日期"))
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    filed_at = models.DateTimeField(auto_now_add=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    acknowledged_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    acknowledgement_note = models.CharField(_("签收意见"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("报备文件")
        verbose_name_plural = _("报备文件")
        ordering = ["-filed_at", "-pk"]

    def __str__(self) -> str:
        return self.title


class InspectionSummary(models.Model):
    """R37 (plan 四(三)): the leading-group office's summary at the end of 检查深化, with its written
    conclusions; once filed upward its figures and document never change."""

    org = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="inspection_summaries")
    org_path = models.CharField(max_length=255, db_index=True, editable=False)
    year = models.PositiveSmallIntegerField(_("年度"))
    conclusions = models.TextField(_("总结与结论"))
    figures = models.JSONField(default=dict, editable=False)
    filing = models.OneToOneField(
        Filing, on_delete=models.PROTECT, null=True, blank=True, related_name="summary"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("督导检查总结")
        verbose_name_plural = _("督导检查总结")
        ordering = ["-year", "org_path"]
        constraints = [models.UniqueConstraint(fields=["org", "year"], name="one_inspection_summary")]

    def __str__(self) -> str:
        return f"{self.org} {self.year}"

    @property
    def is_filed(self) -> bool:
        return self.filing_id is not None


class LeaderComment(models.Model):
    """R37 (plan 五(四)): a leader's comment (领导点评) on an organisation's disclosure work: visible to
    that organisation and the level above; published on its board when the leader chooses."""

    org = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="leader_comments")
    org_path = models.CharField(max_length=255, db_index=True, editable=False)
    leader = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    leader_title = models.CharField(_("职务"), max_length=50)
    text = models.TextField(_("点评意见"))
    published = models.BooleanField(_("在公开栏公开"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("领导点评")
        verbose_name_plural = _("领导点评")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.org} · {self.leader_title}"


class BoardScreen(models.Model):
    """R36: a screen (电子公开栏) showing an organisation's board without login. The public board needs
    no token; the members' board inside the premises is reached only through this screen's token, set up
    by the organisation's staff, stored hashed, revocable."""

    class Audience(models.TextChoices):
        PUBLIC = "public", _("社会公开栏")
        MEMBERS = "members", _("党内公开栏（党员活动室内）")

    org = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="screens")
    name = models.CharField(_("屏幕名称"), max_length=60)
    audience = models.CharField(_("展示范围"), max_length=10, choices=Audience.choices)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(_("停用时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("电子公开栏")
        verbose_name_plural = _("电子公开栏")
        ordering = ["org", "pk"]

    def __str__(self) -> str:
        return self.name
