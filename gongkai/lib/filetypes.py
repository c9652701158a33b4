"""Upload type detection by content (magic bytes), never by the client-supplied name or MIME type."""

from __future__ import annotations

import io
import zipfile

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "webp": "image/webp",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
EXTENSIONS = {
    "pdf": ".pdf",
    "png": ".png",
    "jpeg": ".jpg",
    "gif": ".gif",
    "webp": ".webp",
    "docx": ".docx",
    "xlsx": ".xlsx",
}
IMAGE_KINDS = frozenset({"png", "jpeg", "gif", "webp"})

_MAGIC = (
    (b"%PDF-", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
)


def _sniff_ooxml(data: bytes) -> str | None:
    """DOCX/XLSX are ZIPs; only the parts each format must contain tell them apart from any other zip."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
    except Exception:  # arbitrary uploads can trip any zipfile error; all of them mean "not ours"
        return None
    if "[Content_Types].xml" not in names:
        return None
    is_docx = "word/document.xml" in names
    is_xlsx = "xl/workbook.xml" in names
    if is_docx == is_xlsx:  # neither, or a suspicious hybrid
        return None
    return "docx" if is_docx else "xlsx"


def download_name(name: str, kind: str | None) -> str:
    """The name a download is offered under: the upload's stem with the extension of the checked content
    (`x.html` that is a PNG downloads as `x.png`); unknown content gets no extension a browser acts on."""
    stem = name.rsplit("/", 1)[-1]
    if "." in stem.lstrip("."):
        stem = stem.rsplit(".", 1)[0]
    return (stem or "file") + EXTENSIONS.get(kind or "", ".bin")


def content_type(kind: str | None) -> str:
    return CONTENT_TYPES.get(kind or "", "application/octet-stream")


def sniff(data: bytes) -> str | None:
    """Return "pdf", "png", "jpeg", "gif", "webp", "docx", "xlsx", or None for anything else."""
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            return kind
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data.startswith(b"PK\x03\x04"):
        return _sniff_ooxml(data)
    return None
