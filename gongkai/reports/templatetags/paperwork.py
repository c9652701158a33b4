from django import template

from ..models import LeaderComment

register = template.Library()


@register.simple_tag
def published_comments(org, limit=3):
    """R37: the leaders' comments published on the organisation's board (one query)."""
    return list(LeaderComment.objects.filter(org=org, published=True).select_related("leader")[:limit])
