"""Oversight actions (R19–R23): one transaction each, state checked under a row lock, audited."""

import random
import uuid
from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai import access
from gongkai.audit.log import record
from gongkai.lib import workdays
from gongkai.lib.confidentiality import scan_text
from gongkai.lib.db import locked
from gongkai.lib.errors import ActionError
from gongkai.lib.text import clean_line, clean_text
from gongkai.notifications.actions import notify_on_commit
from gongkai.obligations.actions import rollout_deadlines_changed
from gongkai.obligations.calendar import current_overrides
from gongkai.orgs.models import Membership, Organisation, Role, SectorType

from .models import (
    COMMITMENT_TRANSITIONS,
    OPEN_COMMITMENT,
    OWED,
    Ballot,
    Choice,
    Commitment,
    CommitmentKind,
    CommitmentState,
    EvaluationCampaign,
    FindingStatus,
    Inspection,
    InspectionFinding,
    Participation,
    Phase,
    RectificationStep,
    RolloutPhase,
    RolloutPlan,
    SectorDeadline,
    SupervisorAssignment,
)

MAX_RECTIFY_DAYS = 120


def _check(ok: bool, message: str) -> None:
    if not ok:
        raise ActionError(message)


# ---- Rollout plan (R19) -----------------------------------------------------------------------


@transaction.atomic
def set_plan(
    committee: Organisation,
    year: int,
    *,
    title: str,
    phases: dict[str, tuple[date, date, str]],
    deadlines: dict[str, date],
    by,
) -> RolloutPlan:
    """Create or replace the committee's plan for `year`: phases and per-sector deadlines."""
    access.require(by, "oversight.inspect", committee, message=_("只有领导小组办公室可以制定推行计划。"))
    title = clean_line(title, field=_("计划名称"), max_length=200)
    for key, (start, end, _note) in phases.items():
        _check(key in Phase.values, _("阶段无效。"))
        _check(start <= end, _("阶段“%(p)s”的结束日期早于开始日期。") % {"p": Phase(key).label})
    for sector, deadline in deadlines.items():
        _check(sector in SectorType.values, _("组织类型无效。"))
        _check(deadline.year == year, _("全面推行期限应在计划年度内。"))
    plan, _created = RolloutPlan.objects.update_or_create(
        committee=committee, year=year, defaults={"title": title}
    )
    plan.phases.all().delete()
    plan.deadlines.all().delete()
    RolloutPhase.objects.bulk_create(
        RolloutPhase(plan=plan, phase=k, starts_on=s, ends_on=e, note=n[:300])
        for k, (s, e, n) in phases.items()
    )
    SectorDeadline.objects.bulk_create(
        SectorDeadline(plan=plan, sector_type=k, deadline=d) for k, d in deadlines.items()
    )
    rollout_deadlines_changed(year)  # R14: open long-term obligations are due by these deadlines
    record(
        action="oversight.plan",
        obj=plan,
        actor=by,
        org_path=committee.path,
        data={"year": year, "deadlines": {k: d.isoformat() for k, d in deadlines.items()}},
    )
    return plan


# ---- Supervisor assignments (R20) -------------------------------------------------------------


@transaction.atomic
def assign_supervisor(supervisor, org: Organisation, *, by, note: str = "") -> SupervisorAssignment:
    access.require(by, "oversight.inspect", org, message=_("只有领导小组办公室可以安排联系督导。"))
    note = clean_line(note, field=_("备注"), max_length=200, required=False)
    _check(
        Membership.objects.filter(user=supervisor, role=Role.SUPERVISOR).exists(),
        _("该用户不是联系督导人员。"),
    )
    assignment, created = SupervisorAssignment.objects.get_or_create(
        supervisor=supervisor, org=org, defaults={"note": note}
    )
    _check(created, _("%(org)s已安排该督导人员联系。") % {"org": org.name})
    record(
        action="oversight.assign",
        obj=assignment,
        actor=by,
        org_path=org.path,
        data={"supervisor": supervisor.pk},
    )
    access.forget(supervisor)
    return assignment


@transaction.atomic
def unassign_supervisor(assignment: SupervisorAssignment, *, by) -> None:
    access.require(by, "oversight.inspect", assignment.org, message=_("只有领导小组办公室可以调整联系督导。"))
    record(
        action="oversight.unassign",
        obj=assignment,
        actor=by,
        org_path=assignment.org.path,
        data={"supervisor": assignment.supervisor_id},
    )
    assignment.delete()


# ---- Inspections and rectification (R21) ------------------------------------------------------


@transaction.atomic
def create_inspection(org: Organisation, *, by, on: date, summary: str) -> Inspection:
    access.require(by, "oversight.inspect", org, message=_("只有领导小组办公室可以登记督导检查。"))
    summary = clean_text(summary, field=_("检查情况"), max_length=5000)
    _check(on <= timezone.localdate(), _("检查日期不能晚于今天。"))
    inspection = Inspection.objects.create(org=org, org_path=org.path, inspector=by, date=on, summary=summary)
    record(action="oversight.inspect", obj=inspection, actor=by, data={"date": on.isoformat()})
    return inspection


def rectification_due(start: date, days: int) -> date:
    try:
        return workdays.add_working_days(start, days, current_overrides())
    except workdays.CalendarNotCovered:
        raise ActionError(_("整改截止日期超出工作日历覆盖范围，请先录入该年度放假安排或缩短期限。")) from None


@transaction.atomic
def add_finding(
    inspection: Inspection, *, by, text: str, rectification_required: bool, deadline_days: int | None
) -> InspectionFinding:
    """A finding; with rectification, due N working days after today (R15 calendar)."""
    access.require(by, "oversight.inspect", inspection.org, message=_("只有领导小组办公室可以登记检查发现。"))
    text = clean_text(text, field=_("发现问题"), max_length=2000)
    due = None
    if rectification_required:
        _check(
            deadline_days is not None and 1 <= deadline_days <= MAX_RECTIFY_DAYS,
            _("整改期限应为 1 至 %(n)s 个工作日。") % {"n": MAX_RECTIFY_DAYS},
        )
        due = rectification_due(timezone.localdate(), deadline_days)
    else:
        deadline_days = None
    finding = InspectionFinding.objects.create(
        inspection=inspection,
        org=inspection.org,
        org_path=inspection.org_path,
        text=text,
        rectification_required=rectification_required,
        deadline_days=deadline_days,
        due_date=due,
        # A finding that orders nothing needs no follow-up.
        status=FindingStatus.OPEN if rectification_required else FindingStatus.CLOSED,
    )
    if rectification_required:  # issue 16: the branch's clerk and secretary hear of the order
        notify_on_commit(
            access.org_handlers(inspection.org),
            _("整改通知：%(org)s，限 %(due)s 前完成") % {"org": inspection.org.name, "due": due.isoformat()},
            text[:300], _finding_url(finding), skip=by,
        )  # fmt: skip
    record(
        action="oversight.finding",
        obj=finding,
        actor=by,
        data={"rectify": rectification_required, "due": due.isoformat() if due else None},
    )
    return finding


@transaction.atomic
def respond_finding(finding: InspectionFinding, *, by, text: str) -> InspectionFinding:
    """The organisation (clerk or secretary) reports what it rectified."""
    finding = locked(finding)
    access.require(by, "oversight.respond", finding, message=_("只有本组织的联络员或书记可以反馈整改情况。"))
    _check(finding.status in OWED, _("该问题当前不需要反馈整改情况。"))
    finding.response = clean_text(text, field=_("整改情况"), max_length=5000)
    finding.status = FindingStatus.RESPONDED
    finding.responded_at = timezone.now()
    finding.responded_by = by
    finding.save(update_fields=["response", "status", "responded_at", "responded_by"])
    RectificationStep.objects.create(
        finding=finding, kind=RectificationStep.Kind.RESPONSE, text=finding.response, by=by,
        at=finding.responded_at,
    )  # fmt: skip
    record(action="oversight.respond", obj=finding, actor=by)
    _notify_inspectors(
        finding,
        _("整改情况待核验：%(org)s") % {"org": finding.org.name},
        key=f"oversight-responded:{finding.pk}:{finding.responded_at:%Y%m%d%H%M%S}",
    )
    return finding


@transaction.atomic
def verify_finding(finding: InspectionFinding, *, by, close: bool, note: str = "") -> InspectionFinding:
    """The inspector closes the order (销号) or sends it back with a reason and a new deadline."""
    finding = locked(finding)
    access.require(by, "oversight.verify", finding, message=_("只有领导小组办公室可以核验整改。"))
    _check(finding.status == FindingStatus.RESPONDED, _("该问题尚未反馈整改情况，不能核验。"))
    note = clean_text(note, field=_("核验意见"), max_length=2000, required=not close)
    finding.verify_note = note
    finding.verified_at = timezone.now()
    fields = ["verify_note", "verified_at", "status"]
    if close:
        finding.status = FindingStatus.CLOSED
    else:
        finding.status = FindingStatus.SENT_BACK
        # A fresh period of the same length, so the order is not overdue the moment it returns.
        finding.due_date = rectification_due(timezone.localdate(), finding.deadline_days or 5)
        finding.escalated_at = None
        fields += ["due_date", "escalated_at"]
    finding.save(update_fields=fields)
    RectificationStep.objects.create(
        finding=finding, kind=RectificationStep.Kind.CLOSED if close else RectificationStep.Kind.SENT_BACK,
        text=note, by=by, at=finding.verified_at,
    )  # fmt: skip
    record(action="oversight.verify", obj=finding, actor=by, data={"closed": close})
    notify_on_commit(
        access.org_handlers(finding.org),
        (_("整改已销号：%(org)s") if close else _("整改被退回：%(org)s")) % {"org": finding.org.name},
        note, _finding_url(finding), skip=by,
    )  # fmt: skip
    return finding


def _finding_url(finding: InspectionFinding) -> str:
    from django.urls import reverse

    return reverse("oversight:inspection", args=[finding.inspection_id])


def office_users(org: Organisation):
    """The leading-group office over `org`: inspectors at the organisation or any ancestor."""
    from django.contrib.auth import get_user_model

    paths = [*org.ancestor_paths(), org.path]
    return (
        get_user_model()
        .objects.filter(memberships__org__path__in=paths, memberships__role=Role.INSPECTOR, is_active=True)
        .distinct()
    )


def _notify_inspectors(finding: InspectionFinding, title: str, *, key: str, body: str = "") -> int:
    from gongkai.notifications.actions import notify

    n = 0
    for user in office_users(finding.org):
        if notify(user, title, body, url=_finding_url(finding), key=key) is not None:
            n += 1
    return n


def escalate_overdue(on: date | None = None) -> int:
    """R21: each overdue rectification order is reported to the leading-group office once."""
    on = on or timezone.localdate()
    count = 0
    ids = list(
        InspectionFinding.objects.filter(
            rectification_required=True, status__in=OWED, due_date__lt=on, escalated_at__isnull=True
        ).values_list("pk", flat=True)
    )
    for pk in ids:
        with transaction.atomic():
            finding = (
                InspectionFinding.objects.select_for_update()
                .filter(pk=pk, status__in=OWED, escalated_at__isnull=True, due_date__lt=on)
                .select_related("org")
                .first()
            )
            if finding is None:  # handled meanwhile (or by a concurrent run)
                continue
            finding.escalated_at = timezone.now()
            finding.save(update_fields=["escalated_at"])
            record(action="oversight.escalate", obj=finding, data={"due": finding.due_date.isoformat()})
            _notify_inspectors(
                finding,
                _("整改逾期：%(org)s") % {"org": finding.org.name},
                body=_("整改截止日期 %(due)s 已过，尚未完成整改：%(text)s")
                % {"due": finding.due_date.isoformat(), "text": finding.text[:200]},
                key=f"oversight-overdue:{finding.pk}:{finding.due_date:%Y%m%d}",
            )
            count += 1
    return count


# ---- Evaluation (R22) ---------------------------------------------------------------------------


@transaction.atomic
def create_campaign(
    committee: Organisation, *, by, title: str, opens_at: datetime, closes_at: datetime, orgs
) -> EvaluationCampaign:
    access.require(by, "oversight.inspect", committee, message=_("只有领导小组办公室可以发起评议。"))
    title = clean_line(title, field=_("评议名称"), max_length=200)
    _check(closes_at > opens_at, _("结束时间应晚于开始时间。"))
    orgs = list(orgs)
    _check(bool(orgs), _("请至少选择一个参评党组织。"))
    _check(
        all(o.path.startswith(committee.path) and o.pk != committee.pk for o in orgs),
        _("参评党组织应为本党委的下级组织。"),
    )
    campaign = EvaluationCampaign.objects.create(
        committee=committee, title=title, opens_at=opens_at, closes_at=closes_at, created_by=by
    )
    campaign.orgs.set(orgs)
    # Issue 16: every member who may evaluate hears of it, with the dates, when it is set up.
    notify_on_commit(
        access.members_of(orgs),
        _("民主评议：%(title)s") % {"title": title},
        _("评议时间：%(opens)s 至 %(closes)s，请按时参加。")
        % {
            "opens": timezone.localtime(opens_at).strftime("%Y-%m-%d %H:%M"),
            "closes": timezone.localtime(closes_at).strftime("%Y-%m-%d %H:%M"),
        },
        reverse("oversight:campaign", args=[campaign.pk]), key=f"evaluation-open:{campaign.pk}",
    )  # fmt: skip
    record(
        action="evaluation.create",
        obj=campaign,
        actor=by,
        org_path=committee.path,
        data={"orgs": [o.code for o in orgs]},
    )
    return campaign


def eligible_orgs(campaign: EvaluationCampaign, user) -> list[Organisation]:
    """The campaign's organisations of which the user is a member (R22: members rate their own)."""
    member_ids = access.member_org_ids(user)
    return list(campaign.orgs.filter(pk__in=member_ids).order_by("path"))


def vote(campaign: EvaluationCampaign, org: Organisation, *, user, choice: str, comment: str = "") -> None:
    """Cast a secret ballot: the ballot (no voter) and the participation (no choice) in one
    transaction. Returns nothing: the caller must not be able to hold the ballot next to the user."""
    now = timezone.now()
    _check(campaign.is_open(now), _("评议不在进行中，不能投票。"))
    _check(choice in Choice.values, _("请选择评议意见。"))
    comment = clean_text(comment, field=_("意见建议"), max_length=1000, required=False)
    _check(org in eligible_orgs(campaign, user), _("您不是该参评党组织的党员，不能参加评议。"))
    try:
        with transaction.atomic():
            Participation.objects.create(campaign=campaign, org=org, user=user)
            _drop_into_box(campaign, org, Ballot(campaign=campaign, org=org, choice=choice, comment=comment))
            # The entry says only "voted in campaign X": no participation, no ballot, no choice.
            record(
                action="evaluation.vote", obj=campaign, actor=user, org_path=org.path, data={"org": org.code}
            )
    except IntegrityError:
        raise ActionError(_("您已参加过本次评议，每人只能评议一次。")) from None


_shuffle = random.SystemRandom()  # not reproducible from a seed


def _drop_into_box(campaign, org, ballot: Ballot) -> None:
    """R22 + issue 13.4: shake the box. The organisation's ballots of this campaign are written again
    with new random keys in a random order, so neither the keys nor the table's physical order (SQLite
    rowid, PostgreSQL heap) follows the order of voting, which the participation rows keep."""
    box = list(Ballot.objects.select_for_update().filter(campaign=campaign, org=org)) + [ballot]
    Ballot.objects.filter(campaign=campaign, org=org).delete()
    _shuffle.shuffle(box)
    Ballot.objects.bulk_create(
        Ballot(id=uuid.uuid4(), campaign_id=campaign.pk, org_id=org.pk, choice=b.choice, comment=b.comment)
        for b in box
    )


# ---- Commitments (R23; issue 16: reviewed and approved like an item, R7) -------------------------


def _commitment_url(commitment: Commitment) -> str:
    return reverse("oversight:commitment", args=[commitment.pk])


def _commitment_label(commitment: Commitment) -> str:
    return f"{commitment.org.name}{commitment.get_kind_display()}"


def _tell_commitment(users, title: str, commitment: Commitment, *, by, body: str = "") -> None:
    """The next person of the commitment's workflow hears of it, in-app and by email, on commit."""
    notify_on_commit(users, title, body or commitment.org.name, _commitment_url(commitment), skip=by)


def _move_commitment(commitment: Commitment, transition: str, *, by, note: str = "", fields=()) -> None:
    """Apply a transition of the table or refuse it; audit it in the same transaction."""
    allowed_from, to_state = COMMITMENT_TRANSITIONS[transition]
    if commitment.state not in allowed_from:
        raise ActionError(
            _("当前状态为“%(state)s”，不能执行此操作。") % {"state": CommitmentState(commitment.state).label}
        )
    from_state = commitment.state
    commitment.state = to_state
    commitment.save(update_fields=["state", "updated_at", *fields])
    record(
        action=f"commitment.{transition}",
        obj=commitment,
        actor=by,
        org_path=commitment.org.path,
        data={"kind": commitment.kind, "from": from_state, "to": to_state, "note": note},
    )


def _commitment_text(text: str) -> str:
    text = clean_text(text, field=_("承诺内容"), max_length=3000)
    # Published as written on a public page: personal data or secrecy marks are refused, not masked.
    _check(not scan_text(text), _("承诺内容含有个人信息或涉密标识，请修改后再提交。"))
    return text


@transaction.atomic
def draft_commitment(org: Organisation, *, kind: str, text: str, by) -> Commitment:
    """The clerk (or secretary) writes the organisation's or the secretary's commitment: a new draft, or
    the open draft of that kind rewritten. The text's writer is its author (four eyes, R7)."""
    access.require(by, "commitment.draft", org, message=_("只有本组织的联络员或书记可以起草公开承诺。"))
    _check(kind in CommitmentKind.values, _("承诺类型无效。"))
    text = _commitment_text(text)
    org = locked(org)  # one open version per organisation and kind: drafts of it queue here
    commitment = Commitment.objects.filter(org=org, kind=kind, state__in=OPEN_COMMITMENT).first()
    if commitment is None:
        commitment = Commitment.objects.create(org=org, kind=kind, text=text, by=by)
        action = "commitment.draft"
    else:
        _check(
            commitment.state == CommitmentState.DRAFT,
            _("该承诺已提交审核、审批，退回后才能修改。"),
        )
        access.require(by, "commitment.edit", commitment)
        commitment.text, commitment.by = text, by
        commitment.save(update_fields=["text", "by", "updated_at"])
        action = "commitment.edit"
    record(action=action, obj=commitment, actor=by, org_path=org.path, data={"kind": kind})
    return commitment


@transaction.atomic
def submit_commitment(commitment: Commitment, *, by) -> Commitment:
    """提出: the draft goes to the organisation's nearest reviewer."""
    commitment = locked(commitment, "org")
    access.require(by, "commitment.submit", commitment)
    _commitment_text(commitment.text)
    _move_commitment(commitment, "submit", by=by)
    _tell_commitment(
        access.next_actors(commitment.org, {Role.REVIEWER}, "commitment.review", commitment),
        _("待审核：%(title)s") % {"title": _commitment_label(commitment)}, commitment, by=by,
    )  # fmt: skip
    return commitment


@transaction.atomic
def review_commitment(commitment: Commitment, *, by) -> Commitment:
    """审核: a reviewer who did not write it passes it on to the secretary."""
    commitment = locked(commitment, "org")
    access.require(
        by,
        "commitment.review",
        commitment,
        message=_("只有本组织的审核人可以审核此承诺，拟稿人不能审核自己起草的承诺。"),
    )
    commitment.reviewer = by
    _move_commitment(commitment, "review", by=by, fields=["reviewer"])
    _tell_commitment(
        access.next_actors(commitment.org, {Role.SECRETARY}, "commitment.approve", commitment),
        _("待审批：%(title)s") % {"title": _commitment_label(commitment)}, commitment, by=by,
    )  # fmt: skip
    return commitment


@transaction.atomic
def approve_commitment(commitment: Commitment, *, by, now: datetime | None = None) -> Commitment:
    """审批: the secretary (not its author) approves, which publishes it on the board; the version
    published before it is replaced. `now` lets the demo date what it loads."""
    commitment = locked(commitment, "org")
    access.require(
        by,
        "commitment.approve",
        commitment,
        message=_("只有本组织的书记可以审批此承诺，拟稿人不能审批自己起草的承诺。"),
    )
    now = now or timezone.now()
    if commitment.state == CommitmentState.REVIEWED:  # else the move below refuses
        previous = (
            Commitment.objects.select_for_update()
            .filter(org=commitment.org, kind=commitment.kind, state=CommitmentState.PUBLISHED)
            .first()
        )
        if previous is not None:  # first off the board, then the new one on (one published per kind)
            _move_commitment(previous, "supersede", by=by)
    commitment.approver, commitment.published_at = by, now
    _move_commitment(commitment, "approve", by=by, fields=["approver", "published_at"])
    from gongkai.disclosure import board_cache

    # Now and again after commit: a request between the two could re-cache the old board.
    org_id = commitment.org_id
    board_cache.invalidate(org_id)
    transaction.on_commit(lambda: board_cache.invalidate(org_id))
    _tell_commitment(
        [commitment.by], _("已公开：%(title)s") % {"title": _commitment_label(commitment)}, commitment, by=by
    )
    return commitment


@transaction.atomic
def send_back_commitment(commitment: Commitment, *, by, reason: str) -> Commitment:
    """退回: the reviewer or the secretary returns it to its author with a reason."""
    commitment = locked(commitment, "org")
    access.require(by, "commitment.send_back", commitment)
    reason = clean_line(reason, field=_("退回理由"), max_length=500)
    commitment.returned_reason = reason
    _move_commitment(commitment, "send_back", by=by, note=reason, fields=["returned_reason"])
    _tell_commitment(
        [commitment.by], _("被退回修改：%(title)s") % {"title": _commitment_label(commitment)}, commitment,
        by=by, body=_("退回理由：%(reason)s") % {"reason": reason},
    )  # fmt: skip
    return commitment
