"""GET /api/v1/search: the search page's contract as JSON, through the same engine and access rules."""

from datetime import datetime

from ninja import Query, Router, Schema
from ninja.errors import HttpError

from . import engine, index, params
from .engine import PAGE_SIZE
from .views import result_rows

router = Router(tags=["search"])


class SearchParams(Schema):
    q: str = ""
    org: str = ""
    category: str = ""
    year: str = ""
    scope: str = ""
    page: str = "1"


class OrgRef(Schema):
    code: str
    name: str


class SearchHit(Schema):
    kind: str  # "item", or "reply" (a published feedback reply: no category, scope or index number)
    id: int
    title: str
    title_html: str
    snippet_html: str
    org: OrgRef
    category: int | None
    category_label: str
    scope: str | None
    scope_label: str
    state: str
    published_at: datetime | None
    index_number: str
    url: str


class FacetValue(Schema):
    value: str
    label: str
    count: int


class SearchPage(Schema):
    q: str
    terms: list[str]
    total: int
    truncated: bool
    page: int
    pages: int
    page_size: int
    results: list[SearchHit]
    facets: dict[str, list[FacetValue]]


@router.get("", response=SearchPage, summary="全文检索（仅返回调用者有权查看的内容）")
def search(request, filters: Query[SearchParams]):
    p = params.parse(request.user, filters.dict())
    if p.errors:
        raise HttpError(400, " ".join(p.errors))
    results = engine.search(request.user, p.q, p.filters)
    if message := params.query_message(results.query):
        raise HttpError(400, message)
    pages = max(1, -(-results.total // PAGE_SIZE))
    page = min(p.page, pages)
    rows = []
    for r in result_rows(request.user, results, page):
        if r["kind"] == engine.ITEM:
            i = r["item"]
            rows.append(
                {
                    "kind": r["kind"],
                    "id": i.pk,
                    "title": i.title,
                    "category": i.category,
                    "category_label": i.get_category_display(),
                    "scope": i.scope,
                    "scope_label": i.get_scope_display(),
                    "state": i.state,
                    "published_at": i.published_at,
                    "index_number": i.index_number,
                    "org": {"code": i.org.code, "name": i.org.name},
                    "title_html": str(r["title"]),
                    "snippet_html": str(r["snippet"]),
                    "url": r["url"],
                }
            )
        else:
            c = r["reply"]
            rows.append(
                {
                    "kind": r["kind"],
                    "id": c.pk,
                    "title": index.reply_subject(c),
                    "category": None,
                    "category_label": "",
                    "scope": None,
                    "scope_label": "",
                    "state": "published",
                    "published_at": c.published_at,
                    "index_number": "",
                    "org": {"code": c.org.code, "name": c.org.name},
                    "title_html": str(r["title"]),
                    "snippet_html": str(r["snippet"]),
                    "url": r["url"],
                }
            )
    facets = {
        name: [{"value": str(v), "label": str(label), "count": n} for v, label, n in values]
        for name, values in results.facets().items()
    }
    return {
        "q": p.q,
        "terms": results.query.terms,
        "total": results.total,
        "truncated": results.truncated,
        "page": page,
        "pages": pages,
        "page_size": PAGE_SIZE,
        "results": rows,
        "facets": facets,
    }
