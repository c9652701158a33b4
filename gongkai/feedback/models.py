import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongkai.lib.crypto import EncryptedTextField
from gongkai.lib.masking import mask_name, mask_phone
from gongkai.orgs.models import Organisation

# No 0/O, 1/I/L: a code read over the phone or copied from paper must not be ambiguous.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 12
DUE_DAYS = 15


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(raw) -> str | None:
    """The code as stored, or None when it cannot be one (so lookups never touch the database)."""
    if not isinstance(raw, str):
        return None
    code = raw.strip().upper().replace("-", "").replace(" ", "")
    if len(code) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in code):
        return None
    return code


class Channel(models.TextChoices):
    ONLINE = "online", _("网上留言")
    HOTLINE = "hotline", _("热线电话")
    LETTER = "letter", _("来信")
    VISIT = "visit", _("来访")
    SUGGESTION_BOX = "box", _("意见箱")
    RECEPTION_DAY = "reception", _("接待日")


OFFLINE_CHANNELS = [c for c in Channel if c != Channel.ONLINE]


class Kind(models.TextChoices):
    SUGGESTION = "suggestion", _("意见建议")
    CRITICISM = "criticism", _("批评")
    INQUIRY = "inquiry", _("问询")
    OTHER = "other", _("其他")


class Status(models.TextChoices):
    RECEIVED = "received", _("已受理")
    HANDLING = "handling", _("办理中")
    REPLIED = "replied", _("已答复")


class FeedbackCase(models.Model):
    """R18: one piece of feedback, from any channel, routed to an organisation."""

    code = models.CharField(
        _("查询码"), max_length=CODE_LENGTH, unique=True, default=new_code, editable=False
    )
    channel = models.CharField(_("渠道"), max_length=10, choices=Channel.choices)
    kind = models.CharField(_("类别"), max_length=12, choices=Kind.choices, default=Kind.SUGGESTION)
    org = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="feedback_cases")
    org_path = models.CharField(max_length=255, db_index=True, editable=False)
    subject = models.CharField(_("标题"), max_length=100)
    content = models.TextField(_("内容"), max_length=2000)
    # SECURITY 16: encrypted at rest; lengths are enforced by actions.clean_fields.
    submitter_name = EncryptedTextField(_("姓名"), max_length=50, blank=True)
    contact = EncryptedTextField(_("联系方式"), max_length=100, blank=True)
    submitter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    received_at = models.DateTimeField(_("收到日期"), db_index=True)
    due_date = models.DateField(_("办理期限"), null=True, blank=True, db_index=True)
    calendar_not_covered = models.BooleanField(default=False)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.RECEIVED)
    reply = models.TextField(_("答复"), blank=True)
    replied_at = models.DateTimeField(_("答复日期"), null=True, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    replied_late = models.BooleanField(null=True, blank=True)
    # R18 + R13: the reply as published, checked and masked; never the submitter's data.
    published_reply = models.TextField(_("公开答复"), blank=True)
    published_at = models.DateTimeField(_("公开日期"), null=True, blank=True, db_index=True)
    # SECURITY 17: when the retention job blanked the name, contact and account link.
    personal_data_erased_at = models.DateTimeField(_("个人信息清除日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("意见反馈")
        verbose_name_plural = _("意见反馈")
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return self.subject

    @property
    def code_display(self) -> str:
        return "-".join(self.code[i : i + 4] for i in range(0, CODE_LENGTH, 4))

    @property
    def masked_name(self) -> str:
        return mask_name(self.submitter_name)

    @property
    def masked_contact(self) -> str:
        if "@" in self.contact:
            local, _at, domain = self.contact.partition("@")
            return f"{local[:1]}***@{domain}"
        return mask_phone(self.contact) if self.contact else ""


class HandlingNote(models.Model):
    case = models.ForeignKey(FeedbackCase, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("办理情况"), max_length=2000)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("办理记录")
        verbose_name_plural = _("办理记录")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.case_id} · {self.at:%Y-%m-%d}"
