"""R35: the figures of the annual report, computed from the records as they stood at the year's end.

Every count is taken from dates the records keep (published, ended, received, answered, replied,
verified), never from today's state, so the same year gives the same numbers whenever it is run.
One organisation (`subtree=False`) or the organisation with everything under it (`subtree=True`).
"""

from datetime import date, datetime, time

from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.applications.models import REASONS, AnswerType, Application
from gongkai.catalogue.models import Category, Scope
from gongkai.disclosure.models import DisclosureItem, State
from gongkai.feedback.models import Channel, FeedbackCase
from gongkai.oversight.models import (
    Ballot,
    Choice,
    EvaluationCampaign,
    FindingStatus,
    Inspection,
    InspectionFinding,
    Participation,
)
from gongkai.oversight.results import MIN_VOTES

from .models import AccountabilityKind, AccountabilityRecord, Carrier, CarrierKind

WEBSITE = "website"


class FiguresDoNotAddUp(ValueError):
    """The applications table breaks an identity of the national format (reference/annual-report.md)."""


def year_bounds(year: int) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return datetime.combine(date(year, 1, 1), time.min, tz), datetime.combine(
        date(year, 12, 31), time.max, tz
    )


def _where(org, subtree: bool, field: str = "org_path") -> Q:
    return Q(**{f"{field}__startswith": org.path}) if subtree else Q(**{field: org.path})


def compute(org, year: int, *, subtree: bool) -> dict:
    """The report's figures as plain data (JSON-able, stable order): sections 二 to 五."""
    figures = {
        "org": org.code,
        "org_name": org.name,
        "year": year,
        "subtree": subtree,
        "active": _active(org, year, subtree),
        "applications": _applications(org, year, subtree),
        "feedback": _feedback(org, year, subtree),
        "oversight": _oversight(org, year, subtree),
    }
    check(figures)
    return figures


# ---- 二、主动公开情况 -----------------------------------------------------------------------------


def _active(org, year: int, subtree: bool) -> dict:
    lo, hi = year_bounds(year)
    items = DisclosureItem.objects.filter(_where(org, subtree))
    published = Q(published_at__range=(lo, hi))
    ended = Q(state__in=[State.REVOKED, State.TERMINATED], ended_at__range=(lo, hi))
    # Expired in the year, unless it was revoked or changed before it ran out.
    expired = Q(published_at__isnull=False, expires_at__range=(lo, hi)) & (
        Q(ended_at__isnull=True) | Q(ended_at__gt=F("expires_at"))
    )
    per_category = {
        row["category"]: row
        for row in items.order_by()
        .values("category")
        .annotate(
            published=Count("pk", filter=published & Q(supersedes__isnull=True)),
            changed=Count("pk", filter=published & Q(supersedes__isnull=False)),
            revoked=Count("pk", filter=ended),
            expired=Count("pk", filter=expired),
        )
    }
    rows = []
    for category in Category:
        row = per_category.get(category.value, {})
        rows.append(
            {
                "category": category.value,
                "label": str(category.label),
                **{k: row.get(k, 0) for k in ("published", "changed", "revoked", "expired")},
            }
        )
    totals = {k: sum(r[k] for r in rows) for k in ("published", "changed", "revoked", "expired")}
    by_scope = dict(
        items.filter(published)
        .order_by()
        .values_list("scope")
        .annotate(n=Count("pk"))
        .values_list("scope", "n")
    )
    carriers = dict(
        Carrier.objects.filter(_where(org, subtree), on__year=year)
        .order_by()
        .values_list("kind")
        .annotate(n=Count("item_id", distinct=True))
        .values_list("kind", "n")
    )
    return {
        "rows": rows,
        "total": totals,
        "by_scope": [{"scope": s.value, "label": str(s.label), "n": by_scope.get(s.value, 0)} for s in Scope],
        # Every published version is on the website; the other carriers count items recorded in the year.
        "by_carrier": [{"kind": WEBSITE, "label": _("网站"), "n": totals["published"] + totals["changed"]}]
        + [{"kind": k.value, "label": str(k.label), "n": carriers.get(k.value, 0)} for k in CarrierKind],
    }


# ---- 三、收到和处理申请情况 -------------------------------------------------------------------------


def _applications(org, year: int, subtree: bool) -> dict:
    lo, hi = year_bounds(year)
    apps = Application.objects.filter(_where(org, subtree))
    answered = Q(answered_at__range=(lo, hi))
    # Open at the start of the year / at its end, judged by the dates, not by today's status.
    open_at_start = Q(received_at__lt=lo) & (Q(answered_at__isnull=True) | Q(answered_at__gte=lo))
    open_at_end = Q(received_at__lte=hi) & (Q(answered_at__isnull=True) | Q(answered_at__gt=hi))
    counts = apps.aggregate(
        new=Count("pk", filter=Q(received_at__range=(lo, hi))),
        carried_in=Count("pk", filter=open_at_start),
        carried_out=Count("pk", filter=open_at_end),
    )
    results = {
        (row["answer_type"], row["answer_reason"]): row["n"]
        for row in apps.filter(answered)
        .order_by()
        .values("answer_type", "answer_reason")
        .annotate(n=Count("pk"))
    }

    def n(answer_type, reason=None) -> int:
        return sum(v for (t, r), v in results.items() if t == answer_type and (reason is None or r == reason))

    groups = []
    for answer_type in (AnswerType.DISCLOSED, AnswerType.PARTIAL):
        groups.append(
            {"type": answer_type.value, "label": str(answer_type.label), "n": n(answer_type), "rows": []}
        )
    for answer_type in (AnswerType.REFUSED, AnswerType.UNAVAILABLE, AnswerType.NOT_PROCESSED):
        reasons = [
            {"reason": code, "label": str(label), "n": n(answer_type, code)}
            for code, label in REASONS[answer_type]
        ]
        groups.append(
            {"type": answer_type.value, "label": str(answer_type.label), "n": n(answer_type), "rows": reasons}
        )
    # 其他处理: 暂缓公开 (R17) is a handling of its own here; the national format has no such row.
    other_rows = [
        {
            "reason": AnswerType.DEFERRED.value,
            "label": str(AnswerType.DEFERRED.label),
            "n": n(AnswerType.DEFERRED),
        },
        {"reason": AnswerType.OTHER.value, "label": _("其他"), "n": n(AnswerType.OTHER)},
    ]
    groups.append(
        {
            "type": AnswerType.OTHER.value,
            "label": str(AnswerType.OTHER.label),
            "n": sum(r["n"] for r in other_rows),
            "rows": other_rows,
        }
    )
    return {
        "new": counts["new"],
        "carried_in": counts["carried_in"],
        "results": groups,
        "total": sum(g["n"] for g in groups),
        "carried_out": counts["carried_out"],
        # Answers of a type no row holds would break 总计: kept to be checked.
        "unclassified": sum(results.values()) - sum(g["n"] for g in groups),
    }


def check(figures: dict) -> None:
    """The identities every report must satisfy: 总计 = (一)…(六); 新收 + 上年结转 = 总计 + 结转下年度;
    and each answer type is the sum of its reasons."""
    a = figures["applications"]
    if a["unclassified"]:
        raise FiguresDoNotAddUp(
            _("有 %(n)s 件申请的办理结果不属于年报表格的任何一类。") % {"n": a["unclassified"]}
        )
    if a["total"] != sum(g["n"] for g in a["results"]):
        raise FiguresDoNotAddUp(_("“总计”不等于各项办理结果之和。"))
    for group in a["results"]:
        if group["rows"] and group["n"] != sum(r["n"] for r in group["rows"]):
            raise FiguresDoNotAddUp(_("“%(type)s”不等于其各项理由之和。") % {"type": group["label"]})
    if a["new"] + a["carried_in"] != a["total"] + a["carried_out"]:
        raise FiguresDoNotAddUp(_("本年新收与上年结转之和不等于总计与结转下年度之和。"))


# ---- 四、意见反馈办理情况 ---------------------------------------------------------------------------


def _feedback(org, year: int, subtree: bool) -> dict:
    lo, hi = year_bounds(year)
    replied = Q(replied_at__lte=hi)
    rows = {
        row["channel"]: row
        for row in FeedbackCase.objects.filter(_where(org, subtree), received_at__range=(lo, hi))
        .order_by()
        .values("channel")
        .annotate(
            received=Count("pk"),
            on_time=Count("pk", filter=replied & Q(replied_late=False)),
            late=Count("pk", filter=replied & Q(replied_late=True)),
            open=Count("pk", filter=Q(replied_at__isnull=True) | Q(replied_at__gt=hi)),
        )
    }
    keys = ("received", "on_time", "late", "open")
    out = [
        {"channel": c.value, "label": str(c.label), **{k: rows.get(c.value, {}).get(k, 0) for k in keys}}
        for c in Channel
    ]
    return {"rows": out, "total": {k: sum(r[k] for r in out) for k in keys}}


# ---- 五、监督检查情况 -------------------------------------------------------------------------------


def _oversight(org, year: int, subtree: bool) -> dict:
    lo, hi = year_bounds(year)
    inspections = Inspection.objects.filter(_where(org, subtree), date__year=year)
    findings = InspectionFinding.objects.filter(_where(org, subtree), inspection__date__year=year)
    f = _finding_counts(findings, hi)
    campaigns = EvaluationCampaign.objects.filter(closes_at__range=(lo, hi))
    ballots = Ballot.objects.filter(campaign__in=campaigns).filter(_where(org, subtree, "org__path"))
    choices = dict(
        ballots.order_by().values_list("choice").annotate(n=Count("pk")).values_list("choice", "n")
    )
    voters = (
        Participation.objects.filter(campaign__in=campaigns).filter(_where(org, subtree, "org__path")).count()
    )
    shown = voters >= MIN_VOTES  # R22: a handful of votes could be guessed: only their number then
    total = sum(choices.values())
    evaluation = {
        "campaigns": campaigns.filter(org.subtree_q("orgs__path") if subtree else Q(orgs=org))
        .distinct()
        .count(),
        "voters": voters,
        "shown": shown,
        "choices": [
            {"choice": c.value, "label": str(c.label), "n": choices.get(c.value, 0) if shown else None}
            for c in Choice
        ],
        "rate": (
            f"{(choices.get(Choice.SATISFIED, 0) + choices.get(Choice.BASIC, 0)) / total:.1%}"
            if shown and total
            else "—"
        ),
    }
    records = AccountabilityRecord.objects.filter(_where(org, subtree), decided_on__year=year)
    by_kind = dict(records.order_by().values_list("kind").annotate(n=Count("pk")).values_list("kind", "n"))
    return {
        "inspections": inspections.count(),
        **f,
        "evaluation": evaluation,
        "accountability": {
            "total": sum(by_kind.values()),
            "rows": [
                {"kind": k.value, "label": str(k.label), "n": by_kind.get(k.value, 0)}
                for k in AccountabilityKind
            ],
        },
    }


def _finding_counts(findings, hi) -> dict:
    """Rectification as it stood at the year's end: closed on time, closed late, still open."""
    out = {"findings": 0, "ordered": 0, "on_time": 0, "late": 0, "open": 0}
    for required, status, verified_at, due in findings.values_list(
        "rectification_required", "status", "verified_at", "due_date"
    ):
        out["findings"] += 1
        if not required:
            continue
        out["ordered"] += 1
        if status == FindingStatus.CLOSED and verified_at and verified_at <= hi:
            on_time = due is None or timezone.localdate(verified_at) <= due
            out["on_time" if on_time else "late"] += 1
        else:
            out["open"] += 1
    return out
