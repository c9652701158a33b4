"""The search page (R30): everything the viewer may see, filtered through access.py."""

from urllib.parse import urlencode

from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from . import engine, index, params
from .engine import PAGE_SIZE
from .snippets import highlight, snippet

FACET_TITLES = {"category": "目录类别", "year": "年份", "scope": "公开范围", "org": "发布机构"}


def _link(base: dict, **change) -> str:
    query = {k: v for k, v in {**base, **change}.items() if v not in (None, "")}
    return "?" + urlencode(query)


def _facet_groups(facets: dict, base: dict) -> list[dict]:
    groups = []
    for name, rows in facets.items():
        current = str(base.get(name, ""))
        groups.append(
            {
                "title": _(FACET_TITLES[name]),
                "all_url": _link(base, **{name: None}),
                "active": bool(current),
                "rows": [
                    {
                        "label": label,
                        "count": n,
                        "url": _link(base, **{name: value}),
                        "on": str(value) == current,
                    }
                    for value, label, n in rows
                ],
            }
        )
    return groups


def result_rows(user, results, page: int) -> list[dict]:
    """What each hit of one page shows: kind, link, marked title and snippet, and the object itself."""
    terms = results.query.terms
    rows = []
    for kind, obj in engine.page_rows(user, results, page):
        if kind == engine.ITEM:
            rows.append(
                {
                    "kind": kind,
                    "item": obj,
                    "url": reverse("disclosure:detail", args=[obj.pk]),
                    "title": highlight(obj.title, terms),
                    "snippet": snippet(engine.snippet_source(user, obj, terms), terms),
                }
            )
        else:
            rows.append(
                {
                    "kind": kind,
                    "reply": obj,
                    "url": reverse("feedback:public_reply", args=[obj.pk]),
                    "title": highlight(index.reply_subject(obj), terms),
                    "snippet": snippet(obj.published_reply, terms),
                }
            )
    return rows


@require_GET
def search(request):
    p = params.parse(request.user, request.GET)
    base = p.as_query()
    ctx = {"p": p, "errors": p.errors, "results": None, "message": "", "pages": 0}
    if "q" in request.GET and not p.errors:
        results = engine.search(request.user, p.q, p.filters)
        ctx["message"] = params.query_message(results.query)
        if not ctx["message"]:
            pages = max(1, -(-results.total // PAGE_SIZE))
            page = min(p.page, pages)
            ctx.update(
                results=results,
                rows=result_rows(request.user, results, page),
                facets=_facet_groups(results.facets(), base),
                page=page,
                pages=pages,
                prev_url=_link(base, page=page - 1) if page > 1 else None,
                next_url=_link(base, page=page + 1) if page < pages else None,
            )
    return render(request, "search/results.html", ctx)
