"""The annual report as text for the disclosure item (Markdown), as XLSX and as DOCX for filing."""

import io

from django.utils.translation import gettext as _

from .tables import Table, all_tables

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def title_of(report) -> str:
    what = _("党务公开工作年度报告（汇总）") if report.subtree else _("党务公开工作年度报告")
    return _("%(org)s%(year)s年度%(what)s") % {"org": report.org.name, "year": report.year, "what": what}


def sections(report, figures: dict) -> list[tuple[str, str, list[Table]]]:
    """(heading, written text, tables) in the order of the national format, adapted (R35)."""
    tables = all_tables(figures)
    by_section: dict[str, list[Table]] = {}
    for t in tables:
        by_section.setdefault(t.section, []).append(t)
    heads = list(by_section)
    return [
        (heads[0], report.overview, by_section[heads[0]]),
        *[(h, "", by_section[h]) for h in heads[1:]],
        (_("六、存在的主要问题及改进情况"), report.problems, []),
        (_("七、其他需要报告的事项"), report.other_matters or _("无。"), []),
    ]


def _md_cell(value) -> str:
    return str(value).replace("|", "｜").replace("\n", " ")


def _md_table(t: Table) -> list[str]:
    return [
        "| " + " | ".join(_md_cell(h) for h in t.header) + " |",
        "|" + "|".join(["---"] + ["---:"] * (len(t.header) - 1)) + "|",
        *("| " + " | ".join(_md_cell(c) for c in row) + " |" for row in t.rows),
    ]


def table_lines(figures: dict) -> set[str]:
    """The lines of the body the system writes itself (the tables), as opposed to the office's text."""
    return {line for t in all_tables(figures) for line in _md_table(t)}


def markdown(report, figures: dict) -> str:
    """The body of the disclosure item that carries the report: text and tables (R35)."""
    out = []
    for heading, text, tables in sections(report, figures):
        out.append(f"## {heading}\n")
        if text:
            out.append(text.strip() + "\n")
        for t in tables:
            out.append(f"**{t.title}**\n")
            out += _md_table(t)
            out.append("")
    return "\n".join(out).strip()  # as clean_text stores it, so the stored body compares equal


def xlsx(title: str, tables: list[Table]) -> bytes:
    """One sheet per table: the document's title, the table's heading, the header, the rows (numbers
    stay numbers), through the project's spreadsheet helper (formula guard included)."""
    from gongkai.lib import spreadsheet

    return spreadsheet.xlsx_workbook_bytes(
        (f"{i} {t.title}", [[title], [f"{t.section} {t.title}"], t.header, *t.rows])
        for i, t in enumerate(tables, start=1)
    )


def _font(run, size=None, bold=False, east_asian="仿宋"):
    from docx.oxml.ns import qn
    from docx.shared import Pt

    run.font.name = "Times New Roman"
    run.font.bold = bold
    if size:
        run.font.size = Pt(size)
    rpr = run._element.get_or_add_rPr()
    rfonts = rpr.get_or_add_rFonts()
    rfonts.set(qn("w:eastAsia"), east_asian)  # Word and WPS pick the Chinese font from here


def docx(
    title: str, subtitle: str, parts: list[tuple[str, str, list[Table]]], closing: list[str] = ()
) -> bytes:
    """A filing document: centred title, headings, the written text and the tables with grid lines."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    doc = Document()
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(p.add_run(title), size=18, bold=True, east_asian="黑体")
    if subtitle:
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _font(p.add_run(subtitle), size=12)
    for heading, text, tables in parts:
        p = doc.add_paragraph()
        _font(p.add_run(heading), size=14, bold=True, east_asian="黑体")
        for para in (text or "").split("\n"):
            if para.strip():
                _font(doc.add_paragraph().add_run(para.strip()), size=12)
        for t in tables:
            p = doc.add_paragraph()
            _font(p.add_run(t.title), size=12, bold=True)
            table = doc.add_table(rows=1, cols=len(t.header))
            table.style = "Table Grid"
            for cell, text_ in zip(table.rows[0].cells, t.header, strict=True):
                cell.text = ""
                _font(cell.paragraphs[0].add_run(str(text_)), size=10.5, bold=True)
            for row in t.rows:
                cells = table.add_row().cells
                for cell, value in zip(cells, row, strict=True):
                    cell.text = ""
                    _font(cell.paragraphs[0].add_run(str(value)), size=10.5)
    for line in closing:
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        _font(p.add_run(line), size=12)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
