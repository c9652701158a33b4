from ninja import Router, Schema

from gongkai import access

router = Router(tags=["orgs"])


class OrgOut(Schema):
    code: str
    name: str
    level: str
    level_label: str
    sector_type: str
    sector_type_label: str
    parent_code: str | None
    depth: int


def _out(org, parent_codes) -> dict:
    return {
        "code": org.code,
        "name": org.name,
        "level": org.level,
        "level_label": str(org.get_level_display()),
        "sector_type": org.sector_type,
        "sector_type_label": str(org.get_sector_type_display()) if org.sector_type else "",
        "parent_code": parent_codes.get(org.path[: -org.steplen]) if org.depth > 1 else None,
        "depth": org.depth,
    }


@router.get("", response=list[OrgOut], summary="党组织列表（按树序）")
def list_orgs(request):
    orgs = list(access.visible_orgs(request.auth).order_by("path"))
    codes = {o.path: o.code for o in orgs}
    return [_out(o, codes) for o in orgs]


@router.get("/{code}", response=OrgOut, summary="党组织详情")
def get_org(request, code: str):
    org = access.get_org_or_404(request.auth, code)
    parent = org.parent()
    if parent is not None and not access.can(request.auth, "org.view", parent):
        parent = None
    return _out(org, {parent.path: parent.code} if parent else {})
