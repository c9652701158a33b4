"""R30 search: candidates from the full-text index, restricted to `access.visible_items(user)` in the
same SQL, then ranked. One results contract on SQLite (FTS5, bm25) and PostgreSQL (tsvector,
ts_rank_cd).

Ranking is bounded: the index yields the newest CANDIDATES visible matches (cheap on both engines:
rowid order, no scoring of every hit) and only those are scored and ordered. Below that many hits the
result is exact; above it the page says so and counts and facets cover the candidates.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from django.db import connection, models
from django.db.models import Exists, OuterRef
from django.db.models.expressions import RawSQL
from django.utils import timezone

from gongkai import access
from gongkai.catalogue.models import Category, Scope
from gongkai.orgs.models import Organisation

from .models import FtsRow, SearchDoc
from .text import Query, fts5_expr, tsquery_expr

CANDIDATES = 400
PAGE_SIZE = 20
PHRASE_WINDOW = 100


@dataclass
class Filters:
    org: Organisation | None = None
    category: int | None = None
    year: int | None = None
    scope: str | None = None

    def apply(self, items):
        if self.org is not None:
            items = items.filter(org_path__startswith=self.org.path)
        if self.category:
            items = items.filter(category=self.category)
        if self.scope:
            items = items.filter(scope=self.scope)
        if self.year:
            tz = timezone.get_current_timezone()
            items = items.filter(
                published_at__gte=datetime(self.year, 1, 1, tzinfo=tz),
                published_at__lt=datetime(self.year + 1, 1, 1, tzinfo=tz),
            )
        return items


@dataclass
class Hit:
    item_id: int
    score: tuple
    org_id: int
    category: int
    year: int | None
    scope: str


@dataclass
class Results:
    query: Query
    hits: list[Hit] = field(default_factory=list)
    truncated: bool = False  # more visible matches exist than were ranked

    @property
    def total(self) -> int:
        return len(self.hits)

    def facets(self) -> dict[str, list[tuple]]:
        """(value, label, count) per filter, most frequent first; computed over the visible hits only."""
        cats = Counter(h.category for h in self.hits)
        years = Counter(h.year for h in self.hits if h.year)
        scopes = Counter(h.scope for h in self.hits)
        orgs = Counter(h.org_id for h in self.hits).most_common(10)
        named = {
            pk: (code, name)
            for pk, code, name in Organisation.objects.filter(pk__in=[o for o, _ in orgs]).values_list(
                "pk", "code", "name"
            )
        }
        return {
            "category": [(c, Category(c).label, n) for c, n in cats.most_common()],
            "year": sorted(((y, str(y), n) for y, n in years.items()), reverse=True),
            "scope": [(s, Scope(s).label, n) for s, n in scopes.most_common()],
            "org": [(*named[o], n) for o, n in orgs if o in named],
        }


def _candidates(query: Query, visible, public_only: bool) -> list[tuple[int, float]]:
    """(item id, score: lower is better) of the newest CANDIDATES + 1 visible matches.

    `public_only` narrows inside the index first (an anonymous visitor would otherwise probe every
    internal hit); it never widens: visible_items still decides each row."""
    if connection.vendor == "sqlite":
        expr = fts5_expr(query.alternatives)
        if public_only:
            expr = f"({expr}) AND tags:public"
        rows = (
            FtsRow.objects.filter(RawSQL("search_fts MATCH %s", [expr], output_field=models.BooleanField()))
            .filter(Exists(visible.filter(pk=OuterRef("rowid"))))
            # bm25 is negative, lower is better; title counts ten times the body, tags nothing.
            .annotate(score=RawSQL("bm25(search_fts, 10.0, 1.0, 0.0)", []))
            .order_by("-rowid")
            .values_list("rowid", "score")
        )
    else:
        tsq = tsquery_expr(query.alternatives)
        docs = SearchDoc.objects.filter(tags="public") if public_only else SearchDoc.objects.all()
        rows = (
            docs.filter(
                RawSQL(
                    "search_searchdoc.document @@ to_tsquery('simple', %s)",
                    [tsq],
                    output_field=models.BooleanField(),
                )
            )
            .filter(Exists(visible.filter(pk=OuterRef("item_id"))))
            .annotate(
                score=RawSQL(
                    "-ts_rank_cd('{0.1, 0.2, 0.4, 1.0}', search_searchdoc.document, to_tsquery('simple', %s))",
                    [tsq],
                )
            )
            .order_by("-item_id")
            .values_list("item_id", "score")
        )
    return list(rows[: CANDIDATES + 1])


def _phrase_ids(query: Query, ids: list[int]) -> set[int]:
    """Candidates holding the whole typed phrase, in title or body (hanzi phrases via bigrams)."""
    from .text import bigrams, is_han

    if len(query.terms) < 2 or not ids:
        return set()
    phrase = [[query.phrase], bigrams(query.phrase)] if is_han(query.phrase) else [query.terms]
    if connection.vendor == "sqlite":
        expr = fts5_expr([phrase])
        qs = FtsRow.objects.filter(
            RawSQL("search_fts MATCH %s", [expr], output_field=models.BooleanField()), rowid__in=ids
        ).values_list("rowid", flat=True)
    else:
        qs = SearchDoc.objects.filter(
            RawSQL(
                "search_searchdoc.document @@ to_tsquery('simple', %s)",
                [tsquery_expr([phrase])],
                output_field=models.BooleanField(),
            ),
            item_id__in=ids,
        ).values_list("item_id", flat=True)
    return set(qs)


def search(user, raw: str, filters: Filters | None = None, now=None) -> Results:
    """Visible matches of `raw` for `user`, best first."""
    query = Query(raw)
    results = Results(query)
    if query.empty or query.too_long:
        return results
    visible = (filters or Filters()).apply(access.visible_items(user, now))
    cands = _candidates(query, visible, access.reads_public_items_only(user))
    results.truncated = len(cands) > CANDIDATES
    cands = cands[:CANDIDATES]
    scores = dict(cands)
    docs = SearchDoc.objects.filter(item_id__in=list(scores)).values_list(
        "item_id", "org_id", "category", "year", "scope", "title_text"
    )
    hits = []
    for pk, org_id, category, year, scope, title in docs:
        # Tiers: whole phrase in the title, every term in the title, then the engine's score.
        score = (
            not (query.phrase and query.phrase in title),
            not all(t in title for t in query.terms),
            False,
            scores[pk],
            -pk,
        )
        hits.append(Hit(pk, score, org_id, category, year, scope))
    hits.sort(key=lambda h: h.score)
    # Whole phrase in the body lifts an item above scattered words; checked on the leading window only,
    # since a phrase test over every candidate costs as much as the search itself.
    window = hits[:PHRASE_WINDOW]
    in_phrase = _phrase_ids(query, [h.item_id for h in window])
    for h in window:
        h.score = (*h.score[:2], h.item_id not in in_phrase and len(query.terms) > 1, *h.score[3:])
    window.sort(key=lambda h: h.score)
    results.hits = window + hits[PHRASE_WINDOW:]
    return results


def page_items(user, results: Results, page: int, now=None) -> list:
    """The items of one page, in rank order, read again through access (a second, cheap check)."""
    ids = [h.item_id for h in results.hits[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]]
    items = access.visible_items(user, now).filter(pk__in=ids).select_related("org")
    by_id = {i.pk: i for i in items}
    return [by_id[i] for i in ids if i in by_id]
