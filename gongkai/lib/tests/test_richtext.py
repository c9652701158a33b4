"""Issue 16: bodies pasted from Word/WPS or imported from DOCX keep their structure, nothing else."""

import io

import docx

from gongkai.lib.richtext import clean_html, docx_to_html, html_to_text

WORD_PASTE = """<html xmlns:o="urn:schemas-microsoft-com:office:office"><head><meta charset=utf-8>
<style>p.MsoNormal{mso-style-parent:"";font-family:宋体}</style>
<!--[if gte mso 9]><xml><o:OfficeDocumentSettings>secret</o:OfficeDocumentSettings></xml><![endif]--></head>
<body lang=ZH-CN><h1 style="mso-x:1">一、基本情况</h1>
<p class=MsoNormal><span style='font-family:宋体'>本支部共有党员<b>12</b>名。<o:p></o:p></span></p>
<p class=MsoNormal><o:p>&nbsp;</o:p></p>
<p class=MsoListParagraphCxSpFirst style='mso-list:l0 level1 lfo1'><![if !supportLists]><span>1.<span>&nbsp;</span></span><![endif]>按时交纳党费</p>
<p class=MsoListParagraphCxSpLast style='mso-list:l0 level1 lfo1'><![if !supportLists]><span>2.<span>&nbsp;</span></span><![endif]>按季度公开</p>
<table class=MsoTableGrid border=1 style='border-collapse:collapse'><tr><td colspan=2 style='width:100pt'><p>项目</p></td></tr>
<tr><td>党费</td><td onclick="steal()">1200元</td></tr></table>
<script>alert(1)</script><img src=x onerror=alert(2)><a href="javascript:alert(3)">链接</a></body></html>"""


def test_a_word_paste_keeps_headings_lists_and_tables_and_nothing_else():
    html = clean_html(WORD_PASTE)
    assert "<h2>一、基本情况</h2>" in html
    assert "<p>本支部共有党员<strong>12</strong>名。</p>" in html
    assert "<ol><li>按时交纳党费</li>" in html and "<li>按季度公开</li></ol>" in html
    assert '<td colspan="2"><p>项目</p></td>' in html and "<td>1200元</td>" in html
    for gone in (
        "style",
        "class=",
        "mso",
        "o:p",
        "secret",
        "script",
        "alert",
        "onclick",
        "<img",
        "href",
        "宋体",
    ):
        assert gone not in html, gone


def test_text_for_search_has_no_markup():
    text = html_to_text(clean_html(WORD_PASTE))
    assert "一、基本情况" in text and "党费 1200元" in text and "<" not in text


def test_a_docx_becomes_the_same_structure_in_document_order():
    document = docx.Document()
    document.add_heading("一、基本情况", level=1)
    paragraph = document.add_paragraph("本支部共有党员")
    paragraph.add_run("12").bold = True
    paragraph.add_run("名。")
    document.add_paragraph("按时交纳党费", style="List Bullet")
    document.add_paragraph("按季度公开", style="List Bullet")
    table = document.add_table(rows=2, cols=2)
    for (r, c), text in {(0, 0): "项目", (0, 1): "金额", (1, 0): "党费", (1, 1): "1200元"}.items():
        table.cell(r, c).text = text
    document.add_paragraph("以上情况，请党员群众监督。")
    data = io.BytesIO()
    document.save(data)
    assert docx_to_html(data.getvalue()) == (
        "<h2>一、基本情况</h2><p>本支部共有党员<strong>12</strong>名。</p>"
        "<ul><li>按时交纳党费</li><li>按季度公开</li></ul>"
        "<table><tbody><tr><th>项目</th><th>金额</th></tr><tr><td>党费</td><td>1200元</td></tr></tbody></table>"
        "<p>以上情况，请党员群众监督。</p>"
    )
