"""The one bulk-insert helper: many rows (optionally … ON CONFLICT) as one prepared statement run by
executemany on SQLite, COPY and one INSERT … SELECT on PostgreSQL. Django's bulk_create splits
rows into batches of 999 parameters on SQLite (about 50 obligations) and compiles each batch: for a
year of obligations that is most of the time (the same trick as disclosure's generate_data)."""

import functools
from contextlib import contextmanager
from types import SimpleNamespace

from django.db import connection
from django.utils import timezone


def _converters(fields):
    ops = connection.ops
    out = []
    for f in fields:
        kind = f.get_internal_type()
        if kind == "DateTimeField":
            out.append(ops.adapt_datetimefield_value)
        elif kind == "DateField":
            out.append(ops.adapt_datefield_value)
        else:
            out.append(None)
    return out


SQLITE_CACHE_KIB = 256 * 1024


@contextmanager
def large_writes():
    """Around one transaction's worth of bulk writes (an import of 100,000 rows): on SQLite a page cache
    big enough for the tables' and indexes' pages the writes touch, so they are not spilled and re-read
    (the connection's setting is put back after); elsewhere nothing."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(before)}")


def reserve_ids(model, n: int) -> list[int]:
    """`n` primary keys for rows the caller inserts with `with_pk=True`, known before the insert (so
    rows that point at them are built at once, without reading the new rows back). PostgreSQL: taken
    from the table's sequence, safe beside concurrent writers. SQLite: past both the highest id and the
    AUTOINCREMENT high-water mark; only inside a transaction, which on SQLite (IMMEDIATE) already holds
    the write lock, so no other writer can take them meanwhile."""
    if n <= 0:
        return []
    table = model._meta.db_table
    pk = model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)", [table, pk, n]
            )
            return sorted(r[0] for r in cursor.fetchall())
        if not connection.in_atomic_block:
            raise RuntimeError("reserve_ids needs a transaction on SQLite")
        qn = connection.ops.quote_name
        cursor.execute(f"SELECT COALESCE(MAX({qn(pk)}), 0) FROM {qn(table)}")
        highest = cursor.fetchone()[0]
        cursor.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_sequence'")
        if cursor.fetchone():
            cursor.execute("SELECT COALESCE(MAX(seq), 0) FROM sqlite_sequence WHERE name = %s", [table])
            highest = max(highest, cursor.fetchone()[0])
    return list(range(highest + 1, highest + 1 + n))


def _memo(convert):
    done: dict = {}

    def cached(value):
        try:
            return done[value]
        except KeyError:
            out = done[value] = convert(value)
            return out

    return cached


class Row(SimpleNamespace):
    """A row to insert: attributes named by the fields' attnames (org_id…). Building 300,000 model
    instances costs more than inserting them."""


def insert(
    model, objs, *, conflict: list[str] | None = None, update: list[str] | None = None, with_pk=False
) -> None:
    """Insert `objs` (Row or model instances, or dicts keyed by attname). With `conflict` (columns), a
    conflicting row does nothing (update=None) or overwrites the columns `update`. Missing fields take
    their default; auto_now(_add) fields are set to now. `with_pk`: the rows carry their primary key."""
    if not objs:
        return
    now = timezone.now()
    fields = [f for f in model._meta.concrete_fields if with_pk or not f.primary_key]
    defaults = {
        f.attname: now
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
        else f.get_default()
        for f in fields
    }
    qn = connection.ops.quote_name
    column = {f.name: f.column for f in fields} | {f.attname: f.column for f in fields}
    action = (
        "DO UPDATE SET " + ", ".join(f"{qn(column[c])} = excluded.{qn(column[c])}" for c in update)
        if update
        else "DO NOTHING"
    )
    head = "INSERT INTO {} ({}) VALUES ".format(
        qn(model._meta.db_table), ", ".join(qn(f.column) for f in fields)
    )
    tail = (
        ""
        if conflict is None
        else " ON CONFLICT ({}) {}".format(", ".join(qn(column[c]) for c in conflict), action)
    )
    one = "(" + ", ".join(["%s"] * len(fields)) + ")"
    named = [(f.attname, defaults[f.attname]) for f in fields]
    # Dates repeat across rows (now, a day many items share): each distinct one is converted once.
    converted = [(i, _memo(c)) for i, c in enumerate(_converters(fields)) if c]
    rows = []
    for o in objs:
        get = o.get if isinstance(o, dict) else functools.partial(getattr, o)
        row = [get(name, default) for name, default in named]
        for i, convert in converted:
            if row[i] is not None:
                row[i] = convert(row[i])
        rows.append(tuple(row))
    if connection.vendor == "postgresql":
        # COPY: row-by-row statements cost a round trip each, however they are sent. Straight into the
        # table when nothing can conflict; else into a scratch table, then one INSERT … SELECT … ON CONFLICT.
        columns = ", ".join(qn(f.column) for f in fields)
        table = qn(model._meta.db_table)
        if conflict is None:
            with (
                connection.cursor() as cursor,
                cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
            ):
                for row in rows:
                    copy.write_row(row)
            return
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS bulk_scratch")
            cursor.execute(f"CREATE TEMP TABLE bulk_scratch AS SELECT {columns} FROM {table} WITH NO DATA")
            with cursor.cursor.copy(f"COPY bulk_scratch ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            cursor.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM bulk_scratch{tail}")
            cursor.execute("DROP TABLE bulk_scratch")
        return
    with connection.cursor() as cursor:
        for i in range(0, len(rows), 20_000):
            cursor.executemany(head + one + tail, rows[i : i + 20_000])
