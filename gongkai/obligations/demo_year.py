"""The demo's year so far, as of the day the demo is loaded (issue 12). Idempotent; runs last.

Most organisations publish what the catalogue asks on time; a few named ones tell the dashboard's
story: 礼花村 and 湖南集里机械 finished their long-term items after their rollout deadline, 集里街道商会
and 综合文化站 still lack some, and a handful of periodic items are overdue or were published late.

The months before today are history: their items are written as publish_item() would have left them
(state, dates, index number, the working-day windows of windows.py) in bulk, as generate_data does, so
loading stays quick; each then fulfils its obligation through fulfil_for_item, the rule every
publication follows (the period it states, never a guessed one). Everything current — drafts, items in
review, changes, withholdings, applications, feedback, rectification — goes through the actions."""

import random
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from gongkai.disclosure import windows
from gongkai.disclosure.models import DisclosureItem, ItemEvent, State
from gongkai.lib import workdays
from gongkai.numbering.models import next_number
from gongkai.orgs.models import Membership, Organisation, Role

from . import summary
from .actions import fulfil_for_item
from .calendar import current_overrides
from .models import Counting, Kind, Obligation

# Long-term items finished this many days after the sector's rollout deadline.
LATE_ORGS = {"JLJD-LH": 17, "JLJD-JX": 12}
# Long-term items an organisation has still not published (the dashboard names what is missing).
MISSING = {
    "JLJD-SH": ["党员权利保障制度", "任期工作目标"],
    "JLJD-WH": ["党员权利保障制度"],
}
# The secretary's commitment not yet published (read by oversight's demo).
NO_SECRETARY_COMMITMENT = {"JLJD-SH"}
# Periodic obligations left open past their deadline: (organisation, catalogue item, period key suffix).
OVERDUE = [
    ("JLJD-JS", "党费收缴、管理和使用情况", "Q3"),
    ("JLJD-XK", "村（居）“三资”管理情况（资产、资金、资源）", "M10"),
    ("JLJD-ZX", "理论学习计划及落实情况", "H1"),
    ("JLJD-SH", "“三会一课”开展情况", "Q3"),
    ("JLJD-YH", "党员群众意见建议及采纳情况", "Q3"),
]
LATE_SHARE = 0.06  # of the periodic items: published a few working days after their deadline
RECENT_DAYS = 3  # obligations due this close to today are left for the workbench (due soon)
HOUR = 10


def _working_days(first: date, last: date, overrides) -> list[date]:
    out, d = [], first
    while d <= last:
        if workdays.is_working_day(d, overrides):
            out.append(d)
        d += timedelta(days=1)
    return out


def _publication_day(o: Obligation, rng: random.Random, today: date, overrides):
    """The day the demo says the clerk published, or None to leave the obligation open."""
    if o.kind == Kind.LONG_TERM:
        late = LATE_ORGS.get(o.org.code)
        deadline = o.due_date  # the sector's rollout deadline (R19), moved off rest days
        if late is not None:
            day = deadline + timedelta(days=late)
        else:
            day = deadline - timedelta(days=rng.randint(15, 70))
        day = max(day, date(today.year, 1, 12))
        days = _working_days(day, day + timedelta(days=10), overrides)
        day = days[0] if days else day
        return day if day < today else None
    first = o.period_start if o.counting == Counting.BY else o.period_end + timedelta(days=1)
    if rng.random() < LATE_SHARE:
        after = _working_days(o.due_date + timedelta(days=1), o.due_date + timedelta(days=10), overrides)
        day = rng.choice(after[:5]) if after else None
    else:
        choices = _working_days(max(first, o.due_date - timedelta(days=12)), o.due_date, overrides)
        day = rng.choice(choices) if choices else o.due_date
    return day if day is not None and day < today else None


def _title(o: Obligation) -> str:
    title = o.catalogue_item.title
    if o.kind == Kind.LONG_TERM:
        return f"{o.org.name}{title}"
    if o.period_label.endswith("年度"):
        return f"{o.period_label}{title.removeprefix('年度')}"
    return f"{o.period_label}{title}"


def _body(o: Obligation) -> str:
    return (
        f"根据《中国共产党党务公开条例（试行）》和党务公开目录要求，现将{_title(o)}公开如下。\n\n"
        f"{o.catalogue_item.description}\n\n{o.org.name}"
    )


def _staff(org) -> tuple:
    """(author, approver) ids, never the same person (four eyes, R7): the organisation's clerk and
    secretary, else members of it or of the branches below it."""
    tree = Organisation.objects.get_tree(org)  # the organisation and the branches below it
    mine = Membership.objects.filter(org__in=tree).order_by("org__depth", "user_id")
    roles = dict(reversed(mine.values_list("role", "user_id")))  # nearest first wins
    people = list(dict.fromkeys(mine.values_list("user_id", flat=True)))
    if len(people) < 2:
        people += list(Membership.objects.filter(role=Role.MEMBER).values_list("user_id", flat=True)[:2])
    author = roles.get(Role.CLERK) or people[0]
    approver = roles.get(Role.SECRETARY) or roles.get(Role.COMMITTEE_MEMBER) or people[0]
    if approver == author:
        approver = next(p for p in people if p != author)
    return author, approver


WORKFLOW = [  # (action, from state, to state, hours before publication, who)
    ("create", "", State.DRAFT, 6, "author"),
    ("submit", State.DRAFT, State.SUBMITTED, 5, "author"),
    ("review", State.SUBMITTED, State.REVIEWED, 4, "reviewer"),
    ("approve", State.REVIEWED, State.APPROVED, 2, "approver"),
    ("publish", State.APPROVED, State.PUBLISHED, 0, "author"),
]


def _history(today: date) -> None:
    """Publish the year's past obligations of the demo organisations, as the story above says."""
    rng = random.Random(2026)
    overrides = current_overrides()
    overdue = {(code, title, key) for code, title, key in OVERDUE}
    reviewer = Membership.objects.filter(role=Role.REVIEWER).values_list("user_id", flat=True).first()
    rows = (
        Obligation.objects.filter(
            year=today.year,
            fulfilled_at__isnull=True,
            kind__in=[Kind.LONG_TERM, Kind.PERIODIC],
            org__is_demo=True,
            due_date__lt=today - timedelta(days=RECENT_DAYS),
        )
        .select_related("org", "catalogue_item")
        .order_by("org__path", "due_date", "pk")
    )
    # The demo's items still in the workflow (drafts, in review, approved) will fulfil their periods.
    in_flight = set(
        DisclosureItem.objects.filter(
            state__in=[State.DRAFT, State.SUBMITTED, State.REVIEWED, State.APPROVED],
            catalogue_item__isnull=False,
        ).values_list("org_id", "catalogue_item_id", "period_label")
    )
    staff: dict[int, tuple] = {}
    planned = []
    for o in rows:
        item = o.catalogue_item
        if (o.org_id, o.catalogue_item_id, o.period_label) in in_flight:
            continue
        if o.kind == Kind.LONG_TERM and item.title in MISSING.get(o.org.code, ()):
            continue
        if (o.org.code, item.title, o.key.rsplit("-", 1)[-1]) in overdue:
            continue
        day = _publication_day(o, rng, today, overrides)
        if day is None:
            continue
        planned.append((day, o))
    items = []
    for day, o in sorted(planned, key=lambda p: (p[0], p[1].pk)):
        if o.org_id not in staff:
            staff[o.org_id] = _staff(o.org)
        author, approver = staff[o.org_id]
        when = timezone.make_aware(datetime.combine(day, time(HOUR, rng.randrange(60))))
        rule = o.catalogue_item
        plan = windows.windows(rule, rule.target_scope, when, overrides)
        seq = next_number(f"index:{o.org.code}:{day.year}")
        items.append(
            DisclosureItem(
                org=o.org,
                org_path=o.org_path,
                catalogue_item=rule,
                category=rule.category,
                title=_title(o)[:200],
                body=_body(o),
                published_body=_body(o),
                scope=rule.target_scope,
                state=State.PUBLISHED,
                period_label=o.period_label,
                author_id=author,
                reviewer_id=reviewer,
                approver_id=approver,
                published_at=when,
                public_from=plan.public_from,
                went_public_at=plan.public_from
                if plan.public_from and plan.public_from <= timezone.now()
                else None,
                expires_at=plan.expires_at,
                expired_recorded_at=plan.expires_at
                if plan.expires_at and plan.expires_at <= timezone.now()
                else None,
                index_number=f"{o.org.code}-{day.year}-{rule.category:02d}-{seq:05d}",
            )
        )
    created = DisclosureItem.objects.bulk_create(items, batch_size=500)
    ItemEvent.objects.bulk_create(
        [
            ItemEvent(
                item=item,
                action=action,
                from_state=before,
                to_state=after,
                actor_id={
                    "author": item.author_id,
                    "reviewer": item.reviewer_id,
                    "approver": item.approver_id,
                }[who],
                at=item.published_at - timedelta(hours=hours),
            )
            for item in created
            for action, before, after, hours, who in WORKFLOW
        ],
        batch_size=1000,
    )
    for item in created:
        fulfil_for_item(item)  # R14: the period the item states


@transaction.atomic
def load() -> None:
    today = timezone.localdate()
    done = Obligation.objects.filter(
        org__code="JLJD-JG1", kind=Kind.LONG_TERM, fulfilled_at__isnull=False, year=today.year
    )
    if done.exists():
        return
    _history(today)
    summary.refresh(Q(year=today.year))
