"""/api/v1/oversight: dashboard figures, the 联系安排表 and published evaluation results.
Same access rules as the pages: no oversight scope answers 404."""

from datetime import date

from django.http import Http404
from django.utils import timezone
from ninja import Router, Schema

from gongkai import access
from gongkai.lib.params import Year

from . import dashboard
from .results import results

router = Router(tags=["oversight"])


class LaggingOut(Schema):
    code: str
    name: str
    lacks: list[str]


class SectorOut(Schema):
    sector_type: str
    label: str
    deadline: date | None
    total: int
    implemented: int
    implemented_by_deadline: int
    percent: int
    past_deadline: bool
    lagging: list[LaggingOut]


class SectorComplianceOut(Schema):
    sector_type: str
    total: int
    done_on_time: int
    done_late: int
    overdue: int
    rate: float | None


class DashboardOut(Schema):
    year: int
    plan: str | None
    sectors: list[SectorOut]
    compliance: list[SectorComplianceOut]
    open_rectifications: int
    overdue_rectifications: int


class AssignmentOut(Schema):
    supervisor: str
    org_code: str
    org_name: str
    note: str


class OrgResultOut(Schema):
    org_code: str
    org_name: str
    voters: int
    shown: bool
    satisfied: int | None = None
    basic: int | None = None
    unsatisfied: int | None = None
    rate: float | None = None
    comments: list[str] | None = None
    withheld_comments: int | None = None


class ResultsOut(Schema):
    id: int
    title: str
    closes_at: str
    orgs: list[OrgResultOut]


@router.get("/dashboard", response=DashboardOut, summary="全面推行进度与公开义务按时率（本人督导范围）")
def dashboard_figures(request, year: Year | None = None):
    year = year or timezone.localdate().year
    f = dashboard.figures(request.auth, year)
    on = f["on"]
    findings = list(dashboard.open_findings(request.auth).filter(status__in=["open", "sent_back"]))
    return {
        "year": year,
        "plan": f["plan"].title if f["plan"] else None,
        "sectors": [s.as_dict(on) for s in f["sectors"]],
        "compliance": [
            {
                "sector_type": k,
                **{x: v.as_dict()[x] for x in ("total", "done_on_time", "done_late", "overdue", "rate")},
            }
            for k, v in sorted(f["compliance"].items())
        ],
        "open_rectifications": len(findings),
        "overdue_rectifications": sum(1 for x in findings if x.is_overdue(on)),
    }


@router.get("/assignments", response=list[AssignmentOut], summary="联系安排表")
def assignments(request):
    from .views import _assignment_scope, _supervisor_label

    if not access.oversees_anything(request.auth) and not access.visible_assignments(request.auth).exists():
        raise Http404
    return [
        {
            "supervisor": _supervisor_label(a.supervisor),
            "org_code": a.org.code,
            "org_name": a.org.name,
            "note": a.note,
        }
        for a in _assignment_scope(request.auth)
    ]


@router.get("/evaluations/{id:campaign_id}", response=ResultsOut, summary="评议结果（评议结束后公开）")
def evaluation_results(request, campaign_id: int):
    now = timezone.now()
    campaign = access.visible_campaigns(request.auth, now).filter(pk=campaign_id, closes_at__lte=now).first()
    if campaign is None:
        raise Http404
    orgs = list(access.visible_orgs(request.auth).filter(evaluations=campaign).order_by("path"))
    return {
        "id": campaign.pk,
        "title": campaign.title,
        "closes_at": campaign.closes_at.isoformat(),
        "orgs": [r.as_dict() for r in results(campaign, orgs)],
    }
