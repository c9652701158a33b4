"""Reading an uploaded spreadsheet (R34) safely: XLSX or CSV told apart by their bytes, never by the
file name; size, row and cell limits; formulas refused (a cell like `=cmd|' /C calc'!A0` is an attack
on whoever opens an export later, and a value we cannot read as its author meant).

`read(data, columns)` answers a `Sheet`: the rows as dicts keyed by column key, each with its
spreadsheet row number, and the file-level errors. Errors are `CellError`s with row, column label and
reason in the user's language."""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

MAX_BYTES = 32 * 1024 * 1024
MAX_ROWS = 200_000
MAX_COLUMNS = 60
MAX_CELL = 50_000


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    required: bool = False
    example: str = ""
    aliases: tuple[str, ...] = ()


@dataclass
class CellError:
    row: int  # 0: the file itself
    column: str
    reason: str


@dataclass
class Sheet:
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    errors: list[CellError] = field(default_factory=list)


def kind_of(data: bytes) -> str | None:
    """'xlsx', 'csv' or None, from the content."""
    if data[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                names = set(z.namelist())
        except (zipfile.BadZipFile, ValueError):
            return None
        return "xlsx" if "xl/workbook.xml" in names else None
    if b"\x00" in data[:65536]:
        return None
    return "csv" if _decode(data) is not None else None


def _decode(data: bytes) -> str | None:
    # Excel on Chinese Windows saves CSV as GB18030 (GBK); everything else is UTF-8, maybe with a BOM.
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def _formula(value: str) -> bool:
    """A formula, or text a spreadsheet would run as one (DDE: =cmd|…, +cmd|…, @SUM(…))."""
    if value.startswith("="):
        return True
    return len(value) > 1 and value[0] in "+-@" and not (value[1].isdigit() or value[1] in " .")


def _cell_text(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):  # dates typed as dates in Excel
        text = value.isoformat()
        return text[:10] if text.endswith("T00:00:00") else text
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _raw_rows(data: bytes, kind: str):
    if kind == "csv":
        text = _decode(data) or ""
        yield from csv.reader(io.StringIO(text))
        return
    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    try:
        ws = wb.worksheets[0]
        for row in ws.iter_rows(values_only=True, max_col=MAX_COLUMNS):
            yield list(row)
    finally:
        wb.close()


def read(data: bytes, columns: list[Column]) -> Sheet:
    sheet = Sheet()
    if len(data) > MAX_BYTES:
        sheet.errors.append(
            CellError(0, "", _("文件超过 %(mb)s MB，请拆分后分批导入。") % {"mb": MAX_BYTES // (1024 * 1024)})
        )
        return sheet
    kind = kind_of(data)
    if kind is None:
        sheet.errors.append(CellError(0, "", _("无法识别的文件：请上传 Excel（.xlsx）或 CSV 文件。")))
        return sheet
    by_label = {}
    for c in columns:
        for name in (c.label, c.key, *c.aliases):
            by_label[name.strip().lower()] = c
    header: list[Column | None] | None = None
    try:
        for number, raw in enumerate(_raw_rows(data, kind), start=1):
            values = [_cell_text(v) for v in raw]
            if not any(values):
                continue
            if header is None:
                header = [by_label.get(v.strip().lower()) for v in values]
                present = {c.key for c in header if c}
                for c in columns:
                    if c.required and c.key not in present:
                        sheet.errors.append(
                            CellError(number, c.label, _("缺少必需的列“%(col)s”。") % {"col": c.label})
                        )
                if sheet.errors:
                    return sheet
                continue
            if len(sheet.rows) >= MAX_ROWS:
                sheet.errors.append(
                    CellError(number, "", _("超过 %(n)s 行，请拆分后分批导入。") % {"n": MAX_ROWS})
                )
                return sheet
            record: dict[str, str] = {}
            for col, value in zip(header, values, strict=False):
                if col is None or not value:
                    continue
                if len(value) > MAX_CELL:
                    sheet.errors.append(CellError(number, col.label, _("内容过长。")))
                    continue
                if _formula(value):
                    sheet.errors.append(
                        CellError(number, col.label, _("单元格含有公式，不予导入，请改为纯文本。"))
                    )
                    continue
                record[col.key] = value
            sheet.rows.append((number, record))
    except Exception:  # noqa: BLE001 — a hostile or broken file: any parser failure means "unreadable"
        sheet.errors.append(CellError(0, "", _("文件已损坏或格式不正确，无法读取。")))
        sheet.rows.clear()
        return sheet
    if header is None:
        sheet.errors.append(CellError(0, "", _("文件中没有内容。")))
    return sheet


def template(columns: list[Column], fmt: str) -> tuple[bytes, str]:
    """A file with the header row and one example row, and its content type."""
    header = [c.label for c in columns]
    example = [c.example for c in columns]
    if fmt == "csv":
        buf = io.StringIO()
        buf.write("\ufeff")
        writer = csv.writer(buf)
        writer.writerow(header)
        writer.writerow(example)
        return buf.getvalue().encode(), "text/csv; charset=utf-8"
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(header)
    ws.append(example)
    for cell in ws[2]:
        cell.data_type = "s"  # examples such as 2026-01-05 or 0731… stay text
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
