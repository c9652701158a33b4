"""The compliance summary (issue 4): status counts per organisation × catalogue item × year.

Every action that changes an obligation's status calls `refresh()` for the pairs it touched, inside
its own transaction: generation, fulfilment, event registration, withholding decisions and calendar
recomputation. A row is recomputed from its obligations (a dozen rows, by the unique index), never
incremented, so it cannot drift.

Time. Overdue, due soon and not yet due change as days pass, with no write. Each row stores the day
its counts hold for (`as_of`) and the first day they would differ (`stale_on`: the day after the
earliest open deadline not yet passed, or the first day a later deadline enters the due-soon window,
whichever comes first; null when no open deadline lies ahead). The daily job `refresh_stale()`
recomputes the rows whose day has come, and every read calls it first, so a page never shows
yesterday's counts even when the job has not run: one indexed query that finds nothing on most
requests. A changed calendar moves due-soon windows everywhere, so calendar actions refresh every row.

`compliance.compute()` stays the live computation (exports, verification); tests prove both agree.
"""

from collections import defaultdict
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Min, Q

from gongkai.lib import bulk
from gongkai.orgs.models import Organisation

from .models import ComplianceRollup, ComplianceSummary, Obligation, Status
from .status import due_soon_limit, today

COUNTS = [s.value for s in Status]
_ONE_DAY = timedelta(days=1)
CHUNK = 5000  # organisations per query when refreshing one catalogue item's stale rows


class _Soon:
    """due_soon_limit() memoised for one refresh; None (calendar not covered) means unbounded."""

    def __init__(self, overrides=None):
        self.overrides = overrides
        self.memo = {}

    def covers(self, on: date, due: date) -> bool:
        if on not in self.memo:
            self.memo[on] = due_soon_limit(on, self.overrides)
        limit = self.memo[on]
        return limit is None or due <= limit

    def first_day(self, due: date, on: date) -> date:
        """The first day after `on` when deadline `due` is inside the due-soon window. The limit is
        never before the day itself, so `due` is inside; walk back while the day before still is."""
        day = max(on + _ONE_DAY, due)
        while day - _ONE_DAY > on and self.covers(day - _ONE_DAY, due):
            day -= _ONE_DAY
        return day


KEYS = ["org_id", "catalogue_item_id", "year", "org_path", "sector_type", "category"]


def _rows(q: Q, on: date, overrides) -> list[bulk.Row]:
    from .compliance import status_counts

    open_ = Q(fulfilled_on__isnull=True)
    soon_limit = due_soon_limit(on, overrides)
    extra = {
        "next_overdue": Min("due_date", filter=open_ & Q(due_date__gte=on)),
        # Withheld rows count here too: at worst a row is refreshed once for nothing.
        "next_soon": Min("due_date", filter=open_ & Q(due_date__gt=soon_limit or date.max)),
    }
    grouped = status_counts(Obligation.objects.filter(q), on, KEYS, overrides, extra)
    soon = _Soon(overrides)
    rows = []
    for key, g in grouped.items():
        candidates = []
        if g["next_overdue"]:
            candidates.append(g["next_overdue"] + _ONE_DAY)
        if g["next_soon"]:
            candidates.append(soon.first_day(g["next_soon"], on))
        rows.append(
            bulk.Row(
                **dict(zip(KEYS, key, strict=True)),
                total=g["total"],
                **{s: g[s] for s in COUNTS},
                as_of=on,
                stale_on=min(candidates) if candidates else None,
            )
        )
    return rows


def _figures(row) -> tuple:
    return (row.total, *(getattr(row, s) for s in COUNTS))


def _ancestors(path: str) -> list[str]:
    step = Organisation.steplen
    return [path[:n] for n in range(step, len(path) + 1, step)]


def _previous(rows: list[bulk.Row]) -> dict[tuple, tuple]:
    """The stored figures of the rows about to be rewritten, by (org, item, year)."""
    wanted = {(r.org_id, r.catalogue_item_id, r.year) for r in rows}
    org_ids = sorted({k[0] for k in wanted})
    years = {k[2] for k in wanted}
    out = {}
    for i in range(0, len(org_ids), CHUNK):
        for r in ComplianceSummary.objects.filter(
            org_id__in=org_ids[i : i + CHUNK], year__in=years, catalogue_item_id__in={k[1] for k in wanted}
        ):
            key = (r.org_id, r.catalogue_item_id, r.year)
            if key in wanted:
                out[key] = _figures(r)
    return out


def _apply_to_rollups(rows: list[bulk.Row], before: dict[tuple, tuple]) -> None:
    """Add each changed row's difference to the rollups of its organisation and every ancestor."""
    zero = (0,) * (len(COUNTS) + 1)
    deltas: dict[tuple, list[int]] = {}
    for r in rows:
        after, old = _figures(r), before.get((r.org_id, r.catalogue_item_id, r.year), zero)
        if after == old:
            continue
        for path in _ancestors(r.org_path):
            d = deltas.setdefault((path, r.year, r.sector_type, r.category), [0] * len(after))
            for i, (a, b) in enumerate(zip(after, old, strict=True)):
                d[i] += a - b
    if not deltas:
        return
    fields = ["total", *COUNTS]
    existing = {
        (r.path, r.year, r.sector_type, r.category): r
        for r in ComplianceRollup.objects.select_for_update().filter(
            path__in={k[0] for k in deltas}, year__in={k[1] for k in deltas}
        )
    }
    changed, new = [], []
    for key, d in deltas.items():
        r = existing.get(key)
        if r is None:
            r = ComplianceRollup(path=key[0], year=key[1], sector_type=key[2], category=key[3])
            new.append(r)
        else:
            changed.append(r)
        for f, v in zip(fields, d, strict=True):
            setattr(r, f, getattr(r, f) + v)
    # The changed rows (locked above) rewritten by one prepared upsert: bulk_update's CASE per row and
    # field took most of the daily job (20 s for the 5,000 organisations of one busy day).
    bulk.insert(
        ComplianceRollup, changed, conflict=["path", "year", "sector_type", "category"], update=fields
    )
    ComplianceRollup.objects.bulk_create(new, batch_size=1000)


@transaction.atomic(savepoint=False)
def refresh(q: Q | None = None, on: date | None = None, overrides=None) -> int:
    """Recompute the summary rows of every (org, item, year) whose obligations match `q`, and move
    the rollups by the difference. Call it with every obligation of each pair in `q` (filter by org
    and item, not by a single row). `overrides`: the calendar just written, inside a calendar action.
    Run inside the caller's transaction; the rollup rows are locked while they change."""
    rows = _rows(q or Q(), on or today(), overrides)
    before = _previous(rows)
    bulk.insert(
        ComplianceSummary,
        rows,
        conflict=["org", "catalogue_item", "year"],
        update=["org_path", "sector_type", "category", "total", *COUNTS, "as_of", "stale_on"],
    )
    _apply_to_rollups(rows, before)
    return len(rows)


@transaction.atomic
def rebuild(on: date | None = None) -> int:
    """Both tables from scratch (call from `gongkai shell`): after a bulk import that
    bypassed the actions, or if a verification ever found them apart from the live figures."""
    ComplianceSummary.objects.all().delete()
    ComplianceRollup.objects.all().delete()
    return refresh(Q(), on)


def refresh_pair(org_id: int, catalogue_item_id: int) -> int:
    return refresh(Q(org_id=org_id, catalogue_item_id=catalogue_item_id))


def stale_q(on: date) -> Q:
    # as_of after `on` only happens when the clock goes back (time travel in tests, a fixed clock).
    return Q(stale_on__lte=on) | Q(as_of__gt=on)


def refresh_stale(on: date | None = None) -> int:
    """Bring the rows whose time-dependent counts changed since they were written up to `on`.
    Safe to run twice at once: rows are recomputed, never incremented; locked while rewritten."""
    on = on or today()
    if not ComplianceSummary.objects.filter(stale_q(on)).exists():
        return 0
    with transaction.atomic():
        keys = list(
            ComplianceSummary.objects.select_for_update()
            .filter(stale_q(on))
            .values_list("catalogue_item_id", "year", "org_id")
        )
        by_item = defaultdict(list)
        for item_id, year, org_id in keys:
            by_item[(item_id, year)].append(org_id)
        n = 0
        for (item_id, year), org_ids in by_item.items():
            for i in range(0, len(org_ids), CHUNK):
                chunk = org_ids[i : i + CHUNK]
                n += refresh(Q(catalogue_item_id=item_id, year=year, org_id__in=chunk), on)
        return n
