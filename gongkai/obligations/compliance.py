"""Compliance figures (counts, on-time rate) per organisation, sector type, category and per
organisation × category.

compute() is the live recomputation from the obligations (exports, the oversight dashboard, the
check of the summary): one GROUP BY with conditional counts plus a withholding correction, a fixed
number of queries whatever the number of rows. from_summary() is what the page and the API read
(issue 4): the same figures summed from the summary kept by summary.py."""

import gc
from collections import defaultdict
from contextlib import contextmanager
from datetime import date
from operator import add

from django.core.exceptions import EmptyResultSet
from django.db import connections, transaction
from django.db.models import Count, F, Q, Value

from .models import Status
from .status import due_soon_limit, status_expression, withheld_q

COUNTED = [s.value for s in Status]
_POSITION = {s: i for i, s in enumerate(COUNTED)}


class Figures:
    """Counts by status and their total, kept as one list [total, *counts in COUNTED order]: compute()
    makes one per cell (some 40,000 for 5,000 organisations), so the dictionary `counts` is built
    only when asked for."""

    __slots__ = ("vector",)

    def __init__(self, total: int = 0, counts: dict | None = None):
        counts = counts or {}
        self.vector = [total, *(counts.get(s, 0) for s in COUNTED)]

    @classmethod
    def of(cls, vector: list[int]) -> "Figures":
        f = cls.__new__(cls)
        f.vector = vector
        return f

    def __eq__(self, other) -> bool:
        return isinstance(other, Figures) and self.vector == other.vector

    def __repr__(self) -> str:
        return f"Figures(total={self.total}, counts={self.counts})"

    @property
    def total(self) -> int:
        return self.vector[0]

    @property
    def counts(self) -> dict:
        return dict(zip(COUNTED, self.vector[1:], strict=True))

    @property
    def on_time(self) -> int:
        return self.vector[1 + _POSITION[Status.DONE_ON_TIME]]

    @property
    def late(self) -> int:
        return self.vector[1 + _POSITION[Status.DONE_LATE]]

    @property
    def overdue(self) -> int:
        return self.vector[1 + _POSITION[Status.OVERDUE]]

    @property
    def due(self) -> int:
        """Obligations whose deadline has been decided: done (either way) or overdue."""
        return self.on_time + self.late + self.overdue

    @property
    def rate(self) -> float | None:
        """On-time rate: done on time over everything already due (withheld and not yet due excluded)."""
        return self.on_time / self.due if self.due else None

    @property
    def rate_text(self) -> str:
        return "—" if self.rate is None else f"{self.rate:.0%}"

    @property
    def heat(self) -> str:
        r = self.rate
        if r is None:
            return "heat-na"
        return "heat-" + str(
            next(i for i, bound in ((4, 0.95), (3, 0.8), (2, 0.6), (1, 0.3), (0, 0)) if r >= bound)
        )

    def as_dict(self) -> dict:
        return {
            "total": self.total,
            **self.counts,
            "rate": None if self.rate is None else round(self.rate, 4),
        }


def _aggregates(on: date, overrides=None) -> dict:
    """The conditional counts of one GROUP BY: plain comparisons on the row (the status CASE inlined
    into each count, or the withholding subquery on every row, cost several times more). Not yet
    due is the rest; withheld comes from _withheld(). They count `org`, never null and part of the
    covering index obligation_cells (the primary key is not in it on PostgreSQL, so counting it would
    send the scan to the table)."""
    soon = due_soon_limit(on, overrides)
    done = Q(fulfilled_on__isnull=False)
    open_ = Q(fulfilled_on__isnull=True, due_date__isnull=False)
    soon_q = Q(due_date__gte=on) if soon is None else Q(due_date__gte=on, due_date__lte=soon)
    return {
        "total": Count("org"),
        Status.DONE_ON_TIME: Count(
            "org", filter=done & (Q(due_date__isnull=True) | Q(fulfilled_on__lte=F("due_date")))
        ),
        Status.DONE_LATE: Count("org", filter=done & Q(fulfilled_on__gt=F("due_date"))),
        Status.OVERDUE: Count("org", filter=open_ & Q(due_date__lt=on)),
        Status.DUE_SOON: Count("org", filter=open_ & soon_q),
    }


def _withheld(qs, on: date, keys: list[str], overrides=None):
    """(key…, the status it would have, n): the open obligations of `qs` an accepted withholding covers.
    Only the organisations with an accepted withholding are read (the index on year and organisation
    finds their rows), so this costs nothing where nothing is withheld."""
    from gongkai.disclosure.models import Withholding

    accepted = Withholding.objects.filter(status=Withholding.Status.ACCEPTED).values("org_id")
    return (
        qs.filter(org_id__in=accepted, fulfilled_on__isnull=True)
        .filter(withheld_q())
        .alias(is_withheld=Value(False))
        .annotate(would_be=status_expression(on, overrides))
        .order_by()
        .values_list(*keys, "would_be")
        .annotate(n=Count("pk"))
    )


def status_counts(qs, on: date, keys: list[str], overrides=None, extra=None) -> dict[tuple, dict]:
    """Counts by status per `keys`, as status_expression() decides them, in two queries: one GROUP BY
    with conditional counts, then the few open obligations an accepted withholding covers, moved
    from the status they would have to withheld. `extra`: more aggregates (the summary's next days)."""
    aggregates = {**_aggregates(on, overrides), **(extra or {})}
    out = {}
    for row in qs.order_by().values(*keys).annotate(**aggregates):
        counts = {s: row[s] for s in aggregates}
        counts[Status.WITHHELD] = 0
        counts[Status.NOT_YET_DUE] = counts["total"] - sum(
            counts[s] for s in COUNTED if s != Status.NOT_YET_DUE
        )
        out[tuple(row[k] for k in keys)] = counts
    for *key, would_be, n in _withheld(qs, on, keys, overrides):
        counts = out[tuple(key)]
        counts[would_be] -= n
        counts[Status.WITHHELD] += n
    return out


def _grouped(qs, on: date, *keys) -> dict:
    out = {}
    for key, counts in status_counts(qs, on, list(keys)).items():
        out[key if len(keys) > 1 else key[0]] = Figures(
            total=counts["total"], counts={s: counts[s] for s in COUNTED}
        )
    return out


# compute()'s cells: organisation × category (an organisation has one sector type, grouped along so
# the totals per type need no other query), in the order of the covering index obligation_cells.
CELL_KEYS = ["org_id", "category", "sector_type"]
_WITHHELD = 1 + _POSITION[Status.WITHHELD]


def _column_sums(vectors: list[list[int]]) -> list[int]:
    return [sum(column) for column in zip(*vectors, strict=True)]


@contextmanager
def _without_collector():
    """Pause the cyclic garbage collector while compute() makes its ~100,000 small acyclic objects
    (rows, vectors, Figures): otherwise it runs a hundred times meanwhile, walking the whole heap in
    its older generations, which cost more than the query (issue 17). Reference counting still frees
    everything; the collector resumes afterwards, as it was."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def compute(qs, on: date) -> dict:
    """The live figures over the obligations `qs` (already filtered by access and the page): exports,
    the oversight dashboard, and the check of the summary. One GROUP BY organisation × category in
    the database with conditional counts (SQLite reads it from the covering index obligation_cells
    alone), and the withholding correction (only organisations with an accepted withholding are
    read). The totals per organisation, sector type and category are added up from those cells
    (forty-odd per organisation), never from obligation rows. Issue 17, 5,000 organisations × 40
    items (301,365 obligations): 1.45 s on SQLite and 1.51 s on PostgreSQL before; now about 250 ms
    of CPU on SQLite (160 of it the query) and 220 ms on PostgreSQL, client and server together."""
    aggregates = _aggregates(on)
    grouped = (
        qs.order_by()
        .values(*CELL_KEYS)
        .annotate(**aggregates)
        .values_list(*CELL_KEYS, *aggregates)
        .order_by(*CELL_KEYS)  # the index's order on SQLite: no sort
    )
    # Executed as compiled: keys and counts are plain integers and text on every backend, and Django's
    # per-value converters would cost more than all the Python below.
    try:
        sql, params = grouped.query.sql_with_params()
    except EmptyResultSet:  # a filter that matches nothing (no organisation assigned): no query at all
        return _figures_of_cells([], [])
    corrections = list(_withheld(qs, on, CELL_KEYS))
    with _without_collector():
        rows = _fetch_in_index_order(connections[grouped.db], sql, params)
        return _figures_of_cells(rows, corrections)


def _fetch_in_index_order(connection, sql: str, params) -> list[tuple]:
    """The grouped rows. On PostgreSQL the groups are read in the order of obligation_cells (an index-
    only scan, aggregated as they come) rather than hashed: at 300,000 rows hashing costs the server
    twice the CPU (~230 ms against ~95 ms), which the default planner settings (random_page_cost = 4,
    for spinning disks) do not see. Switched off for this one statement, then set back as it was."""
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.execute(sql, params)
            return cursor.fetchall()
        with transaction.atomic(using=connection.alias, savepoint=False):
            cursor.execute(
                "SELECT current_setting('enable_hashagg'), set_config('enable_hashagg', 'off', true)"
            )
            was = cursor.fetchone()[0]
            cursor.execute(sql, params)
            rows = cursor.fetchall()
            cursor.execute("SELECT set_config('enable_hashagg', %s, true)", [was])
        return rows


def _figures_of_cells(rows: list[tuple], corrections: list[tuple]) -> dict:
    # [total, *counts in COUNTED order] per cell: not yet due is the rest; withheld from the correction.
    vectors = [[t, a, b, c, d, 0, t - a - b - c - d] for _o, _c, _s, t, a, b, c, d in rows]
    if corrections:
        at = {(r[0], r[1]): i for i, r in enumerate(rows)}
        for org_id, category, _sector_type, would_be, n in corrections:
            if (i := at.get((org_id, category))) is None:
                continue  # obligations removed between the two queries
            vector = vectors[i]
            vector[1 + _POSITION[would_be]] -= n
            vector[_WITHHELD] += n
    cells = dict(zip([(r[0], r[1]) for r in rows], map(Figures.of, vectors), strict=True))
    # The totals: column sums (zip and sum run in C) over each organisation's cells, which come in
    # order of organisation, then over the organisations of each sector type and the cells of each
    # category.
    org_ids = [r[0] for r in rows]
    starts = [i for i in range(len(rows)) if i == 0 or org_ids[i] != org_ids[i - 1]]
    ends = [*starts[1:], len(rows)] if rows else []
    by_org, per_sector_type = {}, {}
    for start, end in zip(starts, ends, strict=True):
        by_org[org_ids[start]] = vector = _column_sums(vectors[start:end])
        per_sector_type.setdefault(rows[start][2], []).append(vector)
    per_category = defaultdict(list)
    for category, vector in zip([r[1] for r in rows], vectors, strict=True):
        per_category[category].append(vector)
    by_sector_type = {k: _column_sums(vs) for k, vs in per_sector_type.items()}
    by_category = {k: _column_sums(vs) for k, vs in per_category.items()}
    return {
        "by_org": {k: Figures.of(v) for k, v in by_org.items()},
        "by_sector_type": {k: Figures.of(v) for k, v in by_sector_type.items()},
        "by_category": {k: Figures.of(v) for k, v in by_category.items()},
        "cells": cells,
    }


# ---- From the summary (issue 4): what the page and the API read -----------------------------


def _summed(qs, *keys) -> list[dict]:
    from django.db.models import Sum

    return list(
        qs.order_by().values(*keys).annotate(total_sum=Sum("total"), **{f"{s}_sum": Sum(s) for s in COUNTED})
    )


def _vector(row) -> list[int]:
    return [row["total_sum"], *(row[f"{s}_sum"] for s in COUNTED)]


def _add(into: dict, key, row) -> None:
    f = into.get(key)
    if f is None:
        into[key] = Figures.of(_vector(row))
    else:
        f.vector = list(map(add, f.vector, _vector(row)))


def from_summary(qs, org_ids=None, rollups=None) -> dict:
    """compute()'s figures from ComplianceSummary rows `qs` (already filtered by access, year and
    the page), after bringing stale rows up to today. `org_ids`: the organisations whose rows and
    cells are wanted (a page of the heatmap); None for all. `rollups`: the ComplianceRollup rows of
    the same scope, for the totals by sector type and category (else summed from `qs`)."""
    from .summary import refresh_stale

    refresh_stale()
    out = {"by_org": {}, "by_sector_type": {}, "by_category": {}, "cells": {}}
    totals = _summed(qs if rollups is None else rollups, "sector_type", "category")
    for row in totals:
        _add(out["by_sector_type"], row["sector_type"], row)
        _add(out["by_category"], row["category"], row)
    cells_qs = qs if org_ids is None else qs.filter(org_id__in=list(org_ids))
    for row in _summed(cells_qs, "org_id", "category"):
        out["cells"][(row["org_id"], row["category"])] = Figures.of(_vector(row))
        _add(out["by_org"], row["org_id"], row)
    return out
