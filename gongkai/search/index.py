"""Keeping the index in step with items (R30): `update_item` inside each state-changing transaction,
`rebuild` for `gongkai reindex`."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterator
from importlib import import_module

from django.db import connection, transaction
from django.utils import timezone

from gongkai.catalogue.models import Scope
from gongkai.disclosure.models import DisclosureItem, State, body_text
from gongkai.lib.zhtext import normalize

from .models import SearchDoc
from .text import doc_tokens

# Items that have been published: the current ones and the ended ones staff still read.
# Whether a viewer sees one is decided at query time by access.visible_items, never here.
INDEXED_STATES = (State.PUBLISHED, State.SUPERSEDED, State.REVOKED, State.TERMINATED)

_FIELDS = (
    "pk",
    "org_id",
    "org_path",
    "category",
    "scope",
    "state",
    "title",
    "body",
    "published_body",
    "published_at",
    "body_format",
)


def _doc_values(row: tuple) -> dict:
    """Index columns of one item from its `_FIELDS` values (pure: runs in worker processes too)."""
    pk, org_id, org_path, category, scope, state, title, body, published_body, published_at, body_format = row
    # Readers get the masked text (R13): index exactly that, as text (no Markdown or HTML syntax).
    text = body_text(published_body or body, body_format)
    return {
        "item_id": pk,
        "org_id": org_id,
        "org_path": org_path,
        "category": category,
        "year": timezone.localtime(published_at).year if published_at else None,
        "scope": scope,
        "state": state,
        "title_text": normalize(title)[:200],
        "title_tokens": doc_tokens(title),
        "body_tokens": doc_tokens(text),
        "tags": "public" if scope == Scope.PUBLIC and state == State.PUBLISHED else "",
    }


def _row(item: DisclosureItem) -> tuple:
    return tuple(getattr(item, f) for f in _FIELDS)


def update_item(item: DisclosureItem) -> None:
    """Index, re-index or drop one item after a state change, in the caller's transaction."""
    if item.state not in INDEXED_STATES:
        SearchDoc.objects.filter(item_id=item.pk).delete()
        return
    values = _doc_values(_row(item))
    values.pop("item_id")
    SearchDoc.objects.update_or_create(item_id=item.pk, defaults=values)


def index_new_items(items: list[DisclosureItem], batch: int = 2000) -> int:
    """Index items just created in bulk (an import), in the caller's transaction: inserts only."""
    table = connection.ops.quote_name(SearchDoc._meta.db_table)
    sql = f"INSERT INTO {table} ({', '.join(_COLUMNS)}) VALUES ({', '.join(['%s'] * len(_COLUMNS))})"
    rows = [_row(i) for i in items if i.state in INDEXED_STATES]
    with connection.cursor() as cur:
        for start in range(0, len(rows), batch):
            docs = _docs(rows[start : start + batch])
            cur.executemany(sql, [tuple(d[c] for c in _COLUMNS) for d in docs])
    return len(rows)


def _docs(rows: list[tuple]) -> list[dict]:
    return [_doc_values(r) for r in rows]


def _batches(batch: int) -> Iterator[tuple[int, int, list[tuple]]]:
    """(first pk, last pk, rows) of indexable items in pk order, read by keyset pages."""
    last = 0
    qs = DisclosureItem.objects.filter(state__in=INDEXED_STATES).order_by("pk")
    while True:
        rows = list(qs.filter(pk__gt=last).values_list(*_FIELDS)[:batch])
        if not rows:
            return
        yield last + 1, rows[-1][0], rows
        last = rows[-1][0]


_FTS3 = import_module("gongkai.search.migrations.0004_tags").FTS3
_FTS_DROP_TRIGGERS = [sql for sql in _FTS3 if sql.startswith("DROP TRIGGER")]
_FTS_TRIGGERS = [sql for sql in _FTS3 if sql.startswith("CREATE TRIGGER")]

_COLUMNS = (
    "item_id",
    "org_id",
    "org_path",
    "category",
    "year",
    "scope",
    "state",
    "title_text",
    "title_tokens",
    "body_tokens",
    "tags",
)


def _write(lo: int, hi: int, docs: list[dict]) -> int:
    """Replace the docs of items lo..hi. Plain executemany: the writer is the rebuild's bottleneck, and
    model instances would only be built to be thrown away."""
    table = connection.ops.quote_name(SearchDoc._meta.db_table)
    sql = f"INSERT INTO {table} ({', '.join(_COLUMNS)}) VALUES ({', '.join(['%s'] * len(_COLUMNS))})"
    with transaction.atomic(), connection.cursor() as cur:
        SearchDoc.objects.filter(item_id__gte=lo, item_id__lte=hi).delete()
        cur.executemany(sql, [tuple(d[c] for c in _COLUMNS) for d in docs])
    return len(docs)


def rebuild(*, batch: int = 2000, jobs: int | None = None, progress=None) -> int:
    """Rebuild the whole index in batches (each its own short transaction, so the site keeps writing).

    Segmentation is the cost, so it runs in `jobs` worker processes while this one writes."""
    jobs = jobs or min(2, os.cpu_count() or 1)
    if connection.in_atomic_block:
        jobs = 1  # closing the connection for the fork would end the caller's transaction
    if connection.vendor == "sqlite":
        # Updating FTS5 row by row through the triggers costs more than segmenting; one 'rebuild' from
        # the content table at the end is a single sorted pass. Items written meanwhile are in the
        # content table, so the rebuild covers them too.
        _fts_statements(_FTS_DROP_TRIGGERS)
        try:
            total = _rebuild_docs(batch, jobs, progress)
        finally:
            with transaction.atomic():
                _fts_statements(["INSERT INTO search_fts(search_fts) VALUES('rebuild')", *_FTS_TRIGGERS])
        return total
    total = _rebuild_docs(batch, jobs, progress)
    with connection.cursor() as cur:
        cur.execute("ANALYZE search_searchdoc")  # the search plan is chosen by the match estimate
    return total


def _fts_statements(statements: list[str]) -> None:
    with connection.cursor() as cur:
        for sql in statements:
            cur.execute(sql)


def _rebuild_docs(batch: int, jobs: int, progress) -> int:
    total = 0
    last_hi = 0
    if jobs > 1:
        # Fork every worker now, with no open connection to inherit; workers never touch the database.
        connection.close()
        pool = multiprocessing.get_context("fork").Pool(jobs)
        pending = []
        try:
            for lo, hi, rows in _batches(batch):
                pending.append((lo, hi, pool.apply_async(_docs, (rows,))))
                while len(pending) > jobs * 2:
                    lo_, hi_, res = pending.pop(0)
                    total += _write(lo_, hi_, res.get())
                    last_hi = hi_
                    if progress:
                        progress(total)
            for lo_, hi_, res in pending:
                total += _write(lo_, hi_, res.get())
                last_hi = hi_
                if progress:
                    progress(total)
        finally:
            pool.terminate()
    else:
        for lo, hi, rows in _batches(batch):
            total += _write(lo, hi, _docs(rows))
            last_hi = hi
            if progress:
                progress(total)
    # Docs past the last indexable item, or of items that left the indexed states, go.
    stale = SearchDoc.objects.exclude(state__in=INDEXED_STATES) | SearchDoc.objects.filter(
        item_id__gt=last_hi
    )
    stale.delete()
    return total
