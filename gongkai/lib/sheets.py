"""Reading an uploaded spreadsheet (R34) safely: XLSX or CSV told apart by their bytes, never by the
file name; size, row and cell limits; formulas refused (a cell like `=cmd|' /C calc'!A0` is an attack
on whoever opens an export later, and a value we cannot read as its author meant).

`read(data, columns)` answers a `Sheet`: the rows as dicts keyed by column key, each with its
spreadsheet row number, and the file-level errors. Errors are `CellError`s with row, column label and
reason in the user's language."""

from __future__ import annotations

import csv
import io
import json
import zipfile
import zlib
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


_FORMULA_STARTS = frozenset("=+-@")


def _formula(value: str) -> bool:
    """A formula, or text a spreadsheet would run as one (DDE: =cmd|…, +cmd|…, @SUM(…))."""
    if value.startswith("="):
        return True
    return len(value) > 1 and value[0] in "+-@" and not (value[1].isdigit() or value[1] in " .")


def _cell_text(value) -> str:
    if type(value) is str:  # most cells: checked first
        return value.strip()
    if value is None:
        return ""
    if hasattr(value, "isoformat"):  # dates typed as dates in Excel
        text = value.isoformat()
        return text[:10] if text.endswith("T00:00:00") else text
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _raw_rows(data: bytes, kind: str):
    """(spreadsheet row number, cell values) of the first sheet."""
    if kind == "csv":
        text = _decode(data) or ""
        yield from enumerate(csv.reader(io.StringIO(text)), start=1)
        return
    yield from _xlsx_rows(data)


# ---- A lean XLSX reader: openpyxl parses every cell into objects (100,000 rows take minutes); this
# streams the first sheet's XML once. Formula cells come back as "=" + formula, so the guard sees them.

_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
MAX_XML_BYTES = 512 * 1024 * 1024  # uncompressed: a zip bomb stops here
_DIGITS = "0123456789"
_DATE_FORMAT_IDS = {14, 15, 16, 17, 18, 19, 20, 21, 22, 45, 46, 47}


def _xml(z: zipfile.ZipFile, name: str):
    from lxml import etree

    if z.getinfo(name).file_size > MAX_XML_BYTES:
        raise ValueError("part too large")
    return etree.parse(
        z.open(name), etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    )


def _first_sheet(z: zipfile.ZipFile, names: set[str]) -> str:
    try:
        book = _xml(z, "xl/workbook.xml")
        rid = book.find(f"{_NS}sheets/{_NS}sheet").get(_REL)
        rels = _xml(z, "xl/_rels/workbook.xml.rels")
        for rel in rels.iter(f"{_PKG_REL}Relationship"):
            if rel.get("Id") == rid:
                target = rel.get("Target").lstrip("/")
                path = target if target.startswith("xl/") else f"xl/{target}"
                if path in names:
                    return path
    except (KeyError, AttributeError):
        pass
    return "xl/worksheets/sheet1.xml"


def _shared_strings(z: zipfile.ZipFile, names: set[str]) -> list[str]:
    if "xl/sharedStrings.xml" not in names:
        return []
    out = []
    for si in _xml(z, "xl/sharedStrings.xml").getroot().iter(f"{_NS}si"):
        # Rich text runs joined; phonetic guides (rPh) are not part of the text.
        out.append("".join(t.text or "" for t in si.iter(f"{_NS}t") if t.getparent().tag != f"{_NS}rPh"))
    return out


def _date_styles(z: zipfile.ZipFile, names: set[str]) -> tuple[set[int], bool]:
    """Indexes of cell styles that show a date, and whether the workbook counts from 1904."""
    date1904 = False
    try:
        pr = _xml(z, "xl/workbook.xml").find(f"{_NS}workbookPr")
        date1904 = pr is not None and pr.get("date1904") in ("1", "true")
    except KeyError:
        pass
    if "xl/styles.xml" not in names:
        return set(), date1904
    root = _xml(z, "xl/styles.xml").getroot()
    custom = {}
    for fmt in root.iter(f"{_NS}numFmt"):
        code = (fmt.get("formatCode") or "").lower()
        code = "".join(part for i, part in enumerate(code.split('"')) if i % 2 == 0)  # quoted text aside
        custom[int(fmt.get("numFmtId"))] = any(ch in code for ch in "ymd") and "[h]" not in code
    dates = set()
    xfs = root.find(f"{_NS}cellXfs")
    for index, xf in enumerate(xfs if xfs is not None else []):
        fid = int(xf.get("numFmtId") or 0)
        if fid in _DATE_FORMAT_IDS or custom.get(fid):
            dates.add(index)
    return dates, date1904


def _column(ref: str) -> int:
    n = 0
    for ch in ref:
        if "A" <= ch <= "Z":
            n = n * 26 + ord(ch) - 64
        else:
            break
    return n - 1


def _serial_date(value: str, date1904: bool) -> str:
    from datetime import date, timedelta

    day = float(value)
    base = date(1904, 1, 1) if date1904 else date(1899, 12, 30)
    return (base + timedelta(days=int(day))).isoformat()


def _inline_text(node, t_tag: str) -> str:
    """An inline string's text: its one <t> (what writers produce), or all its runs joined."""
    if len(node) == 1:
        t = node[0]
        if t.tag == t_tag and not len(t):
            return t.text or ""
    return "".join(node.itertext())


def _xlsx_rows(data: bytes):
    from lxml import etree

    with zipfile.ZipFile(io.BytesIO(data)) as z:
        names = set(z.namelist())
        shared = _shared_strings(z, names)
        dates, date1904 = _date_styles(z, names)
        sheet = _first_sheet(z, names)
        if z.getinfo(sheet).file_size > MAX_XML_BYTES:
            raise ValueError("sheet too large")
        c_tag, v_tag, f_tag, is_tag, t_tag = f"{_NS}c", f"{_NS}v", f"{_NS}f", f"{_NS}is", f"{_NS}t"
        context = etree.iterparse(
            z.open(sheet), events=("end",), tag=f"{_NS}row", resolve_entities=False, no_network=True
        )
        expected = 0
        column_of: dict[str, int] = {}  # "AB" → 27: refs repeat the same few letters on every row
        for _event, row in context:
            expected = int(row.get("r") or expected + 1)
            values: list = []
            for c in row.iterchildren(c_tag):
                ref = c.get("r")
                if ref:
                    letters = ref.rstrip(_DIGITS)
                    col = column_of.get(letters)
                    if col is None:
                        col = column_of[letters] = _column(letters)
                else:
                    col = len(values)
                if col >= MAX_COLUMNS:
                    continue
                t = c.get("t")
                text = formula = inline = None
                for child in c:  # one pass over the cell's few children instead of a find() for each
                    tag = child.tag
                    if tag == v_tag:
                        text = child.text
                    elif tag == f_tag:
                        formula = child
                    elif tag == is_tag:
                        inline = child
                if formula is not None:
                    value = "=" + (formula.text or "")
                elif t == "s" and text is not None:
                    value = shared[int(text)]
                elif t == "inlineStr":
                    value = _inline_text(inline, t_tag) if inline is not None else ""
                elif t == "b":
                    value = "TRUE" if text == "1" else "FALSE"
                elif text is None:
                    value = None
                elif t in (None, "n") and int(c.get("s") or 0) in dates:
                    value = _serial_date(text, date1904)
                elif t in (None, "n"):
                    number = float(text)
                    value = int(number) if number.is_integer() and abs(number) < 1e15 else number
                else:
                    value = text
                if col == len(values):
                    values.append(value)
                else:
                    if col > len(values):
                        values.extend([None] * (col - len(values) + 1))
                    values[col] = value
            row.clear()
            while row.getprevious() is not None:  # keep memory flat over 100,000 rows
                del row.getparent()[0]
            yield expected, values


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
        for number, raw in _raw_rows(data, kind):
            values = [v.strip() if type(v) is str else _cell_text(v) for v in raw]
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
                if value[0] in _FORMULA_STARTS and _formula(value):
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


def pack(rows: list[tuple[int, dict[str, str]]]) -> bytes:
    """A sheet's rows kept for later (compressed JSON): unpacking them costs a fraction of reading the file."""
    return zlib.compress(json.dumps(rows, ensure_ascii=False, separators=(",", ":")).encode(), 1)


def unpack(data: bytes) -> list[tuple[int, dict[str, str]]]:
    return [(number, record) for number, record in json.loads(zlib.decompress(data))]


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
