import csv
import io
from datetime import date

import pytest
from openpyxl import load_workbook

from gongkai.lib import spreadsheet

HOSTILE = ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "\r=1"]


@pytest.mark.parametrize("text", HOSTILE)
def test_text_that_would_start_a_formula_is_kept_as_text(text):
    assert spreadsheet.safe_cell(text) == "'" + text


def test_plain_values_pass_unchanged():
    assert [spreadsheet.safe_cell(v) for v in ["党务公开", -3, 1.5, None, date(2026, 1, 2)]] == [
        "党务公开",
        -3,
        1.5,
        None,
        date(2026, 1, 2),
    ]


def test_csv_has_a_bom_and_guarded_cells():
    body = spreadsheet.csv_bytes([["标题", "数量"], ["=1+1", 3]])
    assert body.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows == [["标题", "数量"], ["'=1+1", "3"]]


def test_xlsx_response_holds_guarded_cells_in_a_named_sheet():
    response = spreadsheet.response([["标题"], ["@cmd"], [7]], "xlsx", "items", sheet="公开事项/2026")
    assert response["Content-Disposition"] == 'attachment; filename="items.xlsx"'
    ws = load_workbook(io.BytesIO(response.content)).active
    assert ws.title == "公开事项 2026"
    assert [c.value for c in ws["A"]] == ["标题", "'@cmd", 7]


def test_unknown_format_is_refused():
    with pytest.raises(ValueError):
        spreadsheet.response([], "pdf", "x")
