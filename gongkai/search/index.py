"""Keeping the index in step with items and published replies (R30): `update_item` / `update_reply` inside
each state-changing transaction, `rebuild` for `gongkai reindex`."""

from __future__ import annotations

import multiprocessing
import os
import re
from collections import defaultdict
from collections.abc import Iterator
from importlib import import_module

from django.db import connection, transaction
from django.utils import timezone

from gongkai import access
from gongkai.disclosure.models import Attachment, BodyFormat, DisclosureItem, State, body_text
from gongkai.lib.zhtext import normalize

from .models import SearchDoc, SearchReply
from .text import doc_tokens

# Items that have been published: the current ones and the ended ones staff still read.
# Whether a viewer sees one is decided at query time by access.visible_items, never here.
INDEXED_STATES = (State.PUBLISHED, State.SUPERSEDED, State.REVOKED, State.TERMINATED)

# Attachments can be long documents: the first this many characters of their text are indexed.
ATTACHMENT_CHARS = 50_000

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
    "expires_at",
)

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
    "attach_tokens",
    "inside_tokens",
    "tags",
)

# ---- Item text -----------------------------------------------------------------------------------

# Markdown whose rendering changes the words themselves (links and their targets, entities, escapes,
# code, emphasis joining words): those bodies are rendered; the rest only lose their block markers.
_MD_RENDER = re.compile(r"[\[\]&\\<`*_~]").search
_MD_BLOCK = re.compile(r"^ {0,3}(?:#{1,6}(?=[ \t]|$)|>)")
_MD_BULLET = re.compile(r"^ {0,3}[-+](?=[ \t])")
_MD_ORDERED = re.compile(r"^ {0,3}\d{1,9}[.)](?=[ \t]|$)")


def _markdown_words(source: str) -> str | None:
    """The reading text of a plain Markdown body as far as words go (what markdown.render then
    html_to_text yield, up to punctuation and spacing), or None when only rendering can tell. Rendering
    every body was two thirds of a rebuild's time."""
    if _MD_RENDER(source):
        return None
    out = []
    after_break = True  # an ordered list interrupts a paragraph only from a blank line or another item
    for line in source.replace("|", " ").splitlines():
        stripped = line.strip()
        block = _MD_BLOCK.match(line)
        if block:
            line = line[block.end() :].lstrip(">").lstrip("# ")
            listy = True
        elif _MD_BULLET.match(line):
            line, listy = line.lstrip()[1:], True
        elif after_break and (m := _MD_ORDERED.match(line)):
            line, listy = line[m.end() :], True
        else:
            listy = False
        out.append(line)
        after_break = not stripped or listy
    return "\n".join(out)


def item_text(source: str, body_format: str) -> str:
    """The body as readers get it, as text for the index (the same words as `body_text`)."""
    if body_format != BodyFormat.HTML:
        words = _markdown_words(source or "")
        if words is not None:
            return words
    return body_text(source, body_format)


def _doc_values(row: tuple, attachments: list[tuple[str, bool]]) -> dict:
    """Index columns of one item from its `_FIELDS` values and its attachments' (text, kept inside)
    (pure: runs in worker processes too)."""
    (pk, org_id, org_path, category, scope, state, title, body, published_body, published_at, body_format,
     expires_at) = row  # fmt: skip
    # Readers get the masked text (R13): index exactly that, as text (no Markdown or HTML syntax).
    text = item_text(published_body or body, body_format)
    shared = "\n".join(t[:ATTACHMENT_CHARS] for t, inside in attachments if not inside and t)
    inside = "\n".join(t[:ATTACHMENT_CHARS] for t, inside in attachments if inside and t)
    inside_tokens = doc_tokens(inside) if inside else ""
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
        "attach_tokens": doc_tokens(shared) if shared else "",
        "inside_tokens": inside_tokens,
        "tags": access.item_audience_tokens(
            org_id=org_id, scope=scope, state=state, expires_at=expires_at, has_inside=bool(inside_tokens)
        ),
    }


def _attachments_of(pks: list[int]) -> dict[int, list[tuple[str, bool]]]:
    found: dict[int, list[tuple[str, bool]]] = defaultdict(list)
    rows = Attachment.objects.filter(item_id__in=pks).exclude(text="").order_by("pk")
    for item_id, text, inside in rows.values_list("item_id", "text", "keep_inside"):
        found[item_id].append((text, inside))
    return found


def _row(item: DisclosureItem) -> tuple:
    return tuple(getattr(item, f) for f in _FIELDS)


def update_item(item: DisclosureItem) -> None:
    """Index, re-index or drop one item after a state change, in the caller's transaction."""
    if item.state not in INDEXED_STATES:
        SearchDoc.objects.filter(item_id=item.pk).delete()
        return
    values = _doc_values(_row(item), _attachments_of([item.pk]).get(item.pk, []))
    values.pop("item_id")
    SearchDoc.objects.update_or_create(item_id=item.pk, defaults=values)


def _insert(cur, docs: list[dict]) -> None:
    """Insert index rows: COPY on PostgreSQL (executemany formats and sends every row on its own: the
    load's bottleneck), executemany on SQLite."""
    table = connection.ops.quote_name(SearchDoc._meta.db_table)
    rows = [tuple(d[c] for c in _COLUMNS) for d in docs]
    if connection.vendor == "postgresql":
        with cur.cursor.copy(f"COPY {table} ({', '.join(_COLUMNS)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    cur.executemany(
        f"INSERT INTO {table} ({', '.join(_COLUMNS)}) VALUES ({', '.join(['%s'] * len(_COLUMNS))})", rows
    )


def index_new_items(items: list[DisclosureItem], batch: int = 2000) -> int:
    """Index items just created in bulk (an import), in the caller's transaction: inserts only."""
    rows = [_row(i) for i in items if i.state in INDEXED_STATES]
    with connection.cursor() as cur:
        for start in range(0, len(rows), batch):
            _insert(cur, _docs(rows[start : start + batch]))
    return len(rows)


def _docs(rows: list[tuple], attachments: dict | None = None) -> list[dict]:
    if attachments is None:
        attachments = _attachments_of([r[0] for r in rows])
    return [_doc_values(r, attachments.get(r[0], [])) for r in rows]


# ---- Published feedback replies (R18) ----------------------------------------------------------


def reply_subject(case) -> str:
    """The subject as search shows and indexes it: the submitter's name and contact taken out."""
    subject = case.subject
    for value in (case.contact, case.submitter_name):
        if value and len(value) >= 2:
            subject = subject.replace(value, "")
    return subject


def reply_doc_values(case) -> dict:
    """Index columns of a published reply: the subject and the reply as the public reads them. The
    submitter's name and contact are taken out of both (the reply already was, on publication); the
    submitter's own message is never indexed."""
    subject = reply_subject(case)
    return {
        "org_id": case.org_id,
        "org_path": case.org_path,
        "year": timezone.localtime(case.published_at).year if case.published_at else None,
        "title_text": normalize(subject)[:200],
        "title_tokens": doc_tokens(subject),
        "body_tokens": doc_tokens(case.published_reply),
    }


def update_reply(case) -> None:
    """Index, re-index or drop a feedback reply after it is published, changed or withdrawn, in the
    caller's transaction (feedback/ports.py)."""
    if case.published_at is None:
        SearchReply.objects.filter(case_id=case.pk).delete()
        return
    SearchReply.objects.update_or_create(case_id=case.pk, defaults=reply_doc_values(case))


def _rebuild_replies() -> int:
    from gongkai.feedback.models import FeedbackCase

    with transaction.atomic():
        SearchReply.objects.all().delete()
        published = FeedbackCase.objects.filter(published_at__isnull=False)
        docs = [SearchReply(case_id=c.pk, **reply_doc_values(c)) for c in published.iterator(chunk_size=500)]
        SearchReply.objects.bulk_create(docs, batch_size=500)
    return len(docs)


# ---- Rebuild ---------------------------------------------------------------------------------------

_M5 = import_module("gongkai.search.migrations.0005_attachments_replies")
_FTS_COLS = ", ".join(_M5.DOC_FTS_COLUMNS)
# The table built beside the live one, kept in step (for rows the build has passed) by its own triggers.
_NEW_TRIGGERS, _NEW_TRIGGERS_DROP = _M5.fts_triggers(
    "search_doc_new",
    "search_fts_new",
    _M5.DOC_FTS_COLUMNS,
    "search_searchdoc",
    "item_id",
    when=lambda ref: f"{ref}.item_id <= (SELECT done FROM search_rebuild)",
)
FTS_CHUNK = 20_000  # documents added to the new FTS5 table per transaction
FTS_HASHSIZE = 64 * 1024 * 1024  # FTS5's in-memory terms before a segment is written (default 1 MB)
CACHE_KIB = 256 * 1024


def _batches(batch: int) -> Iterator[tuple[int, int, list[tuple], dict]]:
    """(first pk, last pk, rows, attachments) of indexable items in pk order, read by keyset pages of
    all items (the states are tested here: a state filter in SQL let PostgreSQL, without statistics on a
    freshly loaded table, bitmap-scan half the table for every page)."""
    last = 0
    state = _FIELDS.index("state")
    indexed = set(INDEXED_STATES)
    qs = DisclosureItem.objects.order_by("pk")
    while True:
        page = list(qs.filter(pk__gt=last).values_list(*_FIELDS)[:batch])
        if not page:
            return
        rows = [r for r in page if r[state] in indexed]
        yield last + 1, page[-1][0], rows, _attachments_of([r[0] for r in rows])
        last = page[-1][0]


def _segment_and_write(lo: int, hi: int, rows: list[tuple], attachments: dict) -> int:
    """A worker's whole batch (PostgreSQL): its docs built and written in the worker's own connection."""
    return _write(lo, hi, _docs(rows, attachments))


def _write(lo: int, hi: int, docs: list[dict]) -> int:
    """Replace the docs of items lo..hi (no model instances: they would only be built to be thrown away)."""
    with transaction.atomic(), connection.cursor() as cur:
        SearchDoc.objects.filter(item_id__gte=lo, item_id__lte=hi).delete()
        if docs:
            _insert(cur, docs)
    return len(docs)


def _sql(statements: list[str], params=None) -> None:
    with connection.cursor() as cur:
        for sql in statements:
            cur.execute(sql, params)


def rebuild(*, batch: int = 2000, jobs: int | None = None, progress=None) -> int:
    """Rebuild the whole index in batches (each its own short transaction, so the site keeps reading and
    writing). Segmentation is the cost, so it runs in `jobs` worker processes while this one writes.

    SQLite: the FTS5 table is built beside the live one in chunks (checkpointing the log between them)
    and swapped in at the end; searches meanwhile use the old table. PostgreSQL: the GIN indexes are
    dropped for the load and built once after it."""
    jobs = jobs or min(2, os.cpu_count() or 1)
    if connection.in_atomic_block:
        jobs = 1  # closing the connection for the fork would end the caller's transaction
    started = timezone.now()
    if connection.vendor == "sqlite":
        total = _sqlite_rebuild(batch, jobs, progress)
    else:
        total = _postgres_rebuild(batch, jobs, progress)
    _rebuild_replies()
    # Items changed while it ran may have been read before their change: index them again.
    for item in DisclosureItem.objects.filter(updated_at__gte=started).iterator(chunk_size=500):
        with transaction.atomic():
            update_item(item)
    return total


def _sqlite_rebuild(batch: int, jobs: int, progress) -> int:
    _sql([f"PRAGMA cache_size=-{CACHE_KIB}"])
    _sql(
        [
            *_M5.DOC_TRIGGERS_DROP,  # the live table stops following; searches read it as it was
            *_NEW_TRIGGERS_DROP,
            "DROP TABLE IF EXISTS search_fts_new",
            "DROP TABLE IF EXISTS search_rebuild",
            "CREATE TABLE search_rebuild (done INTEGER NOT NULL)",
            "INSERT INTO search_rebuild VALUES (0)",
            _M5.fts_table("search_fts_new", _M5.DOC_FTS_COLUMNS, "search_searchdoc", "item_id"),
            f"INSERT INTO search_fts_new(search_fts_new, rank) VALUES ('hashsize', {FTS_HASHSIZE})",
            *_NEW_TRIGGERS,
        ]
    )
    pending = [0]  # docs written since the last chunk went into the new table

    def written(hi: int, n: int) -> None:
        pending[0] += n
        if pending[0] >= FTS_CHUNK:
            _fts_catch_up(hi)
            pending[0] = 0

    try:
        total = _rebuild_docs(batch, jobs, progress, written)
        _fts_catch_up(2**62)  # from here on the new table's triggers follow every row
        _sql(["INSERT INTO search_fts_new(search_fts_new, rank) VALUES ('optimize', 0)"])
        _checkpoint()
        with transaction.atomic():
            _sql(
                [
                    *_NEW_TRIGGERS_DROP,
                    "DROP TABLE search_fts",
                    "ALTER TABLE search_fts_new RENAME TO search_fts",
                    "DROP TABLE search_rebuild",
                    *_M5.DOC_TRIGGERS,
                ]
            )
    except BaseException:
        # The old table stopped following the docs: rebuild it from them in one pass (slow but whole).
        with transaction.atomic():
            _sql(
                [
                    *_NEW_TRIGGERS_DROP,
                    "DROP TABLE IF EXISTS search_fts_new",
                    "DROP TABLE IF EXISTS search_rebuild",
                    "INSERT INTO search_fts(search_fts) VALUES ('rebuild')",
                    *_M5.DOC_TRIGGERS,
                ]
            )
        raise
    _checkpoint()
    return total


def _fts_catch_up(hi: int) -> None:
    """Add the docs past the new table's cursor up to `hi` in one transaction, then let the log go."""
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(
            f"INSERT INTO search_fts_new(rowid, {_FTS_COLS}) SELECT item_id, {_FTS_COLS} FROM search_searchdoc "
            "WHERE item_id > (SELECT done FROM search_rebuild) AND item_id <= %s ORDER BY item_id",
            [hi],
        )
        cur.execute("UPDATE search_rebuild SET done = %s", [hi])
    _checkpoint()


def _checkpoint() -> None:
    """Copy the log into the database and empty it, so it stays the size of one chunk (not possible, and
    not needed, inside a caller's transaction)."""
    if connection.in_atomic_block:
        return
    with connection.cursor() as cur:
        cur.execute("PRAGMA wal_checkpoint(TRUNCATE)")


_PG_INDEXES = {
    "search_doc_document": "search_searchdoc USING gin (document)",
    "search_doc_inside": "search_searchdoc USING gin (inside_document)",
    "search_doc_audience": "search_searchdoc USING gin (audience)",
}


def _postgres_rebuild(batch: int, jobs: int, progress) -> int:
    # Updating three GIN indexes row by row costs more than building them once from the loaded table.
    # Searches meanwhile scan instead of using the index: slower, never wrong. (Inside a caller's
    # transaction, e.g. the demo loader's, the indexes stay: few rows, and pending constraint checks
    # forbid CREATE INDEX there.)
    _sql(["ANALYZE disclosure_disclosureitem"])  # a freshly loaded table has no statistics yet
    if connection.in_atomic_block:
        total = _rebuild_docs(batch, jobs, progress, None)
        _sql(["ANALYZE search_searchdoc"])
        return total
    _sql([f"DROP INDEX IF EXISTS {name}" for name in _PG_INDEXES])
    try:
        total = _rebuild_docs(batch, jobs, progress, None)
    finally:
        _sql(["SET maintenance_work_mem = '512MB'"])
        _sql([f"CREATE INDEX IF NOT EXISTS {name} ON {on}" for name, on in _PG_INDEXES.items()])
        _sql(["RESET maintenance_work_mem", "ANALYZE search_searchdoc"])
    return total


def _rebuild_docs(batch: int, jobs: int, progress, written) -> int:
    total = 0
    last_hi = 0

    # PostgreSQL: each worker writes the batch it segmented, on its own connection, so the server's
    # work (the generated tsvector: about as much as the segmentation) runs in as many backends.
    # SQLite has one writer: the workers hand their docs back to this process.
    write_in_workers = jobs > 1 and connection.vendor == "postgresql"

    def done(lo_, hi_, docs):
        nonlocal total, last_hi
        n = docs if write_in_workers else _write(lo_, hi_, docs)
        total += n
        last_hi = hi_
        if written:
            written(hi_, n)
        if progress:
            progress(total)

    if jobs > 1:
        # Fork every worker now, with no open connection to inherit: on PostgreSQL each opens its own.
        connection.close()
        pool = multiprocessing.get_context("fork").Pool(jobs)
        if connection.vendor == "sqlite":
            _sql([f"PRAGMA cache_size=-{CACHE_KIB}"])  # a new connection after the close
        pending = []
        try:
            for lo, hi, rows, attachments in _batches(batch):
                if write_in_workers:
                    task = pool.apply_async(_segment_and_write, (lo, hi, rows, attachments))
                else:
                    task = pool.apply_async(_docs, (rows, attachments))
                pending.append((lo, hi, task))
                while len(pending) > jobs * 2:
                    lo_, hi_, res = pending.pop(0)
                    done(lo_, hi_, res.get())
            for lo_, hi_, res in pending:
                done(lo_, hi_, res.get())
        finally:
            pool.terminate()
    else:
        for lo, hi, rows, attachments in _batches(batch):
            done(lo, hi, _docs(rows, attachments))
    # Docs past the last indexable item, or of items that left the indexed states, go.
    stale = SearchDoc.objects.exclude(state__in=INDEXED_STATES) | SearchDoc.objects.filter(
        item_id__gt=last_hi
    )
    stale.delete()
    return total
