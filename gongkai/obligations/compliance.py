"""Compliance figures (counts, on-time rate) per organisation, sector type, category and per
organisation × category, each one GROUP BY in the database: a fixed number of queries."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, F, Q, Value

from .models import Status
from .status import due_soon_limit, status_expression, withheld_q

COUNTED = [s.value for s in Status]


@dataclass
class Figures:
    total: int = 0
    counts: dict = field(default_factory=dict)

    @property
    def on_time(self) -> int:
        return self.counts.get(Status.DONE_ON_TIME, 0)

    @property
    def late(self) -> int:
        return self.counts.get(Status.DONE_LATE, 0)

    @property
    def overdue(self) -> int:
        return self.counts.get(Status.OVERDUE, 0)

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
            **{s: self.counts.get(s, 0) for s in COUNTED},
            "rate": None if self.rate is None else round(self.rate, 4),
        }


def status_counts(qs, on: date, keys: list[str], overrides=None, extra=None) -> dict[tuple, dict]:
    """Counts by status per `keys`, as status_expression() decides them, in two queries: one GROUP BY
    with plain comparisons (the status CASE inlined into each count and the withholding subquery on
    every row cost several times more), then the few open obligations an accepted withholding
    covers, moved from the status they would have to withheld. `extra`: more aggregates."""
    from gongkai.disclosure.models import Withholding

    soon = due_soon_limit(on, overrides)
    done = Q(fulfilled_on__isnull=False)
    open_ = Q(fulfilled_on__isnull=True, due_date__isnull=False)
    soon_q = Q(due_date__gte=on) if soon is None else Q(due_date__gte=on, due_date__lte=soon)
    aggregates = {
        "total": Count("pk"),
        Status.DONE_ON_TIME: Count(
            "pk", filter=done & (Q(due_date__isnull=True) | Q(fulfilled_on__lte=F("due_date")))
        ),
        Status.DONE_LATE: Count("pk", filter=done & Q(fulfilled_on__gt=F("due_date"))),
        Status.OVERDUE: Count("pk", filter=open_ & Q(due_date__lt=on)),
        Status.DUE_SOON: Count("pk", filter=open_ & soon_q),
        **(extra or {}),
    }
    out = {}
    for row in qs.order_by().values(*keys).annotate(**aggregates):
        counts = {s: row[s] for s in aggregates}
        counts[Status.WITHHELD] = 0
        counts[Status.NOT_YET_DUE] = counts["total"] - sum(
            counts[s] for s in COUNTED if s != Status.NOT_YET_DUE
        )
        out[tuple(row[k] for k in keys)] = counts
    accepted = Withholding.objects.filter(status=Withholding.Status.ACCEPTED).values("org_id")
    covered = (
        qs.filter(org_id__in=accepted, fulfilled_on__isnull=True)
        .filter(withheld_q())
        .alias(is_withheld=Value(False))
        .annotate(would_be=status_expression(on, overrides))
        .order_by()
        .values(*keys, "would_be")
        .annotate(n=Count("pk"))
    )
    for row in covered:
        counts = out[tuple(row[k] for k in keys)]
        counts[row["would_be"]] -= row["n"]
        counts[Status.WITHHELD] += row["n"]
    return out


def _grouped(qs, on: date, *keys) -> dict:
    out = {}
    for key, counts in status_counts(qs, on, list(keys)).items():
        out[key if len(keys) > 1 else key[0]] = Figures(
            total=counts["total"], counts={s: counts[s] for s in COUNTED}
        )
    return out


def _rollup(cells: dict, index: int) -> dict:
    out = {}
    for key, f in cells.items():
        into = out.setdefault(key[index], Figures())
        into.total += f.total
        for s in COUNTED:
            into.counts[s] = into.counts.get(s, 0) + f.counts[s]
    return out


def compute(qs, on: date) -> dict:
    """The live figures over the obligations `qs` (already filtered by access and the page): one
    GROUP BY per organisation × sector type × category (plus the withholding correction), rolled
    up in Python. For exports and to verify the summary."""
    cells = _grouped(qs, on, "org_id", "category", "sector_type")
    return {
        "by_org": _rollup(cells, 0),
        "by_sector_type": _rollup(cells, 2),
        "by_category": _rollup(cells, 1),
        "cells": {(k[0], k[1]): f for k, f in cells.items()},  # an organisation has one sector type
    }


# ---- From the summary (issue 4): what the page and the API read -----------------------------


def _summed(qs, *keys) -> list[dict]:
    from django.db.models import Sum

    return list(
        qs.order_by().values(*keys).annotate(total_sum=Sum("total"), **{f"{s}_sum": Sum(s) for s in COUNTED})
    )


def _figures(row) -> Figures:
    return Figures(total=row["total_sum"], counts={s: row[f"{s}_sum"] for s in COUNTED})


def _add(into: dict, key, row) -> None:
    f = into.setdefault(key, Figures())
    f.total += row["total_sum"]
    for s in COUNTED:
        f.counts[s] = f.counts.get(s, 0) + row[f"{s}_sum"]


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
        out["cells"][(row["org_id"], row["category"])] = _figures(row)
        _add(out["by_org"], row["org_id"], row)
    return out
