"""Catalogue read API (R4, R5): the catalogues and, per organisation, the items that apply to it."""

from datetime import datetime

from ninja import Router, Schema

from gongkai import access

from .models import Catalogue, CatalogueItem, CatalogueVersion, current_version_for

router = Router(tags=["catalogue"])


class VersionOut(Schema):
    id: int
    number: int
    published_at: datetime
    note: str


class CatalogueOut(Schema):
    id: int
    name: str
    owner_code: str
    owner_name: str
    filing_body: str
    current_version: VersionOut | None


class StageOut(Schema):
    name: str
    days: int


class CatalogueItemOut(Schema):
    id: int
    number: int
    category: int
    category_label: str
    title: str
    description: str
    sector_types: list[str]
    sector_type_labels: list[str]
    target_scope: str
    target_scope_label: str
    duration: str
    duration_label: str
    period_days: int | None
    notice_days: int | None
    timing: str
    timing_label: str
    timing_text: str
    cadence: str
    cadence_label: str
    due_rule: str
    due_offset: int
    due_month: int | None
    due_day: int | None
    due_next_period: bool
    stages: list[StageOut]
    min_internal_days: int
    retention: str
    retention_label: str
    required_carrier: str
    required_carrier_label: str


class OrgCatalogueOut(Schema):
    org_code: str
    org_name: str
    catalogue: CatalogueOut | None
    items: list[CatalogueItemOut]


def _version(v: CatalogueVersion | None) -> dict | None:
    if v is None:
        return None
    return {"id": v.pk, "number": v.number, "published_at": v.published_at, "note": v.note}


def _catalogue(c: Catalogue, version: CatalogueVersion | None) -> dict:
    return {
        "id": c.pk,
        "name": c.name,
        "owner_code": c.owner.code,
        "owner_name": c.owner.name,
        "filing_body": c.filing_body,
        "current_version": _version(version),
    }


def item_out(i: CatalogueItem) -> dict:
    return {
        "id": i.pk,
        "number": i.number,
        "category": i.category,
        "category_label": str(i.get_category_display()),
        "title": i.title,
        "description": i.description,
        "sector_types": i.sector_type_list,
        "sector_type_labels": i.sector_type_labels(),
        "target_scope": i.target_scope,
        "target_scope_label": str(i.get_target_scope_display()),
        "duration": i.duration,
        "duration_label": str(i.get_duration_display()),
        "period_days": i.period_days,
        "notice_days": i.notice_days,
        "timing": i.timing,
        "timing_label": str(i.get_timing_display()),
        "timing_text": str(i.timing_text()),
        "cadence": i.cadence,
        "cadence_label": str(i.get_cadence_display()) if i.cadence else "",
        "due_rule": i.rule,
        "due_offset": i.due_offset,
        "due_month": i.due_month,
        "due_day": i.due_day,
        "due_next_period": i.due_next_period,
        "stages": [{"name": s["name"], "days": int(s.get("days") or 0)} for s in i.stages or []],
        "min_internal_days": i.min_internal_days,
        "retention": i.retention,
        "retention_label": str(i.get_retention_display()),
        "required_carrier": i.required_carrier,
        "required_carrier_label": str(i.get_required_carrier_display()) if i.required_carrier else "",
    }


@router.get("", response=list[CatalogueOut], summary="公开目录列表（含现行版本）")
def list_catalogues(request):
    catalogues = list(
        Catalogue.objects.filter(owner__in=access.visible_orgs(request.auth))
        .select_related("owner")
        .order_by("owner__path", "pk")
    )
    current: dict[int, CatalogueVersion] = {}
    # Newest first, so the first published version seen per catalogue is its current one.
    for v in CatalogueVersion.objects.filter(catalogue__in=catalogues, published_at__isnull=False).order_by(
        "catalogue_id", "-number"
    ):
        current.setdefault(v.catalogue_id, v)
    return [_catalogue(c, current.get(c.pk)) for c in catalogues]


@router.get("/{org_code}", response=OrgCatalogueOut, summary="适用于某党组织的公开目录事项")
def org_catalogue(request, org_code: str):
    org = access.get_org_or_404(request.auth, org_code)
    version = current_version_for(org)
    items = list(CatalogueItem.objects.for_org(org)) if version else []
    return {
        "org_code": org.code,
        "org_name": org.name,
        "catalogue": _catalogue(version.catalogue, version) if version else None,
        "items": [item_out(i) for i in items],
    }
