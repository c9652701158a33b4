"""R37 (plan 四(三)): the inspection summary's figures: what was inspected, findings, rectification on
time / late / open, per organisation and per sector type, as at a moment (frozen when filed)."""

from datetime import datetime

from django.utils.translation import gettext as _

from gongkai.orgs.models import SectorType
from gongkai.oversight.models import FindingStatus, Inspection, InspectionFinding

from .tables import Table

KEYS = ("inspections", "findings", "ordered", "on_time", "late", "open")


def compute(org, year: int, at: datetime) -> dict:
    from django.utils import timezone

    inspections = Inspection.objects.filter(org.subtree_q("org_path"), date__year=year).select_related("org")
    per_org: dict[int, dict] = {}

    def row(o):
        return per_org.setdefault(
            o.pk, {"org": o.name, "code": o.code, "sector_type": o.sector_type, **dict.fromkeys(KEYS, 0)}
        )

    for inspection in inspections:
        row(inspection.org)["inspections"] += 1
    findings = InspectionFinding.objects.filter(
        org.subtree_q("org_path"), inspection__date__year=year
    ).select_related("org")
    for f in findings:
        r = row(f.org)
        r["findings"] += 1
        if not f.rectification_required:
            continue
        r["ordered"] += 1
        if f.status == FindingStatus.CLOSED and f.verified_at and f.verified_at <= at:
            on_time = f.due_date is None or timezone.localdate(f.verified_at) <= f.due_date
            r["on_time" if on_time else "late"] += 1
        else:
            r["open"] += 1
    orgs = sorted(per_org.values(), key=lambda r: r["code"])
    sectors = []
    for sector in [("", _("党委（无类型）")), *SectorType.choices]:
        in_sector = [r for r in orgs if r["sector_type"] == sector[0]]
        if in_sector:
            sectors.append({"label": str(sector[1]), **{k: sum(r[k] for r in in_sector) for k in KEYS}})
    return {
        "org": org.code,
        "org_name": org.name,
        "year": year,
        "at": at.isoformat(),
        "inspected_orgs": sum(1 for r in orgs if r["inspections"]),
        "orgs": orgs,
        "sectors": sectors,
        "total": {k: sum(r[k] for r in orgs) for k in KEYS},
    }


def tables(f: dict) -> list[Table]:
    header = [_("检查次数"), _("发现问题"), _("限期整改"), _("按期整改"), _("逾期整改"), _("尚未整改")]
    t = f["total"]
    total = [_("合计"), *[t[k] for k in KEYS]]
    return [
        Table(
            _("检查情况"),
            _("按党组织"),
            [_("党组织"), *header],
            [[r["org"], *[r[k] for k in KEYS]] for r in f["orgs"]] + [total],
        ),
        Table(
            _("检查情况"),
            _("按组织类型"),
            [_("组织类型"), *header],
            [[r["label"], *[r[k] for k in KEYS]] for r in f["sectors"]] + [total],
        ),
    ]
