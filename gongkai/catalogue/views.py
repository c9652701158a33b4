"""The public catalogue (公开目录): what each organisation must disclose, to whom, by when (R4, R27)."""

from django.core.cache import cache
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from gongkai import access
from gongkai.orgs.models import SectorType

from .models import Catalogue, CatalogueItem, CatalogueVersion, Category, current_version_for


def _by_category(items) -> list[tuple[int, str, list]]:
    """The eight categories in order, each with its items (empty categories dropped)."""
    groups: dict[int, list] = {}
    for item in items:
        groups.setdefault(item.category, []).append(item)
    return [(value, label, groups[value]) for value, label in Category.choices if value in groups]


def org_catalogue(request, code):
    org = access.get_org_or_404(request.user, code)
    version = current_version_for(org)
    count, table = 0, ""
    if version is not None:
        # R5: a published version never changes, so its table per sector type can be kept for good.
        key = f"catalogue:org-table:1:{version.pk}:{org.sector_type or '-'}:{get_language()}"
        cached = cache.get(key)
        if cached is None:
            items = list(CatalogueItem.objects.for_org(org))
            groups = _by_category(items)
            cached = (len(items), render_to_string("catalogue/_org_table.html", {"groups": groups}, request))
            cache.set(key, cached, 24 * 3600)
        count, table = cached
    return render(
        request, "catalogue/org.html", {"org": org, "version": version, "table": table, "count": count}
    )


def index(request):
    """Catalogues and their published versions; the items of one version, filtered by category and type."""
    owners = access.visible_orgs(request.user)
    catalogues = list(
        Catalogue.objects.filter(owner__in=owners).select_related("owner").order_by("owner__path", "pk")
    )
    versions = list(
        CatalogueVersion.objects.filter(catalogue__in=catalogues, published_at__isnull=False).order_by(
            "catalogue_id", "-number"
        )
    )
    by_catalogue: dict[int, list] = {}
    for v in versions:
        by_catalogue.setdefault(v.catalogue_id, []).append(v)
    for c in catalogues:
        c.published_versions = by_catalogue.get(c.pk, [])

    errors = []
    selected = None
    wanted = request.GET.get("version", "")
    if wanted:
        selected = next((v for v in versions if str(v.pk) == wanted), None)
        if selected is None:
            errors.append(_("所选目录版本不存在或尚未发布，已显示现行版本。"))
    if selected is None:
        # The current version of the first catalogue (the one set highest in the tree).
        selected = next((c.published_versions[0] for c in catalogues if c.published_versions), None)
    if selected is not None:
        selected.catalogue = next(c for c in catalogues if c.pk == selected.catalogue_id)

    category = request.GET.get("category", "")
    sector = request.GET.get("type", "")
    items = CatalogueItem.objects.none()
    if selected is not None:
        items = CatalogueItem.objects.filter(version=selected)
        if category:
            if category.isdigit() and int(category) in Category.values:
                items = items.filter(category=int(category))
            else:
                errors.append(_("目录类别无效，已显示全部类别。"))
                category = ""
        if sector:
            if sector in SectorType.values:
                items = items.applicable_to(sector)  # items for every type count too
            else:
                errors.append(_("组织类型无效，已显示全部类型。"))
                sector = ""
    items = list(items)
    return render(
        request,
        "catalogue/index.html",
        {
            "catalogues": catalogues,
            "selected": selected,
            "groups": _by_category(items),
            "count": len(items),
            "categories": Category.choices,
            "sector_types": SectorType.choices,
            "category": category,
            "sector": sector,
            "errors": errors,
        },
    )
