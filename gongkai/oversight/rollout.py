"""R19: who has fully implemented disclosure, per sector type against the plan's deadline.

Fully implemented = the organisation has long-term obligations, every one fulfilled (done on time or
late; a long-term obligation carries over the years until it is met) AND both commitments
(organisation's and secretary's) published. Each organisation's facts come
from one annotated query; per-sector totals are summed from those rows (no query per row)."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Exists, IntegerField, Max, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from gongkai.obligations.models import Kind, Obligation
from gongkai.orgs.models import Organisation, SectorType

from .models import OWED, Commitment, CommitmentKind, InspectionFinding, RolloutPlan, SectorDeadline


def rollout_deadlines(year: int) -> dict[tuple[str, str], date]:
    """The plans' full-implementation deadlines of `year`: (committee path, sector type) -> date.
    The one place obligations read them from (registered with obligations.calendar in apps.py)."""
    return {
        (path, sector_type): deadline
        for path, sector_type, deadline in SectorDeadline.objects.filter(plan__year=year).values_list(
            "plan__committee__path", "sector_type", "deadline"
        )
    }


def rollout_deadline(year: int, sector_type: str, org: Organisation) -> date | None:
    """The deadline by which `org` (of `sector_type`) must have fully implemented disclosure in `year`."""
    table = rollout_deadlines(year)
    for path in reversed([*org.ancestor_paths(), org.path]):
        if (path, sector_type) in table:
            return table[(path, sector_type)]
    return None


def _count(qs) -> Coalesce:
    return Coalesce(
        Subquery(
            qs.order_by().values("org_id").annotate(c=Count("pk")).values("c"), output_field=IntegerField()
        ),
        Value(0),
    )


def annotate_orgs(qs, year: int, on: date):
    """Per-organisation oversight facts, all as subqueries of one SELECT."""
    # One row per long-term item, carried into later years until met (year <= the plan's).
    long_term = Obligation.objects.filter(org_id=OuterRef("pk"), kind=Kind.LONG_TERM, year__lte=year)
    published = Commitment.objects.published().filter(org_id=OuterRef("pk"))
    owed = InspectionFinding.objects.filter(
        org_id=OuterRef("pk"), rectification_required=True, status__in=OWED
    )
    return qs.annotate(
        lt_total=_count(long_term),
        lt_open=_count(long_term.filter(fulfilled_on__isnull=True)),
        lt_last=Subquery(
            long_term.order_by().values("org_id").annotate(m=Max("fulfilled_on")).values("m")[:1]
        ),
        org_commitment=Exists(published.filter(kind=CommitmentKind.ORG)),
        secretary_commitment=Exists(published.filter(kind=CommitmentKind.SECRETARY)),
        commitments_last=Subquery(
            published.order_by().values("org_id").annotate(m=Max("published_at")).values("m")[:1]
        ),
        open_rectifications=_count(owed),
        overdue_rectifications=_count(owed.filter(due_date__lt=on)),
        escalated=Exists(owed.filter(escalated_at__isnull=False)),
    )


@dataclass
class OrgRow:
    org: Organisation
    deadline: date | None

    @property
    def implemented(self) -> bool:
        o = self.org
        return o.lt_total > 0 and o.lt_open == 0 and o.org_commitment and o.secretary_commitment

    @property
    def implemented_on(self) -> date | None:
        """The day the last missing piece arrived (for on-time-against-deadline counts)."""
        if not self.implemented:
            return None
        days = [d for d in (self.org.lt_last,) if d]
        if self.org.commitments_last:
            from django.utils import timezone

            days.append(timezone.localdate(self.org.commitments_last))
        return max(days) if days else None

    @property
    def lacks(self) -> list[str]:
        o, out = self.org, []
        if not o.lt_total:
            out.append(_("尚无长期公开事项"))
        elif o.lt_open:
            out.append(_("长期公开事项未完成 %(n)s/%(t)s 项") % {"n": o.lt_open, "t": o.lt_total})
        if not o.org_commitment:
            out.append(_("党组织公开承诺未公开"))
        if not o.secretary_commitment:
            out.append(_("书记公开承诺未公开"))
        return out

    @property
    def lt_done(self) -> int:
        return self.org.lt_total - self.org.lt_open


@dataclass
class SectorProgress:
    sector_type: str
    deadline: date | None
    rows: list[OrgRow] = field(default_factory=list)

    @property
    def label(self) -> str:
        return str(SectorType(self.sector_type).label)

    @property
    def total(self) -> int:
        return len(self.rows)

    @property
    def implemented(self) -> int:
        return sum(1 for r in self.rows if r.implemented)

    @property
    def implemented_by_deadline(self) -> int:
        return sum(
            1
            for r in self.rows
            if r.implemented and (r.implemented_on is None or r.implemented_on <= self.deadline)
        )

    @property
    def percent(self) -> int:
        return round(100 * self.implemented / self.total) if self.total else 0

    @property
    def lagging(self) -> list[OrgRow]:
        return [r for r in self.rows if not r.implemented]

    def days_left(self, on: date) -> int | None:
        return None if self.deadline is None else (self.deadline - on).days

    def as_dict(self, on: date) -> dict:
        return {
            "sector_type": self.sector_type,
            "label": self.label,
            "deadline": self.deadline,
            "total": self.total,
            "implemented": self.implemented,
            "implemented_by_deadline": self.implemented_by_deadline,
            "percent": self.percent,
            "past_deadline": self.deadline is not None and on > self.deadline,
            "lagging": [{"code": r.org.code, "name": r.org.name, "lacks": r.lacks} for r in self.lagging],
        }


def plan_for(committee_ids, year: int) -> RolloutPlan | None:
    return (
        RolloutPlan.objects.filter(committee_id__in=committee_ids, year=year)
        .prefetch_related("phases", "deadlines")
        .select_related("committee")
        .order_by("committee__path")
        .first()
    )


def progress(plan: RolloutPlan, orgs_qs, on: date) -> list[SectorProgress]:
    """Sector progress for the plan's organisations within `orgs_qs` (already access-filtered)."""
    deadlines = {d.sector_type: d.deadline for d in plan.deadlines.all()}
    qs = orgs_qs.filter(plan.committee.subtree_q(), sector_type__in=list(deadlines)).exclude(
        pk=plan.committee_id
    )
    sectors = {k: SectorProgress(k, d) for k, d in sorted(deadlines.items(), key=lambda kv: (kv[1], kv[0]))}
    for org in annotate_orgs(qs, plan.year, on).order_by("path"):
        sectors[org.sector_type].rows.append(OrgRow(org, deadlines[org.sector_type]))
    return [s for s in sectors.values() if s.rows]
