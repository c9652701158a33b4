"""The 联系安排表 (print, export, API), the static chart files (commitments: test_commitments.py)."""

import csv
import io
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from gongkai.conftest import UserFactory, bearer, grant
from gongkai.orgs.models import Role
from gongkai.oversight import actions
from gongkai.oversight.models import SupervisorAssignment

pytestmark = pytest.mark.django_db
STATIC = Path(__file__).resolve().parents[1] / "static" / "oversight"


@pytest.fixture
def supervisor(tree, people):
    user = grant(UserFactory(display_name="彭督导"), tree.committee, Role.SUPERVISOR)
    actions.assign_supervisor(user, tree.a, by=people.inspector_c, note="每月联系一次")
    return user


def test_inspector_adds_and_removes_lines_of_the_table(client, tree, people, supervisor):
    client.force_login(people.inspector_c)
    page = client.post(
        "/oversight/assignments/", {"supervisor": supervisor.pk, "org": tree.b.code, "note": ""}, follow=True
    )
    assert "已安排 彭督导 联系 乙社区党支部" in page.content.decode()
    again = client.post("/oversight/assignments/", {"supervisor": supervisor.pk, "org": tree.b.code})
    assert "已安排该督导人员联系" in again.content.decode()
    assert SupervisorAssignment.objects.filter(supervisor=supervisor).count() == 2
    line = SupervisorAssignment.objects.get(org=tree.b)
    client.force_login(supervisor)  # a supervisor reads their lines but cannot remove them
    assert client.post(f"/oversight/assignments/{line.pk}/delete/").status_code == 404
    client.force_login(people.inspector_c)
    client.post(f"/oversight/assignments/{line.pk}/delete/")
    assert not SupervisorAssignment.objects.filter(org=tree.b).exists()


def test_table_is_printable_and_exports_what_it_shows(client, people, supervisor):
    client.force_login(people.inspector_c)
    html = client.get("/oversight/assignments/").content.decode()
    assert (
        "党务公开工作联系督导安排表" in html
        and "gongkai/print.css" in html
        and 'class="actions no-print"' in html
    )
    text = client.get("/oversight/assignments/?format=csv").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["联系督导", "组织代码", "党组织"] and rows[1][:3] == [
        "彭督导",
        "TA",
        "甲社区党支部",
    ]
    xlsx = client.get("/oversight/assignments/?format=xlsx")
    ws = load_workbook(io.BytesIO(xlsx.content)).active
    assert [c.value for c in ws[2]][:3] == ["彭督导", "TA", "甲社区党支部"]


def test_table_and_api_follow_the_same_access_rules(client, tree, people, supervisor):
    other = grant(UserFactory(), tree.committee, Role.SUPERVISOR)
    actions.assign_supervisor(other, tree.b, by=people.inspector_c)
    client.force_login(supervisor)
    html = client.get("/oversight/assignments/").content.decode()
    assert "甲社区党支部" in html and "乙社区党支部" not in html  # only their own lines
    assert [
        a["org_code"] for a in client.get("/api/v1/oversight/assignments", **bearer(supervisor)).json()
    ] == ["TA"]
    api = client.get("/api/v1/oversight/assignments", **bearer(people.inspector_c)).json()
    assert sorted(a["org_code"] for a in api) == ["TA", "TB"]
    for user in (people.outsider, people.member_a):
        client.force_login(user)
        assert client.get("/oversight/assignments/").status_code == 404
        assert client.get("/oversight/assignments/?format=csv").status_code == 404
        assert client.get("/api/v1/oversight/assignments", **bearer(user)).status_code == 404
    assert client.get("/api/v1/oversight/assignments").status_code == 404


def test_chart_library_is_served_locally_with_its_licence():
    head = (STATIC / "chart.umd.min.js").read_text()[:200]
    assert "Chart.js v4" in head and "Released under the MIT License" in head
    assert "MIT License" in (STATIC / "chart.js-LICENSE.md").read_text()
    assert "json" in (STATIC / "charts.js").read_text() or "textContent" in (STATIC / "charts.js").read_text()


def test_workbench_lists_orders_waiting_for_verification(client, tree, people):
    from datetime import date

    from gongkai.portal.workbench import todos_for

    inspection = actions.create_inspection(tree.a, by=people.inspector_c, on=date.today(), summary="检查")
    finding = actions.add_finding(
        inspection, by=people.inspector_c, text="问题一", rectification_required=True, deadline_days=5
    )
    assert [t.kind for t in todos_for(people.clerk_a) if t.title == "问题一"] == ["整改"]
    actions.respond_finding(finding, by=people.clerk_a, text="已整改")
    assert [t.kind for t in todos_for(people.inspector_c) if t.title == "问题一"] == ["整改核验"]
    assert not [t for t in todos_for(people.clerk_a) if t.title == "问题一"]


def test_lists_render_in_constant_queries(client, tree, people, supervisor, django_assert_max_num_queries):
    from gongkai.conftest import make_org

    client.force_login(people.inspector_c)
    pages = ["/oversight/assignments/", "/oversight/inspections/", "/oversight/evaluation/"]

    def counts():
        out = []
        for url in pages:
            with django_assert_max_num_queries(40) as ctx:
                assert client.get(url).status_code == 200
            out.append(len(ctx.captured_queries))
        return out

    def add(i):
        org = make_org(tree.committee, name=f"新增支部{i}")
        actions.assign_supervisor(supervisor, org, by=people.inspector_c)
        actions.create_inspection(org, by=people.inspector_c, on=date(2026, 1, 5), summary="检查")

    add(0)
    counts()  # warm: the session and caches
    before = counts()
    for i in range(1, 7):
        add(i)
    counts()  # warm again: the new organisations renewed the roles cache
    assert counts() == before
