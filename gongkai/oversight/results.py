"""R22: evaluation results, only aggregates of ballots; never joined with participations."""

from dataclasses import dataclass, field

from django.db.models import Count
from django.utils import timezone

from gongkai.lib.confidentiality import scan_text

from .models import Ballot, Choice, EvaluationCampaign, Participation

MIN_VOTES = 5  # below this, only the number of voters is shown: a handful of votes could be guessed


@dataclass
class OrgResult:
    org: object
    voters: int = 0
    counts: dict = field(default_factory=dict)
    comments: list[str] = field(default_factory=list)
    withheld_comments: int = 0

    @property
    def shown(self) -> bool:
        return self.voters >= MIN_VOTES

    @property
    def satisfied(self) -> int:
        return self.counts.get(Choice.SATISFIED, 0)

    @property
    def basic(self) -> int:
        return self.counts.get(Choice.BASIC, 0)

    @property
    def unsatisfied(self) -> int:
        return self.counts.get(Choice.UNSATISFIED, 0)

    @property
    def rate(self) -> float | None:
        """满意率 = (满意 + 基本满意) ÷ 参评人数."""
        total = self.satisfied + self.basic + self.unsatisfied
        return (self.satisfied + self.basic) / total if total else None

    @property
    def rate_text(self) -> str:
        return "—" if self.rate is None else f"{self.rate:.1%}"

    def as_dict(self) -> dict:
        out = {
            "org_code": self.org.code,
            "org_name": self.org.name,
            "voters": self.voters,
            "shown": self.shown,
        }
        if self.shown:
            out.update(
                satisfied=self.satisfied,
                basic=self.basic,
                unsatisfied=self.unsatisfied,
                rate=None if self.rate is None else round(self.rate, 4),
                comments=self.comments,
                withheld_comments=self.withheld_comments,
            )
        return out


def published(campaign: EvaluationCampaign, now=None) -> bool:
    return campaign.is_closed(now or timezone.now())


def results(campaign: EvaluationCampaign, orgs) -> list[OrgResult]:
    """Per organisation (of `orgs`, already access-filtered): three queries whatever the size."""
    by_org = {o.pk: OrgResult(o) for o in orgs}
    for row in (
        Participation.objects.filter(campaign=campaign, org_id__in=list(by_org))
        .order_by()
        .values("org_id")
        .annotate(n=Count("pk"))
    ):
        by_org[row["org_id"]].voters = row["n"]
    for row in (
        Ballot.objects.filter(campaign=campaign, org_id__in=list(by_org))
        .order_by()
        .values("org_id", "choice")
        .annotate(n=Count("pk"))
    ):
        by_org[row["org_id"]].counts[row["choice"]] = row["n"]
    # Ordered by the random key: the list order says nothing about who wrote what or when.
    comments = (
        Ballot.objects.filter(campaign=campaign, org_id__in=[k for k, r in by_org.items() if r.shown])
        .exclude(comment="")
        .order_by("pk")
        .values_list("org_id", "comment")
    )
    for org_id, comment in comments:
        r = by_org[org_id]
        if scan_text(comment):
            r.withheld_comments += 1
        else:
            r.comments.append(comment)
    return list(by_org.values())
