import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongkai.orgs.models import Organisation, SectorType


class RolloutPlan(models.Model):
    """R19: a committee's annual rollout plan (全面推行党务公开工作实施方案)."""

    committee = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="rollout_plans")
    year = models.PositiveSmallIntegerField(_("年度"))
    title = models.CharField(_("名称"), max_length=200)

    class Meta:
        verbose_name = _("推行计划")
        verbose_name_plural = _("推行计划")
        constraints = [models.UniqueConstraint(fields=["committee", "year"], name="one_plan_per_year")]

    def __str__(self) -> str:
        return self.title


class Phase(models.TextChoices):
    MOBILISE = "mobilise", _("动员部署")
    IMPLEMENT = "implement", _("组织实施")
    INSPECT = "inspect", _("检查深化")


class RolloutPhase(models.Model):
    plan = models.ForeignKey(RolloutPlan, on_delete=models.CASCADE, related_name="phases")
    phase = models.CharField(_("阶段"), max_length=20, choices=Phase.choices)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    note = models.CharField(_("主要任务"), max_length=300, blank=True)

    class Meta:
        ordering = ["starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "phase"], name="one_phase_per_plan"),
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="phase_dates"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_phase_display()} {self.starts_on}–{self.ends_on}"


class SectorDeadline(models.Model):
    """R19: by when every organisation of a sector type must have fully implemented disclosure."""

    plan = models.ForeignKey(RolloutPlan, on_delete=models.CASCADE, related_name="deadlines")
    sector_type = models.CharField(_("组织类型"), max_length=20, choices=SectorType.choices)
    deadline = models.DateField(_("全面推行期限"))

    class Meta:
        ordering = ["deadline", "sector_type"]
        constraints = [models.UniqueConstraint(fields=["plan", "sector_type"], name="one_deadline_per_type")]

    def __str__(self) -> str:
        return f"{self.get_sector_type_display()} {self.deadline}"


class SupervisorAssignment(models.Model):
    """R20: one line of the 联系安排表: a supervisor follows an organisation."""

    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="supervised_orgs"
    )
    org = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="supervisor_assignments")
    note = models.CharField(_("备注"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("联系督导安排")
        verbose_name_plural = _("联系督导安排")
        constraints = [models.UniqueConstraint(fields=["supervisor", "org"], name="one_assignment")]

    def __str__(self) -> str:
        return f"{self.supervisor} → {self.org}"


class Inspection(models.Model):
    """R21: a check of one organisation's disclosure work."""

    org = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="inspections")
    org_path = models.CharField(max_length=255, db_index=True, editable=False)
    inspector = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    date = models.DateField(_("检查日期"))
    summary = models.TextField(_("检查情况"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("督导检查")
        verbose_name_plural = _("督导检查")
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return f"{self.org} {self.date}"


class FindingStatus(models.TextChoices):
    OPEN = "open", _("待整改")
    RESPONDED = "responded", _("已反馈待核验")
    CLOSED = "closed", _("已销号")
    SENT_BACK = "sent_back", _("退回重新整改")


# Statuses in which the organisation owes the rectification (the deadline runs).
OWED = (FindingStatus.OPEN, FindingStatus.SENT_BACK)


class InspectionFinding(models.Model):
    """R21: a problem found; may order rectification within N working days."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="findings")
    org = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="oversight_findings")
    org_path = models.CharField(max_length=255, db_index=True, editable=False)
    text = models.TextField(_("发现问题"))
    rectification_required = models.BooleanField(_("限期整改"), default=True)
    deadline_days = models.PositiveSmallIntegerField(_("整改期限（工作日）"), null=True, blank=True)
    due_date = models.DateField(_("整改截止日期"), null=True, blank=True, db_index=True)
    status = models.CharField(
        _("状态"), max_length=20, choices=FindingStatus.choices, default=FindingStatus.OPEN
    )
    response = models.TextField(_("整改情况"), blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    verify_note = models.TextField(_("核验意见"), blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(_("逾期上报时间"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("检查发现")
        verbose_name_plural = _("检查发现")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.text[:40]

    def is_overdue(self, on) -> bool:
        return bool(
            self.rectification_required and self.status in OWED and self.due_date and self.due_date < on
        )


class RectificationStep(models.Model):
    """Issue 16.4: one turn of the rectification exchange, kept in order (a second response never
    replaces the first, nor the note that sent it back)."""

    class Kind(models.TextChoices):
        RESPONSE = "response", _("整改情况")
        SENT_BACK = "sent_back", _("退回重新整改")
        CLOSED = "closed", _("核验销号")

    finding = models.ForeignKey(InspectionFinding, on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices)
    text = models.TextField(_("内容"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("整改往来")
        verbose_name_plural = _("整改往来")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d}"


class EvaluationCampaign(models.Model):
    """R22: members rate their organisation's disclosure work (民主评议)."""

    committee = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="evaluation_campaigns")
    title = models.CharField(_("名称"), max_length=200)
    opens_at = models.DateTimeField(_("开始时间"))
    closes_at = models.DateTimeField(_("结束时间"))
    orgs = models.ManyToManyField(Organisation, related_name="evaluations", verbose_name=_("参评党组织"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("评议活动")
        verbose_name_plural = _("评议活动")
        ordering = ["-closes_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")), name="campaign_dates"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def is_open(self, now) -> bool:
        return self.opens_at <= now < self.closes_at

    def is_closed(self, now) -> bool:
        return now >= self.closes_at


class Choice(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASIC = "basic", _("基本满意")
    UNSATISFIED = "unsatisfied", _("不满意")


class Ballot(models.Model):
    """R22: one secret vote. Deliberately no voter, no timestamp and no sequential id: the random
    UUID key means neither the key nor ORDER BY pk tells the order in which ballots were cast."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    campaign = models.ForeignKey(EvaluationCampaign, on_delete=models.CASCADE, related_name="ballots")
    org = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    choice = models.CharField(_("评议意见"), max_length=20, choices=Choice.choices)
    comment = models.TextField(_("意见建议"), blank=True)

    class Meta:
        verbose_name = _("评议票")
        verbose_name_plural = _("评议票")

    def __str__(self) -> str:
        return str(_("评议票"))  # deliberately nothing identifying


class Participation(models.Model):
    """R22: says only that a member voted (never how); no timestamp either."""

    campaign = models.ForeignKey(EvaluationCampaign, on_delete=models.CASCADE, related_name="participations")
    org = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("参评记录")
        verbose_name_plural = _("参评记录")
        constraints = [models.UniqueConstraint(fields=["campaign", "user"], name="vote_once_per_campaign")]

    def __str__(self) -> str:
        return str(_("已参评"))


class CommitmentKind(models.TextChoices):
    ORG = "org", _("党组织公开承诺")
    SECRETARY = "secretary", _("书记公开承诺")


class CommitmentState(models.TextChoices):
    """R23 + R7: a commitment is drafted, submitted (提出), reviewed (审核) and approved (审批), which
    publishes it on the board; a newer published version replaces the older one."""

    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提出")
    REVIEWED = "reviewed", _("已审核")
    PUBLISHED = "published", _("已公开")
    SUPERSEDED = "superseded", _("已替换")


# The versions still on their way to the board: at most one per organisation and kind.
OPEN_COMMITMENT = (CommitmentState.DRAFT, CommitmentState.SUBMITTED, CommitmentState.REVIEWED)

# R7 as for items: the workflow as an explicit table; an action refuses any move not listed here.
COMMITMENT_TRANSITIONS: dict[str, tuple[set[str], str]] = {
    "submit": ({CommitmentState.DRAFT}, CommitmentState.SUBMITTED),
    "review": ({CommitmentState.SUBMITTED}, CommitmentState.REVIEWED),
    "approve": ({CommitmentState.REVIEWED}, CommitmentState.PUBLISHED),
    "send_back": ({CommitmentState.SUBMITTED, CommitmentState.REVIEWED}, CommitmentState.DRAFT),
    "supersede": ({CommitmentState.PUBLISHED}, CommitmentState.SUPERSEDED),
}


class CommitmentQuerySet(models.QuerySet):
    def published(self):
        """What the board shows and the rollout counts: the current published version of each kind."""
        return self.filter(state=CommitmentState.PUBLISHED)


class Commitment(models.Model):
    """R23: one version of the organisation's or its secretary's public commitment. It reaches the board
    only through review and approval (four eyes: `by`, who wrote its text, neither reviews nor approves
    it); the published version stays there while a revision is on its way."""

    org = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="commitments")
    kind = models.CharField(_("类型"), max_length=20, choices=CommitmentKind.choices)
    text = models.TextField(_("承诺内容"))
    state = models.CharField(
        _("状态"), max_length=12, choices=CommitmentState.choices, default=CommitmentState.DRAFT
    )
    published_at = models.DateTimeField(_("公开时间"), null=True, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("拟稿人")
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("审核人"),
    )  # fmt: skip
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("审批人"),
    )  # fmt: skip
    returned_reason = models.CharField(_("退回理由"), max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CommitmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("公开承诺")
        verbose_name_plural = _("公开承诺")
        ordering = ["kind", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["org", "kind"],
                condition=models.Q(state="published"),
                name="one_published_commitment_per_kind",
            ),
            models.UniqueConstraint(
                fields=["org", "kind"],
                condition=models.Q(state__in=["draft", "submitted", "reviewed"]),
                name="one_open_commitment_per_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.org} {self.get_kind_display()}"


class Mobilisation(models.Model):
    """R19/R20: a branch's 动员部署 for a year: its 实施细则 (a document), mobilisation meeting and
    training, each with its date and attendance."""

    org = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="mobilisations")
    year = models.PositiveSmallIntegerField(_("年度"))
    rules_name = models.CharField(_("实施细则"), max_length=200, blank=True)
    rules_stored = models.CharField(max_length=100, blank=True, editable=False)
    rules_kind = models.CharField(max_length=10, blank=True, editable=False)
    rules_sha256 = models.CharField(max_length=64, blank=True, editable=False)
    meeting_on = models.DateField(_("动员会日期"), null=True, blank=True)
    meeting_attendance = models.PositiveIntegerField(_("动员会参加人数"), null=True, blank=True)
    training_on = models.DateField(_("培训日期"), null=True, blank=True)
    training_attendance = models.PositiveIntegerField(_("培训参加人数"), null=True, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("动员部署")
        verbose_name_plural = _("动员部署")
        constraints = [models.UniqueConstraint(fields=["org", "year"], name="one_mobilisation_per_year")]

    def __str__(self) -> str:
        return f"{self.org} {self.year}"

    @property
    def complete(self) -> bool:
        return bool(self.rules_stored and self.meeting_on and self.training_on)
