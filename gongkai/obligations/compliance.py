"""Compliance figures (counts, on-time rate) per organisation, sector type, category and per
organisation × category, each one GROUP BY in the database: a fixed number of queries."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Q

from .models import Status
from .status import status_expression, withheld_q

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


def _grouped(qs, on: date, *keys) -> dict:
    counts = {s: Count("pk", filter=Q(status=s)) for s in COUNTED}
    rows = (
        qs.alias(is_withheld=withheld_q())
        .alias(status=status_expression(on))
        .order_by()
        .values(*keys)
        .annotate(total=Count("pk"), **counts)
    )
    out = {}
    for row in rows:
        key = tuple(row[k] for k in keys)
        out[key if len(keys) > 1 else key[0]] = Figures(
            total=row["total"], counts={s: row[s] for s in COUNTED}
        )
    return out


def compute(qs, on: date) -> dict:
    """Four GROUP BY queries over the obligations `qs` (already filtered by access and the page)."""
    return {
        "by_org": _grouped(qs, on, "org_id"),
        "by_sector_type": _grouped(qs, on, "sector_type"),
        "by_category": _grouped(qs, on, "category"),
        "cells": _grouped(qs, on, "org_id", "category"),
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


def from_summary(qs, org_ids=None) -> dict:
    """compute()'s figures summed from ComplianceSummary rows `qs` (already filtered by access, year
    and the page), after bringing stale rows up to today. `org_ids`: the organisations whose rows
    and cells are wanted (a page of the heatmap); None for all. Two queries over the summary."""
    from .summary import refresh_stale

    refresh_stale()
    out = {"by_org": {}, "by_sector_type": {}, "by_category": {}, "cells": {}}
    for row in _summed(qs, "sector_type", "category"):
        _add(out["by_sector_type"], row["sector_type"], row)
        _add(out["by_category"], row["category"], row)
    cells_qs = qs if org_ids is None else qs.filter(org_id__in=list(org_ids))
    for row in _summed(cells_qs, "org_id", "category"):
        out["cells"][(row["org_id"], row["category"])] = _figures(row)
        _add(out["by_org"], row["org_id"], row)
    return out
