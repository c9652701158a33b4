"""R30 search: candidates from the full-text index, restricted to `access.visible_items(user)` in the
same SQL, then ranked. One results contract on SQLite (FTS5, bm25) and PostgreSQL (tsvector,
ts_rank_cd).

Ranking is bounded: the index yields the newest CANDIDATES visible matches (cheap on both engines:
rowid order, no scoring of every hit) and only those are scored and ordered. Below that many hits the
result is exact; above it the page says so and counts and facets cover the candidates.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from django.db import connection, models, transaction
from django.db.models import Exists, OuterRef
from django.db.models.expressions import RawSQL
from django.utils import timezone

from gongkai import access
from gongkai.catalogue.models import Category, Scope
from gongkai.disclosure.models import DisclosureItem
from gongkai.orgs.models import Organisation

from .models import FtsRow, SearchDoc
from .text import Query, fts5_expr, tsquery_expr

CANDIDATES = 400
PAGE_SIZE = 20
PHRASE_WINDOW = 100
# PostgreSQL: above this share of documents matching (planner estimate), walk the newest documents
# instead of collecting matches from the GIN index.
WALK_ABOVE = 0.3


@dataclass
class Filters:
    org: Organisation | None = None
    category: int | None = None
    year: int | None = None
    scope: str | None = None

    def apply(self, items):
        if self.org is not None:
            items = items.filter(self.org.subtree_q("org_path"))
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


def _candidates(query: Query, visible, public_only: bool) -> list[tuple[int, float | None]]:
    """(item id, engine score or None: lower is better) of the newest CANDIDATES + 1 visible matches.

    `public_only` narrows inside the index first (an anonymous visitor would otherwise probe every
    internal hit); it never widens: visible_items still decides each row."""
    if connection.vendor == "sqlite":
        expr = fts5_expr(query.alternatives)
        if public_only:
            expr = f"({expr}) AND tags:public"
        # No bm25 here: FTS5's bm25 first counts every hit of every phrase for its IDF (about 300 ms for
        # a phrase in all of 1M items, whatever the LIMIT); the newest matches come by a rowid-descending
        # walk that stops at the bound. `_bm25` scores them afterwards.
        rows = (
            FtsRow.objects.filter(RawSQL("search_fts MATCH %s", [expr], output_field=models.BooleanField()))
            .filter(Exists(visible.filter(pk=OuterRef("rowid"))))
            .order_by("-rowid")
            .values_list("rowid", flat=True)
        )
        return [(pk, None) for pk in rows[: CANDIDATES + 1]]
    tsq = tsquery_expr(query.alternatives)
    docs = SearchDoc.objects.filter(tags="public") if public_only else SearchDoc.objects.all()
    matching = docs.filter(
        RawSQL(
            "search_searchdoc.document @@ to_tsquery('simple', %s)", [tsq], output_field=models.BooleanField()
        )
    )
    if _estimated_rows(matching) > WALK_ABOVE * _estimated_rows(docs):
        # Most documents match: walking the newest ids and testing each stops after a few hundred,
        # where collecting every match from the GIN index would read most of the table.
        rows = matching.filter(Exists(visible.filter(pk=OuterRef("item_id")))).order_by("-item_id")
        rows = rows.annotate(
            score=RawSQL(
                "-ts_rank_cd('{0.1, 0.2, 0.4, 1.0}', search_searchdoc.document, to_tsquery('simple', %s))",
                [tsq],
            )
        ).values_list("item_id", "score")
        return list(rows[: CANDIDATES + 1])
    # Few match: the GIN index yields them (MATERIALIZED keeps the planner from walking visible items
    # in id order and testing each document); visibility is then checked by primary key, bounded to the
    # newest CANDIDATES + 1, and only those are ranked.
    bounded = (
        visible.filter(pk__in=RawSQL("SELECT item_id FROM matched", []))
        .order_by("-pk")
        .values("pk")[: CANDIDATES + 1]
    )
    bounded_sql, bounded_params = bounded.query.get_compiler(connection=connection).as_sql()
    matched_sql, matched_params = (
        matching.values("item_id").query.get_compiler(connection=connection).as_sql()
    )
    sql = f"""
        WITH matched AS MATERIALIZED ({matched_sql})
        SELECT d.item_id, -ts_rank_cd('{{0.1, 0.2, 0.4, 1.0}}', d.document, to_tsquery('simple', %s))
        FROM search_searchdoc d WHERE d.item_id IN ({bounded_sql})
        ORDER BY d.item_id DESC"""
    with transaction.atomic(), connection.cursor() as cur:
        # A sequential scan would test (and de-TOAST) every document; the bitmap index scan reads only
        # the matching rows. The planner underrates that cost, so it is told, for this statement only.
        cur.execute("SELECT current_setting('enable_seqscan'), set_config('enable_seqscan', 'off', true)")
        before = cur.fetchone()[0]
        cur.execute(sql, [*matched_params, tsq, *bounded_params])
        rows = list(cur.fetchall())
        cur.execute("SELECT set_config('enable_seqscan', %s, true)", [before])
        return rows


def _estimated_rows(qs) -> float:
    """PostgreSQL's own estimate of how many rows `qs` yields (planning only, well under a millisecond)."""
    sql, params = qs.values("pk").query.get_compiler(connection=connection).as_sql()
    with connection.cursor() as cur:
        cur.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        plan = cur.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return plan[0]["Plan"]["Plan Rows"]


def _bm25(query: Query, rows: list[tuple[int, str, str]]) -> dict[int, float]:
    """FTS5's bm25 (k1 1.2, b 0.75, title weight 10, body 1, tags 0; negative, lower is better) over
    the candidates' stored tokens. Document frequencies and the average length are taken over the
    candidates, not the whole index: they only weigh one query's phrases against each other, and
    counting them over the index is what made FTS5's own bm25 cost up to 300 ms for common words."""
    phrases = [" " + " ".join(p) + " " for alts in query.alternatives for p in alts]
    docs = []
    for pk, title, body in rows:
        length = (title.count(" ") + 1 if title else 0) + (body.count(" ") + 1 if body else 0)
        title, body = f" {title} ", f" {body} "
        docs.append((pk, [10.0 * title.count(p) + body.count(p) for p in phrases], length))
    n = len(docs) or 1
    avgdl = sum(d[2] for d in docs) / n or 1.0
    # Always positive (log1p), so a phrase every candidate holds still counts.
    idf = [
        math.log1p((n - k + 0.5) / (k + 0.5))
        for k in (sum(1 for d in docs if d[1][i]) for i in range(len(phrases)))
    ]
    return {
        pk: -sum(
            w * f * 2.2 / (f + 1.2 * (0.25 + 0.75 * length / avgdl)) for w, f in zip(idf, freqs, strict=True)
        )
        for pk, freqs, length in docs
    }


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
    docs = SearchDoc.objects.filter(item_id__in=list(scores))
    if connection.vendor == "sqlite":
        rows = list(docs.values_list("item_id", "title_tokens", "body_tokens"))
        scores = _bm25(query, rows)
    docs = docs.values_list("item_id", "org_id", "category", "year", "scope", "title_text")
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
    # Rows by primary key, each tested against visible_items: filtering visible_items by pk instead
    # let SQLite walk its published-public index (about 100 ms at 1M items).
    visible = access.visible_items(user, now)
    items = (
        DisclosureItem.objects.filter(pk__in=ids)
        .filter(Exists(visible.filter(pk=OuterRef("pk"))))
        .select_related("org")
    )
    by_id = {i.pk: i for i in items}
    return [by_id[i] for i in ids if i in by_id]
