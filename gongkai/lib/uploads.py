"""One way in for uploaded files (SECURITY: type by content from an allow-list, size limit, a random
stored name, the text extracted for the confidentiality check). Used by items and by answers."""

import hashlib
import secrets
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _

from . import extract, filetypes
from .text import clean_line

MAX_BYTES = 20 * 1024 * 1024


class UploadRefused(ValueError):
    """The file cannot be taken; the message says why, in the user's language."""


@dataclass(frozen=True)
class Stored:
    original_name: str
    stored_name: str
    kind: str
    size: int
    sha256: str
    text: str


def store(uploaded, folder: str) -> Stored:
    """Check and save one upload under `folder`/; the caller deletes `stored_name` if its transaction
    fails after this (nothing else refers to it yet)."""
    if uploaded.size == 0:
        raise UploadRefused(_("附件为空文件。"))
    if uploaded.size > MAX_BYTES:
        raise UploadRefused(_("附件不能超过 20 MB。"))
    data = uploaded.read()
    kind = filetypes.sniff(data)
    if kind is None:
        raise UploadRefused(_("附件类型不受支持：只接受 PDF、图片（PNG/JPEG/GIF/WebP）、DOCX、XLSX。"))
    try:
        text = extract.extract_text(data, kind)
    except extract.ExtractError as exc:
        raise UploadRefused(str(exc)) from None
    try:
        name = clean_line(uploaded.name or "附件", field=_("文件名"), max_length=200)
    except Exception as exc:  # a ValidationError with the user's message
        raise UploadRefused("；".join(getattr(exc, "messages", [str(exc)]))) from None
    stored = default_storage.save(
        f"{folder}/{secrets.token_hex(16)}{filetypes.EXTENSIONS[kind]}", ContentFile(data)
    )
    return Stored(name, stored, kind, len(data), hashlib.sha256(data).hexdigest(), text)
