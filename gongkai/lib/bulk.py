"""The one bulk-insert helper: many rows (optionally … ON CONFLICT) as one prepared statement run by
executemany on SQLite, COPY and one INSERT … SELECT on PostgreSQL. Django's bulk_create splits
rows into batches of 999 parameters on SQLite (about 50 obligations) and compiles each batch: for a
year of obligations that is most of the time (the same trick as disclosure's generate_data)."""

import functools
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
    pairs = list(zip([f.attname for f in fields], _converters(fields), strict=True))
    rows = []
    for o in objs:
        row = []
        get = o.get if isinstance(o, dict) else functools.partial(getattr, o)
        for name, convert in pairs:
            v = get(name, defaults[name])
            row.append(convert(v) if convert and v is not None else v)
        rows.append(tuple(row))
    if connection.vendor == "postgresql":
        # COPY into a scratch table, then one INSERT … SELECT … ON CONFLICT: row-by-row statements
        # cost a round trip each, however they are sent.
        columns = ", ".join(qn(f.column) for f in fields)
        table = qn(model._meta.db_table)
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
