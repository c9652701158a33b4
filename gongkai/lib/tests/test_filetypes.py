import io
import zipfile

import pytest

from gongkai.lib.filetypes import CONTENT_TYPES, EXTENSIONS, sniff
from gongkai.lib.tests.test_extract import make_docx, make_pdf, make_xlsx


def make_zip(names: list[str]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name in names:
            zf.writestr(name, "<x/>")
    return buf.getvalue()


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "pdf"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "png"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "jpeg"),
        (b"GIF87a\x01\x00\x01\x00", "gif"),
        (b"GIF89a\x01\x00\x01\x00", "gif"),
        (b"RIFF\x24\x00\x00\x00WEBPVP8 ", "webp"),
    ],
)
def test_magic_bytes(data, kind):
    assert sniff(data) == kind


def test_real_documents():
    assert sniff(make_pdf(["hello"])) == "pdf"
    assert sniff(make_docx()) == "docx"
    assert sniff(make_xlsx()) == "xlsx"


def test_minimal_ooxml_zips():
    assert sniff(make_zip(["[Content_Types].xml", "word/document.xml"])) == "docx"
    assert sniff(make_zip(["[Content_Types].xml", "xl/workbook.xml"])) == "xlsx"


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"MZ\x90\x00\x03\x00\x00\x00PE\x00\x00",  # Windows executable
        b"<!DOCTYPE html><html><body>hi</body></html>",
        b"#!/bin/sh\nrm -rf /\n",  # a script renamed .pdf
        b" %PDF-1.4",  # the magic must be at the very start
        b"RIFF\x24\x00\x00\x00WAVEfmt ",  # RIFF but audio
        b"GIF88a",
        b"PK\x03\x04 not really a zip",
    ],
)
def test_rejected_content(data):
    assert sniff(data) is None


@pytest.mark.parametrize(
    "names",
    [
        ["readme.txt", "data.csv"],  # a random zip
        ["word/document.xml"],  # missing [Content_Types].xml
        ["xl/workbook.xml"],
        ["[Content_Types].xml"],  # neither format's main part
        ["[Content_Types].xml", "word/document.xml", "xl/workbook.xml"],  # ambiguous hybrid
        ["[Content_Types].xml", "ppt/presentation.xml"],  # pptx is not accepted
    ],
)
def test_rejected_zips(names):
    assert sniff(make_zip(names)) is None


def test_tables_cover_every_kind():
    kinds = {"pdf", "png", "jpeg", "gif", "webp", "docx", "xlsx"}
    assert set(CONTENT_TYPES) == set(EXTENSIONS) == kinds
    assert CONTENT_TYPES["pdf"] == "application/pdf"
    assert CONTENT_TYPES["docx"].endswith("wordprocessingml.document")
    assert CONTENT_TYPES["xlsx"].endswith("spreadsheetml.sheet")
    assert EXTENSIONS["jpeg"] == ".jpg"
    assert all(ext.startswith(".") for ext in EXTENSIONS.values())
