"""Plain-text extraction from uploaded attachments, so they can be scanned for confidential content."""

from __future__ import annotations

import io
import zipfile

from .filetypes import IMAGE_KINDS

MAX_UNCOMPRESSED = 50 * 1024 * 1024  # zip-bomb guard for DOCX/XLSX

MSG_CORRUPT = "无法读取附件内容：文件已损坏或格式不受支持"
MSG_TOO_LARGE = "无法读取附件内容：文件解压后超过 50 MB，已拒绝处理"
MSG_ENCRYPTED = "无法读取附件内容：文件已加密"
MSG_UNSUPPORTED = "无法读取附件内容：不支持的文件类型"


class ExtractError(ValueError):
    """Extraction failed; the message is Simplified Chinese and safe to show to users."""


def _check_zip_size(data: bytes) -> None:
    # zipfile never yields more than a member's declared file_size, so the declared total is a real bound.
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        if sum(info.file_size for info in zf.infolist()) > MAX_UNCOMPRESSED:
            raise ExtractError(MSG_TOO_LARGE)


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted and not reader.decrypt(""):  # only PDFs with an empty user password are readable
        raise ExtractError(MSG_ENCRYPTED)
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def _docx_blocks(container, out: list[str]) -> None:
    """Paragraphs and tables in document order; nested tables recurse through their cells."""
    from docx.table import Table

    for block in container.iter_inner_content():
        if isinstance(block, Table):
            for row in block.rows:
                seen, cells = set(), []
                for cell in row.cells:
                    if id(cell._tc) in seen:  # a merged cell is returned once per grid column it spans
                        continue
                    seen.add(id(cell._tc))
                    parts: list[str] = []
                    _docx_blocks(cell, parts)
                    cells.append("\n".join(p for p in parts if p))
                out.append("\t".join(cells))
        else:
            out.append(block.text)


def _docx_text(data: bytes) -> str:
    import docx

    document = docx.Document(io.BytesIO(data))
    out: list[str] = []
    _docx_blocks(document, out)
    for section in document.sections:
        for part in (
            section.first_page_header,
            section.even_page_header,
            section.header,
            section.footer,
            section.even_page_footer,
            section.first_page_footer,
        ):
            if not part.is_linked_to_previous:  # linked parts repeat an earlier section's text
                _docx_blocks(part, out)
    return "\n".join(line for line in out if line.strip())


def _cell_str(value) -> str:
    # Excel stores numbers as floats; 13800138000.0 must read as 13800138000 for the scanner to see it.
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _xlsx_text(data: bytes) -> str:
    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        lines: list[str] = []
        for ws in wb.worksheets:
            for row in ws.iter_rows(values_only=True):
                cells = [_cell_str(v) for v in row if v is not None and str(v).strip()]
                if cells:
                    lines.append("\t".join(cells))
        return "\n".join(lines)
    finally:
        wb.close()  # read-only workbooks keep the archive open until closed


_EXTRACTORS = {"pdf": _pdf_text, "docx": _docx_text, "xlsx": _xlsx_text}


def extract_text(data: bytes, kind: str) -> str:
    """Text of a pdf/docx/xlsx upload, "" for images; any failure becomes ExtractError with a user-facing message."""
    if kind in IMAGE_KINDS:
        return ""
    extractor = _EXTRACTORS.get(kind)
    if extractor is None:
        raise ExtractError(MSG_UNSUPPORTED)
    try:
        if kind in ("docx", "xlsx"):
            _check_zip_size(data)
        return extractor(data)
    except ExtractError:
        raise
    except Exception as exc:  # corrupt uploads raise anything from zipfile/lxml/pypdf internals
        raise ExtractError(MSG_CORRUPT) from exc
