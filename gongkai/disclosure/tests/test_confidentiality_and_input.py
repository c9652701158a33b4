"""R13 at approval, and bad input refused with a clear message, saving nothing."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from gongkai.catalogue.models import Scope
from gongkai.disclosure import actions
from gongkai.disclosure.models import ConfidentialityFinding, DisclosureItem, State
from gongkai.disclosure.tests.factories import catalogue_item_for, make_item, staff
from gongkai.lib.errors import NotAllowed
from gongkai.lib.tests.test_extract import ID_NUMBER, make_docx, make_pdf
from gongkai.orgs.models import Role


def reviewed(org, scope=Scope.PUBLIC, body="", docx=None):
    item = make_item(org, scope, state=State.DRAFT, body=body, min_internal_days=0)
    if docx:
        actions.add_attachment(item, SimpleUploadedFile("名单.docx", docx), by=item.author)
    actions.submit_item(item, by=item.author)
    actions.review_item(item, by=staff(org, Role.REVIEWER))
    item.refresh_from_db()
    return item


def test_unmasked_id_number_in_body_blocks_approval_and_changes_nothing(tree):
    item = reviewed(tree.a, body=f"拟发展对象张三，身份证号 {ID_NUMBER}。")
    secretary = staff(tree.a, Role.SECRETARY)
    with pytest.raises(actions.ActionError, match="保密检查发现 1 处敏感信息尚未处理"):
        actions.approve_item(item, by=secretary)
    item.refresh_from_db()
    assert item.state == State.REVIEWED and item.approver is None and item.published_body == ""


def test_id_number_inside_a_docx_attachment_blocks_approval(tree):
    item = reviewed(tree.a, body="见附件名单。", docx=make_docx())
    kinds = set(item.findings.values_list("kind", flat=True))
    assert {"id_number", "mark", "mobile"} <= kinds
    with pytest.raises(actions.ActionError, match="敏感信息尚未处理"):
        actions.approve_item(item, by=staff(tree.a, Role.SECRETARY))
    assert DisclosureItem.objects.get(pk=item.pk).state == State.REVIEWED


def test_keeping_the_attachment_inside_lets_the_item_go_wider(tree):
    item = reviewed(tree.a, body="见附件名单。", docx=make_docx())
    reviewer = item.reviewer
    actions.set_keep_inside(item.attachments.get(), True, by=reviewer)
    actions.approve_item(item, by=staff(tree.a, Role.SECRETARY))
    assert DisclosureItem.objects.get(pk=item.pk).state == State.APPROVED


def test_after_masking_the_published_text_shows_the_mask(tree, client):
    item = reviewed(tree.a, body=f"拟发展对象张三，身份证号 {ID_NUMBER}，电话 13800138000。")
    for finding in item.findings.all():
        actions.resolve_finding(finding, by=item.reviewer, mask=True)
    actions.approve_item(item, by=staff(tree.a, Role.SECRETARY))
    actions.publish_item(item, by=item.author)
    page = client.get(f"/items/{item.pk}/").content.decode()
    assert ID_NUMBER not in page and "13800138000" not in page
    assert ID_NUMBER[:6] + "********" + ID_NUMBER[-4:] in page
    assert "138****8000" in page


def test_acknowledged_hit_needs_a_reason_and_then_allows_approval(tree):
    item = reviewed(tree.a, body="本通知为内部通知。")
    finding = item.findings.get()
    with pytest.raises(ValidationError, match="请填写理由"):
        actions.resolve_finding(finding, by=item.reviewer, mask=False, reason="  ")
    actions.resolve_finding(finding, by=item.reviewer, mask=False, reason="“内部”为通知类别，不涉密")
    assert (
        ConfidentialityFinding.objects.get(pk=finding.pk).status == ConfidentialityFinding.Status.ACKNOWLEDGED
    )
    actions.approve_item(item, by=staff(tree.a, Role.SECRETARY))


def test_hits_do_not_block_an_item_that_stays_inside_the_organisation(tree):
    item = reviewed(tree.a, Scope.ORG_MEMBERS, body=f"身份证号 {ID_NUMBER}")
    actions.approve_item(item, by=staff(tree.a, Role.SECRETARY))


def test_author_can_neither_review_nor_approve(tree):
    both = staff(tree.a, Role.CLERK)
    for role in (Role.REVIEWER, Role.SECRETARY):
        both.memberships.create(org=tree.a, role=role)
    item = make_item(tree.a, by_clerk=both, state=State.SUBMITTED)
    with pytest.raises(NotAllowed):
        actions.review_item(item, by=both)


def test_wrong_state_is_refused(tree):
    item = make_item(tree.a, state=State.DRAFT)
    with pytest.raises(actions.ActionError, match="当前状态为“草稿”"):
        actions.publish_item(item, by=staff(tree.a, Role.SECRETARY))


@pytest.fixture
def clerk_client(client, tree, people):
    catalogue_item_for(tree.a)
    client.force_login(people.clerk_a)
    return client


def new_item(client, tree, **fields):
    from gongkai.catalogue.models import CatalogueItem

    data = {"org": "TA", "catalogue_item": CatalogueItem.objects.first().pk, "title": "标题", "body": "正文"}
    data.update(fields)
    return client.post("/work/items/new/?org=TA", data)


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"title": ""}, "这个字段是必填项"),
        ({"title": "标" * 201}, "200"),
        ({"catalogue_item": "999999"}, "选择一个有效的选项"),
        ({"scope": "everyone"}, "选择一个有效的选项"),
        ({"title": "含有\x07控制字符"}, "控制字符"),
    ],
)
def test_bad_item_input_gets_a_clear_error_and_saves_nothing(clerk_client, tree, fields, message):
    response = new_item(clerk_client, tree, **fields)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert DisclosureItem.objects.count() == 0


def test_catalogue_item_of_another_sector_is_refused(clerk_client, tree):
    village_only = catalogue_item_for(tree.a, title="村“三资”管理", sector_types=",village,")
    response = new_item(clerk_client, tree, catalogue_item=village_only.pk)
    assert DisclosureItem.objects.count() == 0
    assert response.status_code == 200


@pytest.mark.parametrize(
    "name, data, message",
    [
        ("empty.pdf", b"", 'class="msg error"'),
        ("virus.pdf", b"MZ\x90\x00" + b"\x00" * 200, "附件类型不受支持"),
        ("page.pdf", b"<html><script>alert(1)</script></html>", "附件类型不受支持"),
    ],
)
def test_bad_uploads_are_refused_clearly(clerk_client, tree, people, name, data, message):
    item = make_item(tree.a, by_clerk=people.clerk_a, state=State.DRAFT)
    response = clerk_client.post(
        f"/work/items/{item.pk}/attach/", {"file": SimpleUploadedFile(name, data)}, follow=True
    )
    assert message in response.content.decode()
    assert item.attachments.count() == 0


def test_oversized_upload_is_refused(tree, people, settings):
    item = make_item(tree.a, by_clerk=people.clerk_a, state=State.DRAFT)
    big = SimpleUploadedFile("big.pdf", make_pdf(["x"]) + b"0" * (actions.MAX_ATTACHMENT_BYTES + 1))
    with pytest.raises(actions.ActionError, match="20 MB"):
        actions.add_attachment(item, big, by=people.clerk_a)
    assert item.attachments.count() == 0


def test_no_stored_xss_in_title_or_body(client, tree):
    item = make_item(
        tree.a,
        state=State.PUBLISHED,
        min_internal_days=0,
        title="<script>alert('t')</script>通知",
        body="正文<script>alert('b')</script>\n\n[链接](javascript:alert(1)) <img src=x onerror=alert(2)>",
    )
    page = client.get(f"/items/{item.pk}/").content.decode()
    board = client.get("/orgs/TA/board/").content.decode()
    for html in (page, board):
        assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#x27;t&#x27;)&lt;/script&gt;通知" in page
    assert 'href="javascript:' not in page and "<img" not in page
