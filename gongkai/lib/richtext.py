"""Bodies as clerks write them: HTML pasted from Word/WPS or read from a DOCX file, kept to headings,
paragraphs, emphasis, lists and tables and cleaned by the same sanitiser (nh3) as Markdown bodies.
What is stored is already clean; rendering cleans again, so a stored body can never carry more."""

import io
import re
from html import escape, unescape

import nh3

TAGS = {
    "p", "br", "strong", "em", "u", "ul", "ol", "li", "blockquote", "h2", "h3", "h4",
    "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ATTRIBUTES = {"th": {"colspan", "rowspan"}, "td": {"colspan", "rowspan"}}
# Word's clipboard carries style sheets, XML islands and document properties: dropped with their content.
DROPPED_WITH_CONTENT = {"script", "style", "xml", "head", "title", "meta", "template", "noscript"}
_RENAME = [(r"<(/?)h1\b", r"<\1h2"), (r"<(/?)b\b", r"<\1strong"), (r"<(/?)i\b", r"<\1em")]


_WORD_LIST_ITEM = re.compile(r"<p\b[^>]*mso-list:[^>]*>(.*?)</p>", re.S | re.I)
_WORD_MARKER = re.compile(r"<!\[if !supportLists\]>(.*?)<!\[endif\]>", re.S | re.I)


def _word_lists(html: str) -> str:
    """Word pastes list items as paragraphs styled mso-list with the bullet or number in a
    supportLists block: consecutive ones become one <ul> or <ol>."""
    out, pos, open_list = [], 0, None
    for m in _WORD_LIST_ITEM.finditer(html):
        between = html[pos : m.start()]
        if open_list and between.strip():
            out.append(f"</{open_list}>")
            open_list = None
        out.append(between)
        marker = _WORD_MARKER.search(m.group(1))
        numbered = bool(
            marker
            and re.search(r"[0-9一二三四五六七八九十a-zA-Z][.)、．]", re.sub(r"<[^>]+>", "", marker.group(1)))
        )
        kind = "ol" if numbered else "ul"
        if open_list != kind:
            if open_list:
                out.append(f"</{open_list}>")
            out.append(f"<{kind}>")
            open_list = kind
        out.append(f"<li>{_WORD_MARKER.sub('', m.group(1))}</li>")
        pos = m.end()
    out.append(f"</{open_list}>" if open_list else "")
    out.append(html[pos:])
    return "".join(out)


def clean_html(html: str) -> str:
    """Pasted or imported HTML down to the allowed structure (Word's spans, classes, styles,
    o:p tags and conditional comments are dropped; their text stays; its list paragraphs become lists)."""
    html = _word_lists(html or "")
    html = re.sub(
        r"<!--\[if.*?<!\[endif\]-->|<!\[if.*?<!\[endif\]>", "", html, flags=re.S | re.I
    )  # Word's conditionals
    html = re.sub(r"</?o:p\s*/?>", "", html, flags=re.I)
    for pattern, repl in _RENAME:
        html = re.sub(pattern, repl, html, flags=re.I)
    cleaned = nh3.clean(
        html, tags=TAGS, attributes=ATTRIBUTES, clean_content_tags=DROPPED_WITH_CONTENT, strip_comments=True
    )
    cleaned = re.sub(r"<p>(\s|&nbsp;|\u00a0)*</p>", "", cleaned)  # Word's empty spacer paragraphs
    return cleaned.strip()


def html_to_text(html: str) -> str:
    """Plain text of a body for search and snippets: blocks become line breaks, tags go."""
    text = re.sub(r"</(p|h[2-4]|li|tr|blockquote)>|<br\s*/?>", "\n", html or "", flags=re.I)
    text = re.sub(r"</t[dh]>", " ", text, flags=re.I)
    text = unescape(re.sub(r"<[^>]+>", "", text))
    return re.sub(r"[ \t]+", " ", re.sub(r"\n\s*\n+", "\n", text)).strip()


# ---- DOCX (python-docx) ------------------------------------------------------------------------

_HEADING = re.compile(r"^(heading|标题)\s*(\d)", re.I)


def _runs(paragraph) -> str:
    out = []
    for run in paragraph.runs:
        text = escape(run.text)
        if not text:
            continue
        if run.bold:
            text = f"<strong>{text}</strong>"
        if run.italic:
            text = f"<em>{text}</em>"
        out.append(text)
    return "".join(out)


def _list_kind(paragraph) -> str | None:
    style = (paragraph.style.name if paragraph.style is not None else "").lower()
    if "bullet" in style or "项目符号" in style:
        return "ul"
    if "number" in style or "编号" in style:
        return "ol"
    if paragraph._p.pPr is not None and paragraph._p.pPr.numPr is not None:
        return "ol"
    return None


def _table(table) -> str:
    rows = []
    for r, row in enumerate(table.rows):
        tag = "th" if r == 0 else "td"
        cells, seen = [], set()
        for cell in row.cells:
            if id(cell._tc) in seen:  # a merged cell is returned once per grid column
                continue
            seen.add(id(cell._tc))
            text = "<br>".join(escape(p.text) for p in cell.paragraphs if p.text)
            cells.append(f"<{tag}>{text}</{tag}>")
        rows.append(f"<tr>{''.join(cells)}</tr>")
    return f"<table>{''.join(rows)}</table>"


def docx_to_html(data: bytes) -> str:
    """A Word/WPS document's body as clean HTML: headings, paragraphs, bold/italic, lists, tables,
    in document order."""
    from docx import Document
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    document = Document(io.BytesIO(data))
    parts, open_list = [], None
    for block in document.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "tbl":
            item = Table(block, document)
        elif tag == "p":
            item = Paragraph(block, document)
        else:
            continue
        kind = _list_kind(item) if isinstance(item, Paragraph) else None
        if open_list and kind != open_list:
            parts.append(f"</{open_list}>")
            open_list = None
        if isinstance(item, Table):
            parts.append(_table(item))
            continue
        text = _runs(item)
        if not text.strip():
            continue
        if kind:
            if open_list is None:
                parts.append(f"<{kind}>")
                open_list = kind
            parts.append(f"<li>{text}</li>")
            continue
        heading = _HEADING.match(item.style.name if item.style is not None else "")
        if heading or (item.style is not None and item.style.name.lower() == "title"):
            level = min(4, int(heading.group(2)) + 1) if heading else 2
            parts.append(f"<h{level}>{text}</h{level}>")
        else:
            parts.append(f"<p>{text}</p>")
    if open_list:
        parts.append(f"</{open_list}>")
    return clean_html("".join(parts))
