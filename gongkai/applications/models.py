from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongkai.lib.masking import mask_name
from gongkai.orgs.models import Organisation

DEFAULT_DAYS = 20


class ApplicationPolicy(models.Model):
    """R16: the answer period a catalogue owner sets for the organisations under it."""

    owner = models.OneToOneField(
        Organisation,
        on_delete=models.CASCADE,
        related_name="application_policy",
        verbose_name=_("目录制定单位"),
    )
    days = models.PositiveSmallIntegerField(
        _("答复期限（工作日）"),
        default=DEFAULT_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    extension_days = models.PositiveSmallIntegerField(
        _("延期上限（工作日）"), default=20, validators=[MaxValueValidator(60)]
    )

    class Meta:
        verbose_name = _("依申请公开期限")
        verbose_name_plural = _("依申请公开期限")

    def __str__(self) -> str:
        return f"{self.owner} · {self.days}"


class Status(models.TextChoices):
    PROCESSING = "processing", _("办理中")
    SUPPLEMENT = "supplement", _("待补正")
    CONSULTING = "consulting", _("征求第三方意见")
    ANSWERED = "answered", _("已答复")


class AnswerType(models.TextChoices):
    """R17: the answer types of 国办公开办函〔2021〕30号."""

    DISCLOSED = "disclosed", _("予以公开")
    PARTIAL = "partial", _("部分公开")
    REFUSED = "refused", _("不予公开")
    UNAVAILABLE = "unavailable", _("无法提供")
    NOT_PROCESSED = "not_processed", _("不予处理")
    DEFERRED = "deferred", _("暂缓公开")
    OTHER = "other", _("其他处理")


# Reasons per answer type, as the annual-report table lists them.
REASONS = {
    AnswerType.REFUSED: [
        ("state_secret", _("属于国家秘密")),
        ("other_rules", _("其他法律行政法规禁止公开")),
        ("security", _("危及“三安全一稳定”")),
        ("third_party", _("保护第三方合法权益")),
        ("internal", _("属于三类内部事务信息")),
        ("process", _("属于四类过程性信息")),
    ],
    AnswerType.UNAVAILABLE: [
        ("not_held", _("本机关不掌握相关信息")),
        ("new_work", _("没有现成信息需要另行制作")),
        ("unclear", _("补正后申请内容仍不明确")),
    ],
    AnswerType.NOT_PROCESSED: [
        ("petition", _("信访举报投诉类申请")),
        ("repeated", _("重复申请")),
        ("published", _("要求提供公开出版物")),
        ("excessive", _("无正当理由大量反复申请")),
    ],
}
REASON_LABELS = {code: label for reasons in REASONS.values() for code, label in reasons}


class Delivery(models.TextChoices):
    ONLINE = "online", _("网上查阅")
    EMAIL = "email", _("电子邮件")
    PAPER = "paper", _("纸质文本")


class Application(models.Model):
    """R16: a member's application for disclosure; its clock, pauses and answer."""

    number = models.CharField(_("申请编号"), max_length=80, unique=True)
    org = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="applications")
    org_path = models.CharField(max_length=255, db_index=True, editable=False)
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("申请人"),
    )
    title = models.CharField(_("申请公开的内容"), max_length=200)
    description = models.TextField(_("内容描述"), max_length=2000)
    purpose = models.CharField(_("用途"), max_length=200, blank=True)
    delivery = models.CharField(
        _("获取方式"), max_length=10, choices=Delivery.choices, default=Delivery.ONLINE
    )
    received_at = models.DateTimeField(_("收到日期"), db_index=True)
    days = models.PositiveSmallIntegerField(_("答复期限（工作日）"))
    extension_days = models.PositiveSmallIntegerField(_("延期（工作日）"), default=0)
    extension_reason = models.CharField(_("延期理由"), max_length=300, blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.PROCESSING)
    # Null while the clock is stopped or when the calendar does not cover the year (then flagged).
    due_date = models.DateField(_("答复期限"), null=True, blank=True, db_index=True)
    calendar_not_covered = models.BooleanField(default=False)
    answer_type = models.CharField(_("答复类型"), max_length=15, choices=AnswerType.choices, blank=True)
    answer_reason = models.CharField(_("理由"), max_length=20, blank=True)
    answer_text = models.TextField(_("答复内容"), blank=True)
    deferred_until = models.DateField(_("暂缓至"), null=True, blank=True)
    answered_at = models.DateTimeField(_("答复日期"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_late = models.BooleanField(null=True, blank=True)
    # SECURITY 17: when the retention job blanked the applicant's own words (description and purpose).
    personal_data_erased_at = models.DateTimeField(_("个人信息清除日期"), null=True, blank=True)
    created_item = models.ForeignKey(
        "disclosure.DisclosureItem", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("依申请公开")
        verbose_name_plural = _("依申请公开")
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return self.number

    @property
    def masked_applicant(self) -> str:
        """SECURITY 15: what lists and non-handlers see of the applicant (张三 → 张*)."""
        return mask_name(str(self.applicant))

    @property
    def is_open(self) -> bool:
        return self.status != Status.ANSWERED

    @property
    def is_paused(self) -> bool:
        return self.status in (Status.SUPPLEMENT, Status.CONSULTING)

    def answer_reason_label(self) -> str:
        return str(REASON_LABELS.get(self.answer_reason, ""))


class Pause(models.Model):
    """R16: the clock stops from `start` to `end` (both dates); an open pause has no end yet."""

    class Kind(models.TextChoices):
        SUPPLEMENT = "supplement", _("补正")
        THIRD_PARTY = "third_party", _("征求第三方意见")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="pauses")
    kind = models.CharField(_("中止原因"), max_length=12, choices=Kind.choices)
    start = models.DateField(_("中止日期"))
    end = models.DateField(_("恢复日期"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=500, blank=True)
    # What the applicant supplied online when asked to 补正 (R16).
    supplement = models.TextField(_("补正内容"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("计时中止")
        verbose_name_plural = _("计时中止")
        ordering = ["start", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["application"], condition=models.Q(end__isnull=True), name="one_open_pause"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.start}–{self.end or ''}"


class AnswerAttachment(models.Model):
    """Issue 16: a file sent with the answer (the disclosed document itself), for the applicant and
    the staff who see the application."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="attachments")
    original_name = models.CharField(_("文件名"), max_length=200)
    stored_name = models.CharField(max_length=100, unique=True, editable=False)
    kind = models.CharField(max_length=10)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("答复附件")
        verbose_name_plural = _("答复附件")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.original_name
