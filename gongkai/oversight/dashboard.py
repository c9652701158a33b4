"""The figures behind the oversight dashboards, shared by pages and the API (same access rules)."""

from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from gongkai import access
from gongkai.obligations import compliance
from gongkai.obligations.models import Obligation
from gongkai.orgs.models import Organisation

from . import rollout
from .models import RolloutPlan


def scope_or_404(user) -> None:
    if not access.oversees_anything(user):
        raise Http404


def plan_for_user(user, year: int) -> RolloutPlan | None:
    """The plan of the nearest committee above (or at) the organisations the user oversees."""
    return (
        access.visible_rollout_plans(user)
        .filter(year=year)
        .select_related("committee")
        .prefetch_related("phases", "deadlines")
        .order_by("-committee__depth")
        .first()
    )


def figures(user, year: int, on=None) -> dict:
    """Rollout progress per sector and compliance per sector, within the user's oversight scope."""
    on = on or timezone.localdate()
    scope_or_404(user)
    plan = plan_for_user(user, year)
    orgs = access.oversight_orgs(user)
    sectors = rollout.progress(plan, orgs, on) if plan else []
    obligations = access.overseen_obligations(user).filter(year=year)
    by_sector = compliance.compute(obligations, on)["by_sector_type"]
    return {"plan": plan, "sectors": sectors, "compliance": by_sector, "on": on, "year": year}


def supervised_rows(user, year: int, on=None):
    """R20: the supervisor's own organisations with their facts and on-time rate."""
    on = on or timezone.localdate()
    from .models import SupervisorAssignment

    org_ids = list(SupervisorAssignment.objects.filter(supervisor=user).values_list("org_id", flat=True))
    orgs = list(rollout.annotate_orgs(Organisation.objects.filter(pk__in=org_ids), year, on).order_by("path"))
    obligations = Obligation.objects.filter(org_id__in=org_ids, year=year)
    by_org = compliance.compute(obligations, on)["by_org"]
    return [(rollout.OrgRow(o, None), by_org.get(o.pk)) for o in orgs]


def open_findings(user):
    from .models import OWED, FindingStatus

    return (
        access.visible_findings(user)
        .filter(rectification_required=True)
        .filter(Q(status__in=OWED) | Q(status=FindingStatus.RESPONDED))
        .select_related("org", "inspection")
        .order_by("due_date", "pk")
    )
