"""The paperwork pages: who sees them (404 otherwise), what they show, the downloads, the audit."""

import io
from datetime import date

import pytest
from docx import Document
from openpyxl import load_workbook

from gongkai.audit.models import AuditEntry
from gongkai.catalogue.models import Category, Duration, Scope, Timing
from gongkai.disclosure.tests.factories import catalogue_item_for, published_item, staff
from gongkai.orgs.models import Role
from gongkai.reports import actions
from gongkai.reports.models import Carrier

from .test_annual_report import at


@pytest.fixture
def report(tree, people):
    catalogue_item_for(
        tree.a, category=Category.OTHER, title="党务公开工作年度报告", target_scope=Scope.PUBLIC,
        duration=Duration.SHORT, timing=Timing.PERIODIC, cadence="yearly", min_internal_days=0,
    )  # fmt: skip
    with at(2026, 1, 8):
        return actions.draft_annual_report(
            tree.a, 2025, by=people.clerk_a, subtree=False, overview="全年公开工作有序开展。", problems="无"
        )


def test_report_page_and_downloads(client, people, report):
    client.force_login(people.clerk_a)
    page = client.get(f"/work/reports/annual/{report.pk}/").content.decode()
    assert "一、本年新收申请数量" in page and "全年公开工作有序开展。" in page and "提交审核" in page
    assert f"/work/reports/annual/{report.pk}/" in client.get("/work/reports/annual/").content.decode()
    xlsx = client.get(f"/work/reports/annual/{report.pk}/report.xlsx")
    assert xlsx["Content-Disposition"].startswith("attachment")
    assert load_workbook(io.BytesIO(xlsx.content)).sheetnames
    docx = client.get(f"/work/reports/annual/{report.pk}/report.docx")
    assert "三、收到和处理申请情况" in [p.text for p in Document(io.BytesIO(docx.content)).paragraphs]
    assert AuditEntry.objects.filter(action="annual_report.export").count() == 2
    assert client.get(f"/work/reports/annual/{report.pk}/report.pdf").status_code == 404


def test_report_pages_are_404_for_others(client, people, report):
    for user in (people.member_a, people.outsider, people.member_b):
        client.force_login(user)
        assert client.get(f"/work/reports/annual/{report.pk}/").status_code == 404
        assert client.get(f"/work/reports/annual/{report.pk}/report.docx").status_code == 404
    client.force_login(people.inspector_c)  # reads, does not write
    assert client.get(f"/work/reports/annual/{report.pk}/").status_code == 200
    assert client.get(f"/work/reports/annual/{report.pk}/edit/").status_code == 404


def test_drafting_through_the_page_and_bad_input(client, people, tree, report):
    client.force_login(people.clerk_a)
    with at(2026, 1, 9):
        bad = client.post(
            "/work/reports/annual/", {"org": tree.a.code, "year": 2026, "overview": "x", "problems": "y"}
        )
        assert bad.status_code == 200 and "只能编制已经结束的年度的年报" in bad.content.decode()
        ok = client.post(
            f"/work/reports/annual/{report.pk}/edit/", {"overview": "改写后的总体情况", "problems": "无"}
        )
    assert ok.status_code == 302
    report.refresh_from_db()
    assert report.overview == "改写后的总体情况" and "改写后的总体情况" in report.item.body


def test_carriers_recorded_and_shown_on_the_item_page(client, people, tree, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with at(2026, 3, 2):
        item = published_item(tree.a, min_internal_days=0, by_clerk=people.clerk_a)
    client.force_login(people.clerk_a)
    with at(2026, 3, 10):
        response = client.post(
            f"/work/reports/items/{item.pk}/carriers/",
            {"kind": "meeting", "on": "2026-03-09", "detail": "支部党员大会", "attendance": "31"},
        )
        assert response.status_code == 302
        refused = client.post(
            f"/work/reports/items/{item.pk}/carriers/", {"kind": "meeting", "on": "2026-03-09"}
        )
        assert (
            "会议公开须填写参会人数" in refused.content.decode() or "请填写说明" in refused.content.decode()
        )
    assert Carrier.objects.filter(item=item).count() == 1
    client.logout()
    with at(2026, 3, 10):
        page = client.get(f"/items/{item.pk}/").content.decode()
    assert "会议公开" in page and "参会 31 人" in page
    client.force_login(people.member_b)
    assert client.get(f"/work/reports/items/{item.pk}/carriers/").status_code == 404


def test_accountability_for_the_office_and_auditors_only(client, people, tree):
    client.force_login(people.inspector_c)
    with at(2026, 3, 10):
        response = client.post(
            "/work/reports/accountability/",
            {"org": tree.a.code, "kind": "ignored", "person": "赵某", "facts": "逾期未整改",
             "decision": "诫勉谈话", "decided_on": "2026-03-09"},
        )  # fmt: skip
    assert response.status_code == 302
    client.force_login(people.auditor_c)
    assert "赵某" in client.get("/work/reports/accountability/").content.decode()
    for user in (people.clerk_a, people.secretary_a, people.member_a, people.outsider):
        client.force_login(user)
        assert client.get("/work/reports/accountability/").status_code == 404
    assert actions.AccountabilityRecord.objects.count() == 1
    with pytest.raises(actions.ActionError):
        actions.record_accountability(tree.a, by=people.clerk_a, kind="late", person="x", facts="x", decision="x",
                                      decided_on=date(2026, 1, 1))  # fmt: skip
    _ = staff, Role
