from datetime import date

from django.http import Http404
from django.utils import timezone
from ninja import Query, Router, Schema

from gongkai import access
from gongkai.catalogue.models import Category
from gongkai.lib.params import Year
from gongkai.orgs.models import Organisation, SectorType

from . import compliance
from .models import Status
from .status import with_status

router = Router(tags=["obligations"])
UNCOVERED = "工作日历未覆盖"


class ObligationOut(Schema):
    id: int
    org_code: str
    org_name: str
    catalogue_item: str
    category: int
    kind: str
    period_label: str
    event_date: date | None
    due_date: date | None
    # R15: true when the deadline falls in a year no calendar covers; due_date is then null.
    calendar_not_covered: bool
    due_text: str
    status: str
    status_label: str
    fulfilled_on: date | None


class FiguresOut(Schema):
    key: str
    label: str
    total: int
    done_on_time: int
    done_late: int
    overdue: int
    due_soon: int
    withheld: int
    not_yet_due: int
    rate: float | None


class ComplianceOut(Schema):
    year: int
    by_org: list[FiguresOut]
    by_sector_type: list[FiguresOut]
    by_category: list[FiguresOut]


def _scope(user, year, org_code=None, sector_type=None):
    if not access.is_staff(user):
        return None
    qs = access.visible_obligations(user).filter(year=year or timezone.localdate().year)
    if org_code:
        org = Organisation.objects.filter(code=org_code).first()
        if org is None or not access.can(user, "obligation.view", org):
            raise Http404
        qs = qs.filter(org_id=org.pk)  # the org itself, as its heatmap row counts it
    if sector_type:
        qs = qs.filter(sector_type=sector_type)
    return qs


@router.get("", response=list[ObligationOut], summary="公开义务列表（本人所在组织及下级）")
def list_obligations(
    request,
    org: str | None = None,
    status: Status | None = None,
    year: Year | None = None,
    category: Category | None = None,
    limit: int = Query(100, ge=1, le=500),
    offset: int = Query(0, ge=0, le=1_000_000),
):
    qs = _scope(request.auth, year, org)
    if qs is None:
        return []
    if category:
        qs = qs.filter(category=category)
    qs = with_status(qs)
    if status:
        qs = qs.filter(status=status)
    limit, offset = max(1, min(limit, 500)), max(0, offset)
    rows = qs.select_related("org", "catalogue_item").order_by("due_date", "org_path", "pk")[
        offset : offset + limit
    ]
    return [
        {
            "id": o.pk,
            "org_code": o.org.code,
            "org_name": o.org.name,
            "catalogue_item": o.catalogue_item.title,
            "category": o.category,
            "kind": o.kind,
            "period_label": o.period_label,
            "event_date": o.event_date,
            "due_date": o.due_date,
            "calendar_not_covered": o.calendar_not_covered,
            "due_text": UNCOVERED
            if o.calendar_not_covered
            else (o.due_date.isoformat() if o.due_date else ""),
            "status": o.status,
            "status_label": o.status_label,
            "fulfilled_on": o.fulfilled_on,
        }
        for o in rows
    ]


def _fig(key, label, f) -> dict:
    return {"key": str(key), "label": str(label), **f.as_dict()}


@router.get("/compliance", response=ComplianceOut, summary="公开义务完成情况（按组织、组织类型、目录类别）")
def compliance_figures(request, year: Year | None = None, sector_type: SectorType | None = None):
    year = year or timezone.localdate().year
    if not access.is_staff(request.auth):
        return {"year": year, "by_org": [], "by_sector_type": [], "by_category": []}
    qs = access.visible_compliance_summary(request.auth).filter(year=year)
    if sector_type:
        qs = qs.filter(sector_type=sector_type)
    rollups = access.visible_compliance_rollups(request.auth).filter(year=year)
    if sector_type:
        rollups = rollups.filter(sector_type=sector_type)
    figures = compliance.from_summary(qs, rollups=rollups)  # issue 4; compute() is the live check
    orgs = Organisation.objects.filter(pk__in=list(figures["by_org"])).order_by("path")
    sectors = dict(SectorType.choices)
    categories = dict(Category.choices)
    return {
        "year": year,
        "by_org": [_fig(o.code, o.name, figures["by_org"][o.pk]) for o in orgs],
        "by_sector_type": [
            _fig(k, sectors.get(k, "党委"), f) for k, f in sorted(figures["by_sector_type"].items())
        ],
        "by_category": [_fig(k, categories[k], f) for k, f in sorted(figures["by_category"].items())],
    }
