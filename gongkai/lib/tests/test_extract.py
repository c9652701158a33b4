import io
import zipfile

import docx
import openpyxl
import pytest

from gongkai.lib.confidentiality import scan_text
from gongkai.lib.extract import MAX_UNCOMPRESSED, ExtractError, extract_text
from gongkai.lib.filetypes import sniff

WEIGHTS = [2 ** (17 - i) % 11 for i in range(17)]
ID_NUMBER = (
    "11010519491231002"
    + "10X98765432"[sum(int(d) * w for d, w in zip("11010519491231002", WEIGHTS, strict=True)) % 11]
)


def make_pdf(pages: list[str]) -> bytes:
    """A minimal hand-written PDF: one Helvetica text line per page, with a correct xref table."""
    n = len(pages)
    font_num = 3 + 2 * n
    kids = " ".join(f"{3 + 2 * i} 0 R" for i in range(n))
    objs = ["<< /Type /Catalog /Pages 2 0 R >>", f"<< /Type /Pages /Kids [{kids}] /Count {n} >>"]
    for i, text in enumerate(pages):
        stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
        objs.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            f"/Resources << /Font << /F1 {font_num} 0 R >> >> /Contents {4 + 2 * i} 0 R >>"
        )
        objs.append(f"<< /Length {len(stream)} >>\nstream\n".encode("latin-1") + stream + b"\nendstream")
    objs.append("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for num, body in enumerate(objs, start=1):
        offsets.append(len(out))
        out += f"{num} 0 obj\n".encode() + (body.encode() if isinstance(body, str) else body) + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{o:010d} 00000 n \n" for o in offsets).encode()
    out += f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def make_docx() -> bytes:
    document = docx.Document()
    document.add_paragraph("关于党费收缴情况的公示")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "姓名"
    table.cell(0, 1).text = "身份证号"
    table.cell(1, 0).text = "张三"
    table.cell(1, 1).text = ID_NUMBER
    inner = table.cell(0, 0).add_table(rows=1, cols=1)
    inner.cell(0, 0).text = "嵌套单元格"
    document.add_paragraph("正文结束")
    section = document.sections[0]
    section.header.paragraphs[0].text = "页眉：内部"
    section.footer.paragraphs[0].text = "页脚：联系电话13800138000"
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def make_xlsx() -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "名单"
    ws.append(["姓名", "电话", None, "备注"])
    ws.append(["李四", 13800138000, None, "机密"])
    ws.append([None, None, None, None])
    ws.append([1.5, 2.0])
    other = wb.create_sheet("第二页")
    other["C3"] = "第二个工作表"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_pdf_text_all_pages():
    data = make_pdf(["Page one ID " + ID_NUMBER, "Tel 13800138000"])
    assert sniff(data) == "pdf"
    text = extract_text(data, "pdf")
    lines = text.split("\n")
    assert lines[0].strip() == "Page one ID " + ID_NUMBER
    assert lines[-1].strip() == "Tel 13800138000"
    assert [h.kind for h in scan_text(text)] == ["id_number", "mobile"]


def test_docx_paragraphs_tables_headers_footers():
    text = extract_text(make_docx(), "docx")
    for part in [
        "关于党费收缴情况的公示",
        "身份证号",
        "张三",
        "嵌套单元格",
        "正文结束",
        "页眉：内部",
        "13800138000",
    ]:
        assert part in text
    assert text.index("关于党费") < text.index("张三") < text.index("正文结束")  # body in document order
    hits = scan_text(text)
    assert ("id_number", ID_NUMBER) in [(h.kind, h.value) for h in hits]
    assert {h.kind for h in hits} == {"id_number", "mark", "mobile"}


def test_docx_merged_cells_not_repeated():
    document = docx.Document()
    table = document.add_table(rows=1, cols=3)
    merged = table.cell(0, 0).merge(table.cell(0, 2))
    merged.text = "合并单元格"
    buf = io.BytesIO()
    document.save(buf)
    assert extract_text(buf.getvalue(), "docx").count("合并单元格") == 1


def test_xlsx_every_non_empty_cell_of_every_sheet():
    text = extract_text(make_xlsx(), "xlsx")
    assert text.split("\n") == ["姓名\t电话\t备注", "李四\t13800138000\t机密", "1.5\t2", "第二个工作表"]
    assert [h.kind for h in scan_text(text)] == ["mobile", "mark"]


@pytest.mark.parametrize("kind", ["png", "jpeg", "gif", "webp"])
def test_images_have_no_text(kind):
    assert extract_text(b"\x89PNG\r\n\x1a\n garbage", kind) == ""


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"not a pdf at all", "pdf"),
        (b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog", "pdf"),
        (b"PK\x03\x04 broken zip", "docx"),
        (b"", "xlsx"),
        (make_docx()[:2000], "docx"),
        (make_xlsx(), "docx"),  # valid zip, wrong format
        (make_docx(), "xlsx"),
    ],
)
def test_corrupt_files_raise_extract_error_in_chinese(data, kind):
    with pytest.raises(ExtractError) as info:
        extract_text(data, kind)
    assert isinstance(info.value, ValueError)
    assert str(info.value) == "无法读取附件内容：文件已损坏或格式不受支持"


def test_unknown_kind_refused():
    with pytest.raises(ExtractError, match="不支持"):
        extract_text(b"hello", "exe")


def test_zip_bomb_refused():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", b"\0" * (MAX_UNCOMPRESSED + 1))
    data = buf.getvalue()
    assert len(data) < 1024 * 1024  # small on disk, huge when unpacked
    with pytest.raises(ExtractError, match="50 MB"):
        extract_text(data, "docx")
    with pytest.raises(ExtractError, match="50 MB"):
        extract_text(data, "xlsx")
