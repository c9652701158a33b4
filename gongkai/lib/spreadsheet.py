"""Every table a user can take away goes through here (R34): CSV or XLSX, one header row then data.

    from gongkai.lib import spreadsheet
    return spreadsheet.response(rows, fmt, "assignments", sheet=_("联系安排表"))

`rows` is any iterable of sequences (the first is the header); cells may be str, int, float, Decimal,
date, datetime or None. Every text cell passes through safe_cell(): text that a spreadsheet program
would run as a formula (starting with = + - @, a tab or a carriage return) is prefixed with a quote,
so a title typed by a member can never become a formula in an office's Excel (formula injection).
CSV is UTF-8 with a BOM: Excel and WPS read it as UTF-8 only then.
"""

import csv
import io
import re
from collections.abc import Iterable, Sequence

from django.http import HttpResponse

FORMATS = ("csv", "xlsx")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def safe_cell(value):
    """The value as a spreadsheet should hold it: text that would start a formula is kept as text."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def write_csv(fh, rows: Iterable[Sequence]) -> None:
    """Write guarded rows to a text file object opened with newline="" (and encoding="utf-8-sig")."""
    writer = csv.writer(fh)
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])


def csv_bytes(rows: Iterable[Sequence]) -> bytes:
    buf = io.StringIO()
    write_csv(buf, rows)
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def xlsx_bytes(rows: Iterable[Sequence], sheet: str = "Sheet1") -> bytes:
    return xlsx_workbook_bytes([(sheet, rows)])


def xlsx_workbook_bytes(sheets: Iterable[tuple[str, Iterable[Sequence]]]) -> bytes:
    """Several tables in one workbook, one sheet each (e.g. the annual report's tables)."""
    from openpyxl import Workbook  # only when an XLSX is asked for: it is slow to import

    wb = Workbook(write_only=True)
    for sheet, rows in sheets:
        ws = wb.create_sheet(_SHEET_FORBIDDEN.sub(" ", str(sheet))[:31] or "Sheet1")
        for row in rows:
            ws.append([safe_cell(v) for v in row])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def response(rows: Iterable[Sequence], fmt: str, filename: str, *, sheet: str = "Sheet1") -> HttpResponse:
    """A download of `rows` as `filename`.csv or .xlsx (`filename` without extension, ASCII)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown spreadsheet format {fmt!r}")
    counted = [0]

    def counting(rows):
        for row in rows:
            counted[0] += 1
            yield row

    body = csv_bytes(counting(rows)) if fmt == "csv" else xlsx_bytes(counting(rows), sheet)
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    # Read by the audit middleware: every export is an audit entry (SECURITY 10).
    response.gongkai_export = {"file": f"{filename}.{fmt}", "rows": max(counted[0] - 1, 0)}
    return response
