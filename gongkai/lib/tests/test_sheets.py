"""R34: the streaming XLSX reader reads what Excel, WPS and openpyxl write, as the person who typed it
meant: text, numbers, dates typed as dates, booleans, gaps; formulas refused wherever they hide."""

import io
import zipfile
from datetime import date, datetime

from openpyxl import Workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont

from gongkai.lib.sheets import Column, read

COLUMNS = [
    Column("code", "代码", True),
    Column("name", "名称", True),
    Column("count", "数量"),
    Column("day", "日期"),
    Column("flag", "标志"),
]
HEADER = ["代码", "名称", "数量", "日期", "标志"]


def saved(wb) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def rows_of(data: bytes) -> list[tuple[int, dict]]:
    sheet = read(data, COLUMNS)
    assert not sheet.errors, sheet.errors
    return sheet.rows


def test_shared_and_inline_strings_numbers_dates_and_gaps_read_alike():
    values = [
        ["  JLJD-01 ", "集里街道党工委", 12, date(2026, 1, 5), True],
        ["JLJD-02", "新城社区党支部", 2.0, datetime(2026, 2, 28, 9, 30), False],
        ["JLJD-03", "中和社区党支部", 3.5, None, None],
        [None, None, None, None, None],  # a blank row is skipped
        ["0731", "十三位数字", 1234567890123, "2026-03-01", "是"],
    ]
    expected = [
        (
            2,
            {"code": "JLJD-01", "name": "集里街道党工委", "count": "12", "day": "2026-01-05", "flag": "TRUE"},
        ),
        (
            3,
            {"code": "JLJD-02", "name": "新城社区党支部", "count": "2", "day": "2026-02-28", "flag": "FALSE"},
        ),
        (4, {"code": "JLJD-03", "name": "中和社区党支部", "count": "3.5"}),
        (
            6,
            {
                "code": "0731",
                "name": "十三位数字",
                "count": "1234567890123",
                "day": "2026-03-01",
                "flag": "是",
            },
        ),
    ]
    normal = Workbook()  # shared strings, as Excel writes them
    for row in [HEADER, *values]:
        normal.active.append(row)
    streamed = Workbook(write_only=True)  # inline strings, as openpyxl's write-only mode (and the bench)
    ws = streamed.create_sheet("事项")
    for row in [HEADER, *values]:
        ws.append(row)
    assert rows_of(saved(normal)) == expected
    assert rows_of(saved(streamed)) == expected


def test_rich_text_runs_are_joined():
    wb = Workbook()
    wb.active.append(HEADER)
    wb.active.append(["A1", CellRichText([TextBlock(InlineFont(b=True), "党费"), "收缴情况"])])
    assert rows_of(saved(wb)) == [(2, {"code": "A1", "name": "党费收缴情况"})]


def test_cells_out_of_order_and_without_references():
    sheet_xml = (
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        '<row r="1"><c t="inlineStr"><is><t>代码</t></is></c><c t="inlineStr"><is><t>名称</t></is></c></row>'
        '<row r="3"><c r="B3" t="inlineStr"><is><r><t>甲</t></r><r><t>乙</t></r></is></c>'
        '<c r="A3" t="inlineStr"><is><t xml:space="preserve"> X1 </t></is></c></row>'
        '<row><c><v>7</v></c><c t="str"><v>ok</v></c></row>'
        "</sheetData></worksheet>"
    )
    assert rows_of(_xlsx_with_sheet(sheet_xml)) == [
        (3, {"code": "X1", "name": "甲乙"}),
        (4, {"code": "7", "name": "ok"}),
    ]


def test_formulas_are_refused_however_they_are_stored():
    wb = Workbook()
    ws = wb.active
    ws.append(HEADER)
    ws.append(["F1", "=SUM(1,2)"])  # a formula cell
    ws.append(["F2", "=cmd|' /C calc'!A0"])
    ws["B3"].data_type = "s"  # the same text stored as a string: a spreadsheet would still run it
    ws.append(["F3", "@SUM(A1)"])
    ws.append(["F4", "-3"])  # a negative number typed as text is not a formula
    sheet = read(saved(wb), COLUMNS)
    assert [(e.row, e.column) for e in sheet.errors] == [(2, "名称"), (3, "名称"), (4, "名称")]
    assert all("公式" in e.reason for e in sheet.errors)
    assert sheet.rows[-1] == (5, {"code": "F4", "name": "-3"})


def _xlsx_with_sheet(sheet_xml: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr(
            "[Content_Types].xml",
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
        )
        z.writestr(
            "xl/workbook.xml",
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        z.writestr(
            "xl/_rels/workbook.xml.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Target="worksheets/sheet1.xml" '
            'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/>'
            "</Relationships>",
        )
        z.writestr("xl/worksheets/sheet1.xml", sheet_xml)
    return out.getvalue()
