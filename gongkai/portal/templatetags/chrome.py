"""What every page pays for (issue 17.3): the page chrome, rendered once per process for each language
and each value of what it varies by; the language links, which carry the current address back, and
the account box's links, each made once per process, not reversed and formatted again on every page."""

from functools import cache, lru_cache

from django import template
from django.conf import settings
from django.urls import get_script_prefix, reverse
from django.utils.html import format_html_join
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, get_language_info

register = template.Library()

_FRAGMENTS: dict[tuple, str] = {}
MAX_FRAGMENTS = 512  # kinds of readers × languages × site versions in use; past it, start afresh


class ChromeNode(template.Node):
    def __init__(self, name: str, vary: list, nodelist):
        self.name, self.vary, self.nodelist = name, vary, nodelist

    def render(self, context):
        key = (self.name, get_language(), *(v.resolve(context) for v in self.vary))
        html = _FRAGMENTS.get(key)
        if html is None:
            html = self.nodelist.render(context)
            if len(_FRAGMENTS) >= MAX_FRAGMENTS:
                _FRAGMENTS.clear()
            _FRAGMENTS[key] = html
        return html


@register.tag
def chrome(parser, token):
    """`{% chrome name var… %}…{% endchrome %}`: the enclosed chrome, kept in this process's memory per
    language and the values of `var…`, which must name everything it shows (like `{% cache %}`, without
    its pickling and locking: these few pieces are on every page)."""
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("chrome needs a name")
    nodelist = parser.parse(("endchrome",))
    parser.delete_first_token()
    return ChromeNode(bits[1], [parser.compile_filter(b) for b in bits[2:]], nodelist)


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
