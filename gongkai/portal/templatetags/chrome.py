"""The page chrome's personal pieces that every page pays for (issue 17.3): the language links, which
carry the current address back, and the account box's links; each made once per process, not
reversed and formatted again on every page."""

from functools import cache, lru_cache

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
    return _language_links(get_language(), context["request"].get_full_path(), get_script_prefix())


@lru_cache(maxsize=1024)  # the addresses readers are on; any other is simply built again
def _language_links(current: str, path: str, prefix: str) -> str:
    query = "?" + urlencode({"next": path})
    return format_html_join(
        "",
        '<a href="{}{}" lang="{}"{}>{}</a>',
        (
            (url, query, code, mark_safe(' aria-current="true"') if code == current else "", name)
            for code, name, url in _languages(prefix)
        ),
    )


@register.simple_tag
def route(name: str) -> str:
    """`{% url name %}` for a pattern without arguments, reversed once per process."""
    return _route(name, get_script_prefix())


@cache
def _route(name: str, prefix: str) -> str:
    return reverse(name)
