import segno
from django import template
from django.utils.safestring import mark_safe

from gongkai.lib.markdown import render

register = template.Library()


@register.filter
def markdown(source: str) -> str:
    return mark_safe(render(source))  # noqa: S308 - sanitised by nh3 in render()


@register.filter
def as_body(source: str, item) -> str:
    """An item's body in its own format (Markdown, or HTML from Word/WPS/DOCX), sanitised by nh3."""
    return mark_safe(item.rendered(source))  # noqa: S308 - sanitised in rendered()


@register.simple_tag
def qr_svg(url: str) -> str:
    """An inline SVG QR code (no external service, no script)."""
    return mark_safe(segno.make(url, error="m").svg_inline(scale=2, border=1, title=url))  # noqa: S308


@register.filter
def scope_class(scope: str) -> str:
    return "ok" if scope == "public" else "light"
