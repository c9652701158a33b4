"""R19/R20: rollout dashboard figures against an independent count; supervisors see their own."""

from datetime import date

import pytest

from gongkai.conftest import UserFactory, at, bearer, grant, make_org
from gongkai.obligations import actions as obligation_actions
from gongkai.obligations.models import Kind, Obligation
from gongkai.obligations.tests.factories import catalogue
from gongkai.orgs.models import Organisation, Role, SectorType
from gongkai.oversight import actions, demo, rollout
from gongkai.oversight.models import Commitment, CommitmentKind, CommitmentState
from gongkai.oversight.tests.factories import commitment

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(tree, people):
    school = make_org(tree.committee, sector_type=SectorType.SCHOOL, name="测试学校党支部", code="TS")
    catalogue(tree.committee)
    with at(2026, 3, 1):
        obligation_actions.generate_obligations(2026)
        phases, deadlines = demo.plan_dates(2026)
        actions.set_plan(
            tree.committee,
            2026,
            title="测试推行计划",
            phases=phases,
            deadlines=deadlines,
            by=people.inspector_c,
        )
    # tree.a: everything done and both commitments; tree.b: done, only the organisation's commitment;
    # a1: nothing; the school: both commitments, long-term work not done.
    Obligation.objects.filter(org__in=[tree.a, tree.b], kind=Kind.LONG_TERM).update(
        fulfilled_on=date(2026, 6, 1), fulfilled_at="2026-06-01T02:00:00Z"
    )
    sec_school = grant(UserFactory(), school, Role.SECRETARY)
    with at(2026, 6, 10):
        for org, user, kinds in (
            (tree.a, people.secretary_a, CommitmentKind.values),
            (tree.b, people.inspector_c, []),
            (school, sec_school, CommitmentKind.values),
        ):
            for kind in kinds:
                commitment(org, kind, "严格落实党务公开制度，接受党员群众监督。", author=user)
    clerk_b = grant(UserFactory(), tree.b, Role.CLERK)
    with at(2026, 6, 11):
        commitment(tree.b, CommitmentKind.ORG, "按目录公开。", author=clerk_b)
    return type("World", (), {"school": school})


def independent(committee, year):
    """Who is fully implemented, counted row by row in Python."""
    out = {}
    for org in Organisation.objects.filter(path__startswith=committee.path).exclude(pk=committee.pk):
        lt = list(Obligation.objects.filter(org=org, kind=Kind.LONG_TERM, year=year))
        kinds = set(
            Commitment.objects.filter(org=org, state=CommitmentState.PUBLISHED).values_list("kind", flat=True)
        )
        done = all(o.fulfilled_on is not None for o in lt) and kinds == set(CommitmentKind.values)
        out.setdefault(org.sector_type, {"total": 0, "implemented": 0, "lagging": set()})
        out[org.sector_type]["total"] += 1
        if done:
            out[org.sector_type]["implemented"] += 1
        else:
            out[org.sector_type]["lagging"].add(org.code)
    return out


def test_rollout_figures_equal_an_independent_count(tree, people, world):
    plan = rollout.plan_for([tree.committee.pk], 2026)
    sectors = rollout.progress(plan, Organisation.objects.all(), date(2026, 11, 29))
    expected = independent(tree.committee, 2026)
    assert {s.sector_type for s in sectors} == set(expected)
    for s in sectors:
        e = expected[s.sector_type]
        assert (s.total, s.implemented) == (e["total"], e["implemented"])
        assert {r.org.code for r in s.lagging} == e["lagging"]
    community = next(s for s in sectors if s.sector_type == SectorType.COMMUNITY)
    assert (community.total, community.implemented) == (3, 1)
    b = next(r for r in community.lagging if r.org.code == "TB")
    assert b.lacks == ["书记公开承诺未公开"]
    school = next(s for s in sectors if s.sector_type == SectorType.SCHOOL)
    assert school.deadline == date(2026, 10, 10) and school.lagging[0].lacks[0].startswith(
        "长期公开事项未完成"
    )


def test_dashboard_page_shows_progress_and_what_is_missing(client, tree, people, world):
    client.force_login(people.inspector_c)
    with at(2026, 11, 29):
        html = client.get("/oversight/?year=2026").content.decode()
    assert '<progress max="3" value="1"' in html and "1/3（33%）" in html
    assert "书记公开承诺未公开" in html and "测试学校党支部" in html
    assert "检查深化" in html and "当前阶段" in html
    assert '<script id="chart-rollout" type="application/json">' in html and "<script>" not in html
    assert "oversight/chart.umd.min.js" in html


def test_dashboard_queries_do_not_grow_with_organisations(
    client, tree, people, world, django_assert_max_num_queries
):
    client.force_login(people.inspector_c)
    with at(2026, 11, 29):
        with django_assert_max_num_queries(25) as ctx:
            client.get("/oversight/?year=2026")
        n = len(ctx.captured_queries)
        for i in range(8):
            make_org(tree.committee, sector_type=SectorType.VILLAGE, name=f"新增村{i}")
        obligation_actions.generate_obligations(2026)
        with django_assert_max_num_queries(n):
            assert client.get("/oversight/?year=2026").status_code == 200


def test_api_gives_the_dashboard_figures(client, tree, people, world):
    with at(2026, 11, 29):
        data = client.get("/api/v1/oversight/dashboard?year=2026", **bearer(people.inspector_c)).json()
    expected = independent(tree.committee, 2026)
    got = {s["sector_type"]: (s["total"], s["implemented"]) for s in data["sectors"]}
    assert got == {k: (v["total"], v["implemented"]) for k, v in expected.items()}
    assert all(s["past_deadline"] for s in data["sectors"])
    with at(2026, 11, 29):
        assert client.get("/api/v1/oversight/dashboard", **bearer(people.outsider)).status_code == 404
        assert client.get("/api/v1/oversight/dashboard").status_code == 404


def test_supervisor_sees_only_assigned_organisations(client, tree, people, world):
    supervisor = grant(UserFactory(display_name="督导员甲"), tree.committee, Role.SUPERVISOR)
    actions.assign_supervisor(supervisor, tree.b, by=people.inspector_c)
    client.force_login(supervisor)
    with at(2026, 11, 29):
        html = client.get("/oversight/?year=2026").content.decode()
        mine = client.get("/oversight/mine/?year=2026").content.decode()
        data = client.get("/api/v1/oversight/dashboard?year=2026", **bearer(supervisor)).json()
    assert "乙社区党支部" in html and "测试学校党支部" not in html and "甲社区第一党小组支部" not in html
    assert "乙社区党支部" in mine and "书记未公开" in mine
    assert [(s["sector_type"], s["total"]) for s in data["sectors"]] == [("community", 1)]
    # The supervisor role alone shows nothing until the table assigns organisations.
    other = grant(UserFactory(), tree.committee, Role.SUPERVISOR)
    client.force_login(other)
    assert client.get("/oversight/").status_code == 404
    client.force_login(people.outsider)
    assert client.get("/oversight/").status_code == 404
    assert client.get("/oversight/mine/").status_code == 404


def test_plan_needs_the_office_and_valid_dates(tree, people):
    phases, deadlines = demo.plan_dates(2026)
    with pytest.raises(actions.ActionError):
        actions.set_plan(
            tree.committee, 2026, title="x", phases=phases, deadlines=deadlines, by=people.clerk_a
        )
    bad = dict(phases)
    bad["inspect"] = (date(2026, 12, 31), date(2026, 11, 1), "")
    with pytest.raises(actions.ActionError, match="结束日期早于开始日期"):
        actions.set_plan(
            tree.committee, 2026, title="x", phases=bad, deadlines=deadlines, by=people.inspector_c
        )


def test_office_sets_the_plan_on_its_page(client, tree, people):
    client.force_login(people.clerk_a)
    assert client.get("/oversight/plan/?year=2026").status_code == 404
    client.force_login(people.inspector_c)
    form = client.get("/oversight/plan/?year=2026").content.decode()
    assert "2026-06-30" in form and "2026-10-10" in form  # the plan's own deadlines offered
    data = {
        "title": "测试街道2026年实施方案",
        "mobilise_start": "2026-05-01", "mobilise_end": "2026-05-31", "mobilise_note": "",
        "implement_start": "2026-06-01", "implement_end": "2026-10-31", "implement_note": "",
        "inspect_start": "2026-11-01", "inspect_end": "2026-12-31", "inspect_note": "",
        "deadline_community": "2026-06-30",
    }  # fmt: skip
    client.post("/oversight/plan/?year=2026", data)
    plan = rollout.plan_for([tree.committee.pk], 2026)
    assert plan.title == "测试街道2026年实施方案"
    assert [(d.sector_type, d.deadline) for d in plan.deadlines.all()] == [("community", date(2026, 6, 30))]
    bad = client.post("/oversight/plan/?year=2026", data | {"deadline_school": "2027-01-10"})
    assert "全面推行期限应在计划年度内" in bad.content.decode()
    assert plan.deadlines.count() == 1
