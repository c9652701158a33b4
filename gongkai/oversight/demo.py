"""Demo oversight data for the current year: the plan's own phases and deadlines, the 联系安排表,
an inspection with an open rectification order, a closed evaluation and commitments. Idempotent."""

import random
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from gongkai import access
from gongkai.notifications.models import Notification
from gongkai.orgs.models import Level, Organisation, Role, SectorType

from . import actions
from .models import (
    Ballot,
    Choice,
    Commitment,
    CommitmentKind,
    EvaluationCampaign,
    Inspection,
    Participation,
    Phase,
    RolloutPlan,
    SupervisorAssignment,
)


def plan_dates(year: int) -> tuple[dict, dict]:
    """The plan's own dates: mobilisation in May, organs/communities/villages by 30 June,
    directly-affiliated units by 10 August, the rest by 10 October, inspection November–December."""
    phases = {
        Phase.MOBILISE: (date(year, 5, 1), date(year, 5, 31), "召开动员部署会，制定实施方案，组织业务培训"),
        Phase.IMPLEMENT: (date(year, 6, 1), date(year, 10, 31), "编制公开目录，建立公开栏，按期公开"),
        Phase.INSPECT: (date(year, 11, 1), date(year, 12, 31), "督导检查，民主评议，整改提高"),
    }
    deadlines = {
        SectorType.ORGAN: date(year, 6, 30),
        SectorType.COMMUNITY: date(year, 6, 30),
        SectorType.VILLAGE: date(year, 6, 30),
        SectorType.AFFILIATED: date(year, 8, 10),
        SectorType.SCHOOL: date(year, 10, 10),
        SectorType.NON_PUBLIC: date(year, 10, 10),
        SectorType.SOCIAL: date(year, 10, 10),
    }
    return phases, deadlines


ORG_TEXT = (
    "本支部承诺：严格按照党务公开目录，及时、准确、全面公开党务信息；"
    "畅通党员群众意见反馈渠道，对反映的问题认真办理、及时答复；自觉接受党员群众监督。"
)
SECRETARY_TEXT = (
    "作为党务公开第一责任人，本人承诺：亲自审定公开内容，带头落实公开制度，"
    "对公开工作中发现的问题立行立改，做到应公开尽公开。"
)
COMMENTS = ["公开栏更新及时，内容清楚。", "希望财务公开更细一些。", "", "", "建议增加线上公开渠道。", ""]


def _aware(d: date, h: int = 9) -> datetime:
    return timezone.make_aware(datetime.combine(d, time(h)))


@transaction.atomic
def load() -> None:
    User = get_user_model()
    street = Organisation.objects.filter(code="JLJD").first()
    office = User.objects.filter(username="jiancha").first()
    if street is None or office is None:
        return
    today = timezone.localdate()
    year = today.year
    rng = random.Random(2026)

    if not RolloutPlan.objects.filter(committee=street, year=year).exists():
        phases, deadlines = plan_dates(year)
        actions.set_plan(
            street,
            year,
            title=f"集里街道{year}年全面推行党务公开工作实施方案",
            phases=phases,
            deadlines=deadlines,
            by=office,
        )

    branches = list(Organisation.objects.filter(street.subtree_q(), level=Level.BRANCH).order_by("code"))
    supervisor = User.objects.filter(username="dudao").first()
    if supervisor and not SupervisorAssignment.objects.filter(supervisor=supervisor).exists():
        for org in branches[::2]:  # half of the branches
            actions.assign_supervisor(supervisor, org, by=office, note="联系督导")

    target = Organisation.objects.filter(code="JLJD-JS").first()
    if target and not Inspection.objects.filter(org=target).exists():
        inspection = actions.create_inspection(
            target,
            by=office,
            on=today,
            summary="检查党务公开栏设置、公开目录执行和公开台账。公开栏设置规范，目录执行基本到位。",
        )
        actions.add_finding(
            inspection,
            by=office,
            text="党员发展情况未按季度公开，公开台账缺少审核记录。",
            rectification_required=True,
            deadline_days=10,
        )
        actions.add_finding(
            inspection,
            by=office,
            text="公开栏部分内容字号偏小，建议改进。",
            rectification_required=False,
            deadline_days=None,
        )

    _evaluation(street, office, branches, year, rng)
    planned = Organisation.objects.get_tree(street).exclude(sector_type="").order_by("code")
    _commitments(list(planned), plan_dates(year)[1])


def _evaluation(street, office, branches, year, rng) -> None:
    title = f"{year}年上半年党务公开民主评议"
    if EvaluationCampaign.objects.filter(committee=street, title=title).exists():
        return
    campaign = EvaluationCampaign.objects.create(
        committee=street,
        title=title,
        opens_at=_aware(date(year, 7, 1)),
        closes_at=_aware(date(year, 7, 15), 18),
        created_by=office,
    )
    chosen = branches[:6]
    campaign.orgs.set(chosen)
    User = get_user_model()
    for i, org in enumerate(chosen):
        members = list(
            User.objects.filter(memberships__org=org, memberships__role=Role.MEMBER)
            .distinct()
            .order_by("username")
        )
        voters = members[:3] if i == 5 else members[:8]  # the last shows "too few votes"
        for user in voters:
            Participation.objects.create(campaign=campaign, org=org, user=user)
        ballots = [
            Ballot(
                campaign=campaign,
                org=org,
                choice=rng.choices(Choice.values, weights=(7, 2, 1))[0],
                comment=rng.choice(COMMENTS),
            )
            for _user in voters
        ]
        rng.shuffle(ballots)
        Ballot.objects.bulk_create(ballots)


def _commitments(orgs, deadlines) -> None:
    """Both commitments of nearly every organisation, through the actions (drafted by a clerk, reviewed,
    approved by a secretary other than the author), published before its rollout deadline — after it
    for the late ones; the secretary's still waiting for review where the demo's story says so (the
    reviewer finds it on the workbench)."""
    from gongkai.obligations.demo_year import LATE_ORGS, NO_SECRETARY_COMMITMENT

    if Commitment.objects.filter(org__in=orgs).exists():
        return
    today = timezone.localdate()
    for i, org in enumerate(orgs):
        deadline = deadlines.get(org.sector_type)
        if deadline is None:
            continue
        late = LATE_ORGS.get(org.code)
        day = deadline + timedelta(days=late) if late else deadline - timedelta(days=20 + 3 * (i % 10))
        when = _aware(min(day, today - timedelta(days=1)))
        _commitment(org, CommitmentKind.ORG, ORG_TEXT, when)
        pending = org.code in NO_SECRETARY_COMMITMENT
        _commitment(org, CommitmentKind.SECRETARY, SECRETARY_TEXT, when, pending=pending)
    # The hand-offs of commitments published months ago were read long since: only the one still
    # waiting for review stays unread (after commit, once the actions' notifications exist).
    done = [
        reverse("oversight:commitment", args=[pk])
        for pk in Commitment.objects.published().filter(org__in=orgs).values_list("pk", flat=True)
    ]
    transaction.on_commit(
        lambda: Notification.objects.filter(url__in=done, read_at__isnull=True).update(read_at=timezone.now())
    )


def _first(users):
    return users[0] if users else None


def _commitment(org, kind, text, when, *, pending=False) -> None:
    """One commitment through its workflow, by the people who would act on it."""
    author = _first(access.next_actors(org, {Role.CLERK}, "commitment.draft", org)) or _first(
        access.next_actors(org, {Role.SECRETARY}, "commitment.draft", org)
    )
    if author is None:
        return
    commitment = actions.draft_commitment(org, kind=kind, text=text, by=author)
    commitment = actions.submit_commitment(commitment, by=author)
    if pending:
        return
    reviewer = _first(access.next_actors(org, {Role.REVIEWER}, "commitment.review", commitment))
    approver = _first(access.next_actors(org, {Role.SECRETARY}, "commitment.approve", commitment))
    if reviewer is None or approver is None:
        return
    commitment = actions.review_commitment(commitment, by=reviewer)
    actions.approve_commitment(commitment, by=approver, now=when)
