from django import template

from ..models import LeaderComment

register = template.Library()


@register.simple_tag
def published_comments(org, limit=3):
    """R37: the leaders' comments published on the organisation's board (one query)."""
    return list(LeaderComment.objects.filter(org=org, published=True).select_related("leader")[:limit])


@register.simple_tag
def qr_svg_scalable(url: str) -> str:
    """A QR code that scales with its box (viewBox, no fixed size): the paper board and the screen."""
    import segno
    from django.utils.safestring import mark_safe

    return mark_safe(segno.make(url, error="m").svg_inline(border=1, omitsize=True, title=url))  # noqa: S308
