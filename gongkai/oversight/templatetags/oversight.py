from django import template
from django.utils import timezone

from ..models import Commitment, EvaluationCampaign
from ..results import results

register = template.Library()


@register.simple_tag
def org_commitments(org):
    """R23: the organisation's published commitments, for its board (one query)."""
    return list(Commitment.objects.published().filter(org=org).select_related("by"))


@register.simple_tag
def org_evaluations(org, limit=3):
    """R22: results of the closed campaigns the organisation took part in, newest first."""
    campaigns = EvaluationCampaign.objects.filter(orgs=org, closes_at__lte=timezone.now()).order_by(
        "-closes_at"
    )[:limit]
    return [(c, results(c, [org])[0]) for c in campaigns]


@register.simple_tag
def supervises(user) -> bool:
    from ..models import SupervisorAssignment

    return bool(user.is_authenticated) and SupervisorAssignment.objects.filter(supervisor=user).exists()
