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
from contextlib import contextmanager
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

from .models import FtsRow, ReplyFtsRow, SearchDoc, SearchReply
from .text import Query, fts5_expr, tsquery_expr

CANDIDATES = 400
PAGE_SIZE = 20
PHRASE_WINDOW = 100
SNIPPET_SOURCE_CHARS = 20_000  # of an attachment's text, looked at for a snippet
# PostgreSQL: above this share of documents matching (planner estimate), walk the newest documents
# instead of collecting matches from the GIN index.
WALK_ABOVE = 0.3
# PostgreSQL: above this many estimated matches, collect them from the newest ids first (a window the
# GIN bitmap is intersected with), widening the window until it holds enough.
WINDOW_ABOVE = 20 * CANDIDATES
WINDOW_SPAN = 4  # the first window holds this many times the candidates, by the estimate


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


ITEM = "item"
REPLY = "reply"


@dataclass
class Hit:
    kind: str  # ITEM or REPLY (a published feedback reply)
    pk: int
    score: tuple
    org_id: int
    category: int | None
    year: int | None
    scope: str | None

    @property
    def item_id(self) -> int | None:
        return self.pk if self.kind == ITEM else None

    @property
    def key(self) -> tuple[str, int]:
        return (self.kind, self.pk)


@dataclass
class Results:
    query: Query
    hits: list[Hit] = field(default_factory=list)
    truncated: bool = False  # more visible matches exist than were ranked

    @property
    def total(self) -> int:
        return len(self.hits)

    def facets(self) -> dict[str, list[tuple]]:
        """(value, label, count) per filter, most frequent first; computed over the visible hits only
        (category and scope over items: replies have neither)."""
        items = [h for h in self.hits if h.kind == ITEM]
        cats = Counter(h.category for h in items)
        years = Counter(h.year for h in self.hits if h.year)
        scopes = Counter(h.scope for h in items)
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


# FTS5 columns a query word may match: the inside attachments' column only for viewers who read them.
SHARED_COLUMNS = "{title_tokens body_tokens attach_tokens}"
ALL_COLUMNS = "{title_tokens body_tokens attach_tokens inside_tokens}"


def _audience_expr(tokens: list[str]) -> str:
    return "tags : (" + " OR ".join(f'"{t}"' for t in tokens) + ")"


def _audience_tsquery(tokens: list[str]) -> str:
    return " | ".join(f"'{t}'" for t in tokens)


def _sqlite_candidates(expr: str, visible) -> list[int]:
    # No bm25 here: FTS5's bm25 first counts every hit of every phrase for its IDF (about 300 ms for a
    # phrase in all of 1M items, whatever the LIMIT); the newest matches come by a rowid-descending walk
    # that stops at the bound. `_bm25` scores them afterwards.
    rows = (
        FtsRow.objects.filter(RawSQL("search_fts MATCH %s", [expr], output_field=models.BooleanField()))
        .filter(Exists(visible.filter(pk=OuterRef("rowid"))))
        .order_by("-rowid")
        .values_list("rowid", flat=True)
    )
    return list(rows[: CANDIDATES + 1])


def _item_candidates(query: Query, user, filters, now) -> tuple[list[int], set[int]]:
    """(ids, inside ids): the newest CANDIDATES + 1 visible matching items, and those of them matched
    with the text of attachments kept inside (which only viewers who read them can match, R13).

    The audience tokens (access.search_audience) narrow inside the index first: a viewer would otherwise
    probe every match they may not see (common words with few visible hits). They never widen:
    visible_items still decides each row."""
    visible = filters.apply(access.visible_items(user, now))
    audience = access.search_audience(user)
    inside_audience = access.inside_attachment_audience(user)
    inside_visible = (
        filters.apply(access.inside_attachment_items(user, now)) if inside_audience != [] else None
    )
    if connection.vendor == "sqlite":
        text = fts5_expr(query.alternatives)
        expr = f"{SHARED_COLUMNS} : ({text})"
        if audience is not None:
            expr += " AND " + _audience_expr(audience)
        ids = _sqlite_candidates(expr, visible)
        inside: list[int] = []
        if inside_visible is not None:
            expr = f"{ALL_COLUMNS} : ({text}) AND " + _audience_expr([access.AUDIENCE_INSIDE])
            if inside_audience is not None:
                expr += " AND " + _audience_expr(inside_audience)
            inside = _sqlite_candidates(expr, inside_visible)
    else:
        tsq = tsquery_expr(query.alternatives)
        ids = [pk for pk, _ in _pg_candidates("document", tsq, audience, visible)]
        inside = []
        if inside_visible is not None:
            inside = [pk for pk, _ in _pg_candidates("inside_document", tsq, inside_audience, inside_visible)]
    merged = sorted(set(ids) | set(inside), reverse=True)[: CANDIDATES + 1]
    return merged, set(inside)


# No JIT: the disabled sequential scan makes every plan look huge, and PostgreSQL then JIT-compiled it
# (about 600 ms per search at 1M items, for queries that run in under a millisecond).
_GIN_PLAN = {
    "jit": "off",
    "enable_seqscan": "off",
    "enable_mergejoin": "off",
    "enable_hashjoin": "off",
    "work_mem": "64MB",
}


@contextmanager
def _pg_settings(cur_settings: dict[str, str]):
    """Planner settings for the statements inside, restored after (also inside a caller's transaction);
    one statement to set them, one to restore."""
    names = list(cur_settings)
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(
            "SELECT "
            + ", ".join(["current_setting(%s)"] * len(names) + ["set_config(%s, %s, true)"] * len(names)),
            [*names, *(x for n in names for x in (n, cur_settings[n]))],
        )
        before = cur.fetchone()[: len(names)]
        yield cur  # on an error the savepoint's rollback restores them
        cur.execute(
            "SELECT " + ", ".join(["set_config(%s, %s, true)"] * len(names)),
            [x for n, v in zip(names, before, strict=True) for x in (n, v)],
        )


def _pg_candidates(column: str, tsq: str, audience: list[str] | None, visible) -> list[tuple[int, float]]:
    """PostgreSQL: (item id, -ts_rank_cd) of the newest CANDIDATES + 1 visible matches of `column`."""
    match = f"search_searchdoc.{column} @@ to_tsquery('simple', %s)"
    matching = SearchDoc.objects.filter(RawSQL(match, [tsq], output_field=models.BooleanField()))
    docs = SearchDoc.objects.all()
    if audience is not None:
        narrow = RawSQL(
            "search_searchdoc.audience @@ to_tsquery('simple', %s)",
            [_audience_tsquery(audience)],
            output_field=models.BooleanField(),
        )
        matching, docs = matching.filter(narrow), docs.filter(narrow)
    rank = f"-ts_rank_cd('{{0.1, 0.2, 0.4, 1.0}}', search_searchdoc.{column}, to_tsquery('simple', %s))"
    estimate, total = _estimated_rows(matching), _estimated_rows(docs)
    if estimate > WALK_ABOVE * total:
        # Most documents match: walking the newest ids and testing each stops after a few hundred,
        # where collecting every match from the GIN index would read most of the table.
        rows = matching.filter(Exists(visible.filter(pk=OuterRef("item_id")))).order_by("-item_id")
        rows = rows.annotate(score=RawSQL(rank, [tsq])).values_list("item_id", "score")
        with _pg_settings(cur_settings={"jit": "off"}):
            return list(rows[: CANDIDATES + 1])
    # Few match: the GIN index yields them (MATERIALIZED keeps the planner from walking visible items
    # in id order and testing each document: about a second at 1M items, even for a word found
    # nowhere); the newest are then tested for visibility one by one by primary key, bounded to
    # CANDIDATES + 1, and only those are ranked.
    if estimate <= WINDOW_ABOVE:
        return _pg_gin_candidates(matching, visible, rank, tsq)
    # Many match (a common word): the newest CANDIDATES + 1 visible ones are the same whether found in
    # all matches or in the newest ids' window, once the window holds that many. Intersecting the GIN
    # bitmap with an id range reads only the window's rows (about 25 ms where collecting all 80,000
    # matches of a 10% word read 64,000 heap pages: 300 ms at 1M items).
    newest = SearchDoc.objects.order_by("-item_id").values_list("item_id", flat=True).first() or 0
    window = max(int(WINDOW_SPAN * (CANDIDATES + 1) * total / max(estimate, 1)), CANDIDATES + 1)
    while window < newest:
        rows = _pg_gin_candidates(
            matching.filter(item_id__gt=newest - window), visible, rank, tsq, windowed=True
        )
        if len(rows) > CANDIDATES:
            return rows
        # Fewer visible matches than the estimate promised: widen to where enough should be, judging by
        # what this window held (none: the whole index at once).
        window *= max(2 * (CANDIDATES + 1) // max(len(rows), 1), 2)
    return _pg_gin_candidates(matching, visible, rank, tsq)


def _pg_gin_candidates(
    matching, visible, rank: str, tsq: str, windowed: bool = False
) -> list[tuple[int, float]]:
    check = visible.filter(pk=RawSQL("m.item_id", [])).values("pk")
    check_sql, check_params = check.query.get_compiler(connection=connection).as_sql()
    matched_sql, matched_params = (
        matching.values("item_id").query.get_compiler(connection=connection).as_sql()
    )
    sql = f"""
        WITH matched AS MATERIALIZED ({matched_sql}),
        bounded AS MATERIALIZED (
            SELECT m.item_id FROM matched m WHERE EXISTS ({check_sql} OFFSET 0)
            ORDER BY m.item_id DESC LIMIT {CANDIDATES + 1})
        SELECT search_searchdoc.item_id, {rank}
        FROM bounded JOIN search_searchdoc ON search_searchdoc.item_id = bounded.item_id
        ORDER BY search_searchdoc.item_id DESC"""
    # A sequential scan would test (and de-TOAST) every document; the bitmap index scan reads only the
    # matching rows, exactly when it has the memory not to go lossy. The visibility test must stay one
    # primary-key probe per match, newest first (OFFSET 0 keeps the EXISTS a per-row subplan): as a
    # semi-join the planner walked every visible item instead (seconds at 1M items). The planner underrates all that, so it is told, for this statement only.
    # A window is read as the intersection of two bitmaps (the GIN index's and the id range's): an index
    # scan down the ids would test every document of the window instead.
    plan = {**_GIN_PLAN, "enable_indexscan": "off"} if windowed else _GIN_PLAN
    with _pg_settings(cur_settings=plan) as cur:
        cur.execute(sql, [*matched_params, *check_params, tsq])
        return list(cur.fetchall())


def _reply_candidates(query: Query, user, filters, now) -> list[int]:
    """The newest CANDIDATES + 1 published replies the user may read that match (R18: few, public)."""
    if filters.category or filters.scope:
        return []  # replies have neither
    visible = filters.apply(access.visible_replies(user))
    if connection.vendor == "sqlite":
        rows = ReplyFtsRow.objects.filter(
            RawSQL("search_reply_fts MATCH %s", [fts5_expr(query.alternatives)], models.BooleanField())
        ).order_by("-rowid")
    else:
        rows = SearchReply.objects.filter(
            RawSQL(
                "search_searchreply.document @@ to_tsquery('simple', %s)",
                [tsquery_expr(query.alternatives)],
                models.BooleanField(),
            )
        ).order_by("-case_id")
    key = "rowid" if connection.vendor == "sqlite" else "case_id"
    rows = rows.filter(Exists(visible.filter(pk=OuterRef(key)))).values_list(key, flat=True)
    return list(rows[: CANDIDATES + 1])


def _estimated_rows(qs) -> float:
    """PostgreSQL's own estimate of how many rows `qs` yields (planning only, well under a millisecond)."""
    sql, params = qs.values("pk").query.get_compiler(connection=connection).as_sql()
    with connection.cursor() as cur:
        cur.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        plan = cur.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return plan[0]["Plan"]["Plan Rows"]


def _bm25(query: Query, rows: list[tuple[tuple, str, str]]) -> dict[tuple, float]:
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


def _phrase_keys(query: Query, keys: list[tuple[str, int]], inside: set[int]) -> set[tuple[str, int]]:
    """Candidates holding the whole typed phrase, in title or text (hanzi phrases via bigrams)."""
    from .text import bigrams, is_han

    if len(query.terms) < 2 or not keys:
        return set()
    phrase = [[query.phrase], bigrams(query.phrase)] if is_han(query.phrase) else [query.terms]
    items = [pk for kind, pk in keys if kind == ITEM]
    replies = [pk for kind, pk in keys if kind == REPLY]
    found: set[tuple[str, int]] = set()
    if connection.vendor == "sqlite":
        text = fts5_expr([phrase])
        for ids, columns in (
            ([pk for pk in items if pk not in inside], SHARED_COLUMNS),
            ([pk for pk in items if pk in inside], ALL_COLUMNS),
        ):
            if ids:
                qs = FtsRow.objects.filter(
                    RawSQL("search_fts MATCH %s", [f"{columns} : ({text})"], models.BooleanField()),
                    rowid__in=ids,
                ).values_list("rowid", flat=True)
                found |= {(ITEM, pk) for pk in qs}
        if replies:
            qs = ReplyFtsRow.objects.filter(
                RawSQL("search_reply_fts MATCH %s", [text], models.BooleanField()), rowid__in=replies
            ).values_list("rowid", flat=True)
            found |= {(REPLY, pk) for pk in qs}
        return found
    tsq = tsquery_expr([phrase])
    for ids, column in (
        ([pk for pk in items if pk not in inside], "document"),
        ([pk for pk in items if pk in inside], "inside_document"),
    ):
        if ids:
            qs = SearchDoc.objects.filter(
                RawSQL(
                    f"search_searchdoc.{column} @@ to_tsquery('simple', %s)", [tsq], models.BooleanField()
                ),
                item_id__in=ids,
            ).values_list("item_id", flat=True)
            found |= {(ITEM, pk) for pk in qs}
    if replies:
        qs = SearchReply.objects.filter(
            RawSQL("search_searchreply.document @@ to_tsquery('simple', %s)", [tsq], models.BooleanField()),
            case_id__in=replies,
        ).values_list("case_id", flat=True)
        found |= {(REPLY, pk) for pk in qs}
    return found


def search(user, raw: str, filters: Filters | None = None, now=None) -> Results:
    """Visible matches of `raw` for `user` (items and published feedback replies), best first."""
    query = Query(raw)
    results = Results(query)
    if query.empty or query.too_long:
        return results
    filters = filters or Filters()
    item_ids, inside = _item_candidates(query, user, filters, now)
    reply_ids = _reply_candidates(query, user, filters, now)
    results.truncated = len(item_ids) > CANDIDATES or len(reply_ids) > CANDIDATES
    item_ids, reply_ids = item_ids[:CANDIDATES], reply_ids[:CANDIDATES]
    rows, meta = [], {}
    for pk, org_id, category, year, scope, title, t, b, a, i in SearchDoc.objects.filter(
        item_id__in=item_ids
    ).values_list(
        "item_id", "org_id", "category", "year", "scope", "title_text",
        "title_tokens", "body_tokens", "attach_tokens", "inside_tokens",
    ):  # fmt: skip
        body = f"{b} {a} {i}" if pk in inside else f"{b} {a}"
        rows.append(((ITEM, pk), t, body))
        meta[(ITEM, pk)] = (org_id, category, year, scope, title)
    for pk, org_id, year, title, t, b in SearchReply.objects.filter(case_id__in=reply_ids).values_list(
        "case_id", "org_id", "year", "title_text", "title_tokens", "body_tokens"
    ):
        rows.append(((REPLY, pk), t, b))
        meta[(REPLY, pk)] = (org_id, None, year, None, title)
    scores = _bm25(query, rows)
    hits = []
    for key, (org_id, category, year, scope, title) in meta.items():
        # Tiers: whole phrase in the title, every term in the title, then the score.
        score = (
            not (query.phrase and query.phrase in title),
            not all(t in title for t in query.terms),
            False,
            scores[key],
            -key[1],
        )
        hits.append(Hit(key[0], key[1], score, org_id, category, year, scope))
    hits.sort(key=lambda h: h.score)
    # Whole phrase in the text lifts an item above scattered words; checked on the leading window only,
    # since a phrase test over every candidate costs as much as the search itself.
    window = hits[:PHRASE_WINDOW]
    in_phrase = _phrase_keys(query, [h.key for h in window], inside)
    for h in window:
        h.score = (*h.score[:2], h.key not in in_phrase and len(query.terms) > 1, *h.score[3:])
    window.sort(key=lambda h: h.score)
    results.hits = window + hits[PHRASE_WINDOW:]
    return results


def page_rows(user, results: Results, page: int, now=None) -> list[tuple[str, object]]:
    """(kind, object) of one page, in rank order, each read again through access (a second, cheap
    check): items with their attachments (for snippets), replies with their organisation."""
    keys = [h.key for h in results.hits[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]]
    found: dict[tuple[str, int], object] = {}
    item_ids = [pk for kind, pk in keys if kind == ITEM]
    if item_ids:
        # Rows by primary key, each tested against visible_items: filtering visible_items by pk instead
        # let SQLite walk its published-public index (about 100 ms at 1M items).
        visible = access.visible_items(user, now)
        items = (
            DisclosureItem.objects.filter(pk__in=item_ids)
            .filter(Exists(visible.filter(pk=OuterRef("pk"))))
            .select_related("org")
            .prefetch_related("attachments")
        )
        found.update(((ITEM, i.pk), i) for i in items)
    reply_ids = [pk for kind, pk in keys if kind == REPLY]
    if reply_ids:
        replies = access.visible_replies(user).filter(pk__in=reply_ids).select_related("org")
        found.update(((REPLY, c.pk), c) for c in replies)
    return [(k[0], found[k]) for k in keys if k in found]


def page_items(user, results: Results, page: int, now=None) -> list:
    """The items of one page, in rank order (replies left out)."""
    return [obj for kind, obj in page_rows(user, results, page, now) if kind == ITEM]


def snippet_source(user, item, terms: list[str]) -> str:
    """The text a result's snippet is cut from: the body, or the first attachment the viewer may read
    (access.visible_attachments) that holds more of the query's words. An attachment kept inside never
    gives text to a viewer who may not read it."""
    from gongkai.lib.zhtext import normalize

    from .index import item_text

    def held(text: str) -> int:
        norm = normalize(text)
        return sum(1 for t in terms if t in norm)

    # The same text as item.plain_text(), without rendering plain Markdown (a third of the page's time).
    best, best_held = item_text(item.reader_body(), item.body_format), None
    if not terms:
        return best
    best_held = held(best)
    for attachment in access.visible_attachments(user, item):
        if best_held == len(terms):
            break
        text = attachment.text[:SNIPPET_SOURCE_CHARS]
        if (n := held(text)) > best_held:
            best, best_held = text, n
    return best
