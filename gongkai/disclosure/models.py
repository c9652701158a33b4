import re
from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongkai.catalogue.models import WIDER_THAN_ORG, CatalogueItem, Category, Scope
from gongkai.orgs.models import Organisation


class State(models.TextChoices):
    """R7: draft → submitted (提出) → reviewed (审核) → approved (审批) → published (实施)."""

    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提出")
    REVIEWED = "reviewed", _("已审核")
    APPROVED = "approved", _("已审批")
    PUBLISHED = "published", _("已公开")
    SUPERSEDED = "superseded", _("已变更")
    REVOKED = "revoked", _("已撤销")
    TERMINATED = "terminated", _("已终止")


# R7: the workflow as an explicit table; an action refuses any move not listed here.
TRANSITIONS: dict[str, tuple[set[str], str]] = {
    "submit": ({State.DRAFT}, State.SUBMITTED),
    "review": ({State.SUBMITTED}, State.REVIEWED),
    "approve": ({State.REVIEWED}, State.APPROVED),
    "publish": ({State.APPROVED}, State.PUBLISHED),
    "send_back": ({State.SUBMITTED, State.REVIEWED}, State.DRAFT),
    "supersede": ({State.PUBLISHED}, State.SUPERSEDED),
    "revoke": ({State.PUBLISHED}, State.REVOKED),
    "terminate": ({State.PUBLISHED}, State.TERMINATED),
}


class WorkPlan(models.Model):
    """R8: an off-catalogue disclosure needs a work plan approved by the catalogue owner first."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待审核")
        APPROVED = "approved", _("已同意")
        REJECTED = "rejected", _("未同意")

    org = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="work_plans")
    title = models.CharField(_("方案名称"), max_length=200)
    body = models.TextField(_("方案内容"))
    category = models.PositiveSmallIntegerField(
        _("目录类别"), choices=Category.choices, default=Category.OTHER
    )
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PENDING)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(_("审核意见"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("目录外事项工作方案")
        verbose_name_plural = _("目录外事项工作方案")

    def __str__(self) -> str:
        return self.title


class BodyFormat(models.TextChoices):
    MARKDOWN = "markdown", "Markdown"
    HTML = "html", _("文档格式")


# A Markdown body that is one line of plain text renders as a paragraph of itself: no control characters
# (so no line breaks), nothing inline Markdown or HTML acts on, and a start that opens no block (heading,
# quote, list, fence, indented code, "1." list). Its text is the body as it stands, without the render
# (most of the cost of indexing 100,000 imported items); anything else takes the full path below.
_PLAIN_LINE = re.compile(r"(?!\d+[.)])[^\s\x00-\x1f\x7f!-/:-@\[-`{-~][^\x00-\x1f\x7f\\`*_\[\]<>&~]*")
_SPACES = re.compile(r" +")


def body_text(source: str, body_format: str) -> str:
    """A body's plain text (search, snippets), whatever its format."""
    from gongkai.lib import markdown, richtext

    if body_format != BodyFormat.HTML and source and _PLAIN_LINE.fullmatch(source):
        return _SPACES.sub(" ", source).strip()  # what html_to_text(markdown.render(source)) answers
    html = richtext.clean_html(source) if body_format == BodyFormat.HTML else markdown.render(source)
    return richtext.html_to_text(html)


def current_q(now: datetime) -> models.Q:
    """R10: published and not expired: what a board shows."""
    return models.Q(state=State.PUBLISHED) & (
        models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now)
    )


class ItemQuerySet(models.QuerySet):
    def current(self, now: datetime | None = None) -> "ItemQuerySet":
        return self.filter(current_q(now or timezone.now()))

    def expired(self, now: datetime | None = None) -> "ItemQuerySet":
        return self.filter(state=State.PUBLISHED, expires_at__lte=now or timezone.now())


class DisclosureItem(models.Model):
    """R6: one disclosure of one organisation, under a catalogue item or an approved work plan."""

    org = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="items")
    # Denormalised from org so visibility filters need no join (orgs do not move in the tree).
    org_path = models.CharField(max_length=255, db_index=True, editable=False)
    catalogue_item = models.ForeignKey(CatalogueItem, on_delete=models.PROTECT, null=True, blank=True)
    work_plan = models.ForeignKey(WorkPlan, on_delete=models.PROTECT, null=True, blank=True)
    category = models.PositiveSmallIntegerField(_("目录类别"), choices=Category.choices)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("正文"), blank=True)
    # Issue 16: clerks paste from Word/WPS or import a DOCX (sanitised HTML); older bodies are Markdown.
    body_format = models.CharField(
        _("正文格式"), max_length=8, choices=BodyFormat.choices, default=BodyFormat.MARKDOWN
    )
    # The text readers get: the body with the reviewer's masks applied (R13), set at approval.
    published_body = models.TextField(blank=True, editable=False)
    doc_number = models.CharField(_("文号"), max_length=60, blank=True)
    scope = models.CharField(_("公开范围"), max_length=20, choices=Scope.choices)
    state = models.CharField(
        _("状态"), max_length=12, choices=State.choices, default=State.DRAFT, db_index=True
    )
    event_date = models.DateField(_("事项发生日期"), null=True, blank=True)
    period_label = models.CharField(_("所属期间"), max_length=40, blank=True)
    stage = models.CharField(_("阶段"), max_length=40, blank=True)
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    supersedes = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="superseded_by"
    )
    index_number = models.CharField(_("索引号"), max_length=80, blank=True, db_index=True)

    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(_("发布日期"), null=True, blank=True, db_index=True)
    # R9: when a public-target item may go outside; compared with now on every read.
    public_from = models.DateTimeField(_("社会公开日期"), null=True, blank=True)
    went_public_at = models.DateTimeField(null=True, blank=True, editable=False)
    expires_at = models.DateTimeField(_("有效期至"), null=True, blank=True)
    expired_recorded_at = models.DateTimeField(null=True, blank=True, editable=False)
    ended_at = models.DateTimeField(null=True, blank=True)
    # R11: the notice the board shows after a change, revocation or termination.
    notice = models.CharField(_("变更说明"), max_length=500, blank=True)

    objects = ItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("公开事项")
        verbose_name_plural = _("公开事项")
        indexes = [
            models.Index(fields=["org", "state", "-published_at"], name="item_board"),
            models.Index(fields=["state", "scope", "-published_at"], name="item_public_list"),
            # The next moment an item goes public or expires bounds the anonymous page cache.
            models.Index(fields=["public_from"], name="item_public_from"),
            models.Index(fields=["expires_at"], name="item_expires_at"),
        ]

    def __str__(self) -> str:
        return self.title

    def is_public_now(self, now: datetime | None = None) -> bool:
        """R9: public only after its minimum internal period, computed on read."""
        now = now or timezone.now()
        return (
            self.state == State.PUBLISHED
            and self.scope == Scope.PUBLIC
            and self.public_from is not None
            and self.public_from <= now
            and not self.is_expired(now)
        )

    @property
    def notice_window(self):
        """(first, last day) of a 公示期 stated in working days, for showing both dates (R14)."""
        from .windows import notice_dates

        return notice_dates(self)

    def is_expired(self, now: datetime | None = None) -> bool:
        return self.expires_at is not None and self.expires_at <= (now or timezone.now())

    def effective_scope(self, now: datetime | None = None) -> str:
        """The audience right now: a public-target item is for all members until it goes public."""
        if self.scope == Scope.PUBLIC and not self.is_public_now(now):
            return Scope.ALL_MEMBERS
        return self.scope

    @property
    def goes_wider_than_org(self) -> bool:
        return self.scope in WIDER_THAN_ORG

    def reader_body(self) -> str:
        return self.published_body if self.state != State.DRAFT and self.published_body else self.body

    def rendered(self, source: str) -> str:
        """HTML for readers from a body of this item's format, sanitised on the way out either way."""
        from gongkai.lib import markdown, richtext

        return richtext.clean_html(source) if self.body_format == BodyFormat.HTML else markdown.render(source)

    def plain_text(self) -> str:
        """What search shows in snippets: text, never Markdown or HTML syntax."""
        return body_text(self.reader_body(), self.body_format)

    def masked_body(self) -> str:
        """R13: the body with the reviewer's masks applied: what readers will get once approved."""
        from gongkai.lib import confidentiality

        masked = [
            confidentiality.Hit(f.kind, f.value, f.start, f.end, f.context)
            for f in self.findings.filter(
                status=ConfidentialityFinding.Status.MASKED, attachment__isnull=True
            )
        ]
        return confidentiality.apply_masks(self.body, masked) if masked else self.body

    def preview_body(self) -> str:
        """What the staff pages show: exactly what members will see (masks included, issue 16.3)."""
        if self.state in (State.SUBMITTED, State.REVIEWED):
            return self.masked_body()
        return self.reader_body()


class Attachment(models.Model):
    item = models.ForeignKey(DisclosureItem, on_delete=models.CASCADE, related_name="attachments")
    original_name = models.CharField(_("文件名"), max_length=200)
    stored_name = models.CharField(max_length=100, unique=True, editable=False)
    kind = models.CharField(max_length=10)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    text = models.TextField(blank=True, editable=False)
    # R13: kept inside the organisation while the item itself goes wider.
    keep_inside = models.BooleanField(_("仅本组织党员可见"), default=False)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.original_name


class ConfidentialityFinding(models.Model):
    """R13: one confidentiality hit, open until the reviewer masks or acknowledges it."""

    class Status(models.TextChoices):
        OPEN = "open", _("待处理")
        MASKED = "masked", _("已遮盖")
        ACKNOWLEDGED = "acknowledged", _("已确认可公开")

    item = models.ForeignKey(DisclosureItem, on_delete=models.CASCADE, related_name="findings")
    attachment = models.ForeignKey(Attachment, on_delete=models.CASCADE, null=True, blank=True)
    kind = models.CharField(max_length=12)
    value = models.CharField(max_length=60)
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    context = models.CharField(max_length=200)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    reason = models.CharField(_("理由"), max_length=300, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("保密检查发现")
        verbose_name_plural = _("保密检查发现")
        ordering = ["attachment_id", "start"]

    def __str__(self) -> str:
        return f"{self.kind} {self.shown_context()}"

    def get_kind_label(self) -> str:
        from gongkai.lib.confidentiality import KIND_LABELS

        return KIND_LABELS.get(self.kind, self.kind)

    def shown_context(self) -> str:
        """Issue 16.3 / 13.6: once masked, the hit is masked in its context on every page too."""
        if self.status != self.Status.MASKED:
            return self.context
        from gongkai.lib.confidentiality import mask_value

        return self.context.replace(self.value, mask_value(self.kind, self.value))

    def blocks(self) -> bool:
        """Open, and on text that goes wider than the organisation."""
        if self.status != self.Status.OPEN or not self.item.goes_wider_than_org:
            return False
        return not (self.attachment_id and self.attachment.keep_inside)


EVENT_LABELS = {
    "create": _("创建"),
    "update": _("修改"),
    "attach": _("上传附件"),
    "detach": _("删除附件"),
    "attachment_scope": _("调整附件范围"),
    "submit": _("提出"),
    "review": _("审核通过"),
    "approve": _("审批通过"),
    "publish": _("公开实施"),
    "send_back": _("退回修改"),
    "mask": _("遮盖敏感信息"),
    "acknowledge": _("确认可公开"),
    "went_public": _("转为社会公开"),
    "expired": _("公开期满"),
    "supersede": _("被新版本替代"),
    "revoke": _("撤销"),
    "terminate": _("终止"),
    "request_change": _("申请变更"),
    "request_revoke": _("申请撤销"),
    "request_terminate": _("申请终止"),
    "approve_change": _("批准申请"),
    "reject_change": _("驳回申请"),
}


class ItemEvent(models.Model):
    """Each workflow action on an item, shown as its history (the audit chain records it too)."""

    item = models.ForeignKey(DisclosureItem, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=20)
    from_state = models.CharField(max_length=12, blank=True)
    to_state = models.CharField(max_length=12, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True)
    at = models.DateTimeField(default=timezone.now)
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.action} {self.at:%Y-%m-%d}"

    @property
    def label(self) -> str:
        return str(EVENT_LABELS.get(self.action, self.action))


class ChangeRequest(models.Model):
    """R11: change, revocation or termination of a published item, approved by the catalogue owner."""

    class Kind(models.TextChoices):
        CHANGE = "change", _("变更")
        REVOKE = "revoke", _("撤销")
        TERMINATE = "terminate", _("终止")

    class Status(models.TextChoices):
        PENDING = "pending", _("待批准")
        APPROVED = "approved", _("已批准")
        REJECTED = "rejected", _("未批准")

    item = models.ForeignKey(DisclosureItem, on_delete=models.PROTECT, related_name="change_requests")
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    reason = models.CharField(_("理由"), max_length=500)
    new_title = models.CharField(_("新标题"), max_length=200, blank=True)
    new_body = models.TextField(_("新正文"), blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    filed_with = models.CharField(_("备案机关"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("变更申请")
        verbose_name_plural = _("变更申请")
        constraints = [
            models.UniqueConstraint(
                fields=["item"], condition=models.Q(status="pending"), name="one_pending_change_per_item"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.item}"


class Withholding(models.Model):
    """R12: an obligation the organisation will not fulfil, filed upward with a reason."""

    class Reason(models.TextChoices):
        SECRET = "secret", _("涉及党和国家秘密")
        PRIVACY = "privacy", _("涉及个人隐私")
        TEMPORARY = "temporary", _("暂不宜公开")

    class Status(models.TextChoices):
        FILED = "filed", _("已报备")
        ACCEPTED = "accepted", _("已同意")
        OVERRULED = "overruled", _("不同意，应当公开")

    org = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="withholdings")
    catalogue_item = models.ForeignKey(CatalogueItem, on_delete=models.PROTECT)
    period_label = models.CharField(_("所属期间"), max_length=40, blank=True)
    reason = models.CharField(_("不予公开理由"), max_length=12, choices=Reason.choices)
    explanation = models.TextField(_("说明"))
    until = models.DateField(_("暂缓至"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.FILED)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    filed_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(_("审核意见"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("不予公开备案")
        verbose_name_plural = _("不予公开备案")

    def __str__(self) -> str:
        return f"{self.org} · {self.catalogue_item}"
