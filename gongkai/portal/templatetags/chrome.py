"""The page chrome's one personal piece that every page pays for: the language links, which carry
the current address back (issue 17.3: built from a list made once, not three reversals a page)."""

from functools import cache

from django import template
from django.conf import settings
from django.urls import get_script_prefix, reverse
from django.utils.html import format_html_join
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, get_language_info

register = template.Library()


@cache
def _languages(prefix: str) -> tuple:
    return tuple(
        (code, get_language_info(code)["name_local"], reverse("portal:set_lang", args=[code]))
        for code, _name in settings.LANGUAGES
    )


@register.simple_tag(takes_context=True)
def language_links(context):
    current = get_language()
    query = "?" + urlencode({"next": context["request"].get_full_path()})
    return format_html_join(
        "",
        '<a href="{}{}" lang="{}"{}>{}</a>',
        (
            (url, query, code, mark_safe(' aria-current="true"') if code == current else "", name)
            for code, name, url in _languages(get_script_prefix())
        ),
    )
