"""R37: the inspection summary filed upward and kept as filed; changes and withholdings filed as
documents the level above acknowledges; leaders' comments."""

import hashlib
import io
from datetime import date

import pytest
from django.core.files.storage import default_storage
from docx import Document

from gongkai.catalogue.models import Scope, current_version_for
from gongkai.disclosure import actions as disclosure
from gongkai.disclosure.models import ChangeRequest, Withholding
from gongkai.disclosure.tests.factories import catalogue_item_for, owner_of_catalogue, published_item
from gongkai.oversight import actions as oversight
from gongkai.reports import actions
from gongkai.reports.models import Filing

from .test_annual_report import at


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _texts(data: bytes) -> list[str]:
    doc = Document(io.BytesIO(data))
    return [p.text for p in doc.paragraphs] + [c.text for t in doc.tables for r in t.rows for c in r.cells]


def test_summary_filed_upward_is_frozen_and_kept_as_filed(client, tree, people):
    inspector = people.inspector_c
    with at(2026, 11, 10):
        inspection = oversight.create_inspection(
            tree.a, by=inspector, on=date(2026, 11, 10), summary="检查公开栏"
        )
        oversight.add_finding(
            inspection, by=inspector, text="公开栏未更新", rectification_required=True, deadline_days=5
        )
        summary = actions.draft_inspection_summary(
            tree.committee, 2026, by=inspector, conclusions="总体较好。"
        )
    assert summary.figures["total"]["findings"] == 1 and summary.figures["total"]["open"] == 1
    with at(2026, 12, 20):
        filing = actions.file_inspection_summary(summary, by=inspector, recipient="长沙市党务公开工作领导小组",
                                                 on=date(2026, 12, 20))  # fmt: skip
        with pytest.raises(actions.ActionError):  # filed: never changes
            actions.draft_inspection_summary(tree.committee, 2026, by=inspector, conclusions="改")
        oversight.add_finding(
            inspection, by=inspector, text="新问题", rectification_required=False, deadline_days=None
        )
    summary.refresh_from_db()
    assert summary.figures["total"]["findings"] == 1  # frozen as filed
    stored = default_storage.open(filing.document_name, "rb").read()
    assert hashlib.sha256(stored).hexdigest() == filing.document_sha256
    texts = _texts(stored)
    assert "报送：长沙市党务公开工作领导小组" in texts and "总体较好。" in texts and "甲社区党支部" in texts
    client.force_login(people.auditor_c)
    assert client.get(f"/work/reports/summaries/{summary.pk}/summary.docx").getvalue() == stored
    assert client.get(f"/work/reports/summaries/{summary.pk}/summary.xlsx").status_code == 200
    for who in (people.clerk_a, people.member_a, people.outsider):
        client.force_login(who)
        assert client.get(f"/work/reports/summaries/{summary.pk}/").status_code == 404


def test_a_revocation_filed_and_acknowledged_by_the_level_above(client, tree, people):
    with at(2026, 5, 6):
        item = published_item(tree.a, Scope.PUBLIC, by_clerk=people.clerk_a, title="撤销的决定")
        request = disclosure.request_change(
            item, by=people.clerk_a, kind=ChangeRequest.Kind.REVOKE, reason="程序不符"
        )
        disclosure.decide_change(request, by=owner_of_catalogue(tree.a), approve=True)
    client.force_login(people.clerk_a)
    page = client.get("/work/reports/filings/").content.decode()
    assert "撤销的决定" in page
    assert client.post(f"/work/reports/filings/new/change/{request.pk}/").status_code == 302
    filing = Filing.objects.get(change_request=request)
    assert filing.recipient_org == tree.committee and "程序不符" in _texts(
        default_storage.open(filing.document_name, "rb").read()
    )
    assert (
        client.post(f"/work/reports/filings/{filing.pk}/", {"note": "收到"}).status_code == 404
    )  # not the receiver
    client.force_login(people.inspector_c)  # the leading-group office above
    assert client.post(f"/work/reports/filings/{filing.pk}/", {"note": "已收悉"}).status_code == 302
    filing.refresh_from_db()
    assert filing.acknowledged_by == people.inspector_c and filing.acknowledgement_note == "已收悉"
    client.force_login(people.member_a)
    assert client.get(f"/work/reports/filings/{filing.pk}/").status_code == 404
    with pytest.raises(actions.ActionError):
        actions.file_change(request, by=people.clerk_a)  # once


def test_withholding_filed_as_a_document(tree, people):
    ci = catalogue_item_for(tree.a)
    w = disclosure.file_withholding(tree.a, ci, by=people.clerk_a, reason=Withholding.Reason.PRIVACY,
                                    explanation="涉及困难党员个人信息")  # fmt: skip
    filing = actions.file_withholding_document(w, by=people.clerk_a)
    assert filing.recipient_org == tree.committee
    assert "涉及困难党员个人信息" in _texts(default_storage.open(filing.document_name, "rb").read())
    assert current_version_for(tree.a) is not None


def test_leader_comment_visible_to_the_organisation_and_published_on_its_board(client, tree, people):
    with pytest.raises(actions.ActionError):
        actions.comment_on(tree.a, by=people.clerk_a, leader_title="书记", text="自评")  # not the level above
    actions.comment_on(
        tree.a, by=people.inspector_c, leader_title="领导小组办公室主任", text="内部点评：公开栏需更新"
    )
    client.force_login(people.clerk_a)
    assert "内部点评" in client.get("/work/reports/orgs/TA/comments/").content.decode()
    client.logout()
    assert "内部点评" not in client.get("/orgs/TA/board/").content.decode()
    actions.comment_on(
        tree.a, by=people.inspector_c, leader_title="组长", text="公开及时，值得肯定。", published=True
    )
    assert "公开及时，值得肯定。" in client.get("/orgs/TA/board/").content.decode()
    client.force_login(people.member_b)
    assert client.get("/work/reports/orgs/TA/comments/").status_code == 404
