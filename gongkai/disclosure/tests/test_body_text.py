"""Search and snippets read a body's plain text: a one-line plain body skips the Markdown render (the cost
of indexing an import of 100,000 past items) and must come out exactly as the render would have it."""

import random

from gongkai.disclosure.models import _PLAIN_LINE, body_text
from gongkai.lib import markdown, richtext

TRICKY = list("abcXYZ 0123456789.)(-+=#>|*_~`!:/&<>[]\\\"'%$@^{}?,;") + [
    *"党费收缴。，（）、“”",
    "\u3000",
    "\u00a0",
    "\x85",
    "\u2028",
    "😀",
    "\t",
    "\n",
    "\r",
    "\x0c",
    "\x00",
    "\ufeff",
    "\u200b",
    "\x7f",
    "&amp;",
    "1. ",
    "- ",
    "    ",
]


def rendered_text(source: str) -> str:
    return richtext.html_to_text(markdown.render(source))


def test_plain_lines_read_exactly_as_rendered():
    rng = random.Random(14)
    plain = 0
    for _ in range(20_000):
        source = "".join(rng.choice(TRICKY) for _ in range(rng.randint(1, 14)))
        if _PLAIN_LINE.fullmatch(source):
            plain += 1
        assert body_text(source, "markdown") == rendered_text(source), repr(source)
    assert plain > 1000  # the shortcut was exercised, not only the render


def test_markdown_still_renders():
    assert body_text("2025年党费收缴情况。本期应缴 12 人，实缴 12 人。", "markdown") == (
        "2025年党费收缴情况。本期应缴 12 人，实缴 12 人。"
    )
    assert body_text("1. 按时交纳党费", "markdown") == "按时交纳党费"
    assert body_text("# 一、基本情况", "markdown") == "一、基本情况"
    assert body_text("党费**收缴**情况 [链接](http://x)", "markdown") == "党费收缴情况 链接"
    assert body_text("<p>党费 &amp; 收缴</p>", "html") == "党费 & 收缴"
