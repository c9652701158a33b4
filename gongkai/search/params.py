"""Reading search parameters the same way for the page and the API; bad values become a Chinese
message, never an error page."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from gongkai import access
from gongkai.catalogue.models import Category, Scope
from gongkai.lib import params

from .engine import CANDIDATES, PAGE_SIZE, Filters
from .text import MAX_QUERY_CHARS, MAX_TERMS


@dataclass
class Params:
    q: str = ""
    filters: Filters = field(default_factory=Filters)
    page: int = 1
    errors: list[str] = field(default_factory=list)

    def as_query(self) -> dict:
        """The filter values as URL parameters (for facet links and the pager)."""
        f = self.filters
        out = {"q": self.q}
        if f.org is not None:
            out["org"] = f.org.code
        for name in ("category", "year", "scope"):
            if getattr(f, name):
                out[name] = getattr(f, name)
        return out


def _int(value) -> int | None:
    try:
        return params.parse_int(value)
    except ValidationError:
        return None


def parse(user, data) -> Params:
    p = Params(q=(data.get("q") or "").strip()[:200])
    f = p.filters
    if code := (data.get("org") or "").strip():
        # An organisation the user may not see reads exactly like one that does not exist.
        f.org = access.visible_orgs(user).filter(code=code).first()
        if f.org is None:
            p.errors.append(_("所选组织不存在。"))
    if (raw := data.get("category")) not in (None, ""):
        f.category = _int(raw)
        if f.category not in Category.values:
            f.category = None
            p.errors.append(_("目录类别无效。"))
    if (raw := data.get("year")) not in (None, ""):
        f.year = _int(raw)
        if f.year is None or not 1949 <= f.year <= 2100:
            f.year = None
            p.errors.append(_("年份无效。"))
    if (raw := data.get("scope")) not in (None, ""):
        f.scope = raw if raw in Scope.values else None
        if f.scope is None:
            p.errors.append(_("公开范围无效。"))
    page = _int(data.get("page") or 1)
    p.page = page if page and 1 <= page <= CANDIDATES // PAGE_SIZE else 1
    return p


def query_message(query) -> str:
    if query.too_long:
        return _("检索词过长：请控制在%(chars)d个字、%(terms)d个词以内。") % {
            "chars": MAX_QUERY_CHARS,
            "terms": MAX_TERMS,
        }
    if query.empty:
        return _("请输入检索词，例如“党费”“换届选举”。")
    return ""
