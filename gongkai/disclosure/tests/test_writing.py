"""Issue 16, writing as a clerk writes: a Word/WPS paste or a DOCX fills the body, stored sanitised;
the preview is what members see; search snippets show text; Markdown bodies still render."""

import io

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gongkai.catalogue.models import Scope
from gongkai.disclosure import actions
from gongkai.disclosure.models import BodyFormat, DisclosureItem
from gongkai.disclosure.tests.factories import catalogue_item_for, make_item, published_item
from gongkai.lib.errors import ActionError
from gongkai.lib.tests.test_richtext import WORD_PASTE


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_a_word_paste_through_the_new_item_form_is_stored_clean(client, tree, people):
    row = catalogue_item_for(tree.a)
    client.force_login(people.clerk_a)
    form = client.get(f"/work/items/new/?org={tree.a.code}").content.decode()
    assert "data-rich-editor" in form and "disclosure/editor.js" in form and "<script>" not in form
    assert '<input type="hidden" name="body_format"' in form and "正文格式" not in form, "hidden, unlabelled"
    client.post(
        "/work/items/new/",
        {"org": tree.a.code, "catalogue_item": row.pk, "title": "党费收缴情况", "body": WORD_PASTE,
         "body_format": "html"},
    )  # fmt: skip
    item = DisclosureItem.objects.get(title="党费收缴情况")
    assert item.body_format == BodyFormat.HTML
    assert "<table>" in item.body and "mso" not in item.body and "script" not in item.body
    page = client.get(f"/work/items/{item.pk}/").content.decode()
    preview = page[page.index('class="prose preview"') :]
    assert "<ol><li>按时交纳党费</li>" in preview and "<td>1200元</td>" in preview


def test_the_body_is_filled_from_a_docx(client, tree, people):
    item = make_item(tree.a, by_clerk=people.clerk_a, body="旧正文")
    document = docx.Document()
    document.add_heading("党费收缴情况", level=1)
    table = document.add_table(rows=2, cols=2)
    for (r, c), text in {(0, 0): "月份", (0, 1): "金额", (1, 0): "十月", (1, 1): "300元"}.items():
        table.cell(r, c).text = text
    data = io.BytesIO()
    document.save(data)
    client.force_login(people.clerk_a)
    upload = SimpleUploadedFile("党费.docx", data.getvalue())
    page = client.post(f"/work/items/{item.pk}/import-body/", {"docx": upload}, follow=True).content.decode()
    assert "已从 Word 文档导入正文" in page
    item.refresh_from_db()
    assert item.body_format == BodyFormat.HTML and "<th>月份</th>" in item.body and "旧正文" not in item.body
    refused = client.post(
        f"/work/items/{item.pk}/import-body/",
        {"docx": SimpleUploadedFile("x.docx", b"not a document")},
        follow=True,
    )
    assert "请上传 Word 文档" in refused.content.decode()


def test_members_read_the_table_and_search_shows_text(client, tree, people):
    html_item = published_item(
        tree.a, Scope.PUBLIC, min_internal_days=0, title="党费收缴情况（文档）",
        body="<p>党费</p><table><tr><td>十月</td><td>300元</td></tr></table>", body_format="html",
    )  # fmt: skip
    md_item = published_item(
        tree.a, Scope.PUBLIC, min_internal_days=0, title="党费收缴情况（旧）",
        body="| 月份 | 党费金额 |\n| --- | --- |\n| 十月 | 300元 |",
    )  # fmt: skip
    page = client.get(f"/items/{html_item.pk}/").content.decode()
    assert "<td>十月</td><td>300元</td>" in page
    assert "<td>十月</td>" in client.get(f"/items/{md_item.pk}/").content.decode(), "Markdown still renders"
    results = client.get("/search/", {"q": "党费"}).content.decode()
    assert "--- | ---" not in results and "| 十月 |" not in results
    assert "十月 300元" in results


def test_the_api_takes_a_pasted_body_and_cleans_it(tree, people):
    row = catalogue_item_for(tree.a)
    item = actions.create_item(
        tree.a, by=people.clerk_a, title="t", catalogue_item=row, body=WORD_PASTE, body_format="html"
    )
    assert "<h2>一、基本情况</h2>" in item.body and "alert" not in item.body
    with pytest.raises(ActionError, match="正文格式无效"):
        actions.update_item(item, by=people.clerk_a, body="x", body_format="rtf")
