"""Compliance figures, the heatmap page, exports and the API."""

import csv
import io
from collections import Counter

import pytest
from django.db import connection
from openpyxl import load_workbook

from gongkai.accounts.models import ApiToken
from gongkai.conftest import at, make_org
from gongkai.disclosure.models import State
from gongkai.disclosure.tests.factories import make_item, staff
from gongkai.obligations import actions, compliance
from gongkai.obligations.models import Obligation, Status
from gongkai.obligations.status import with_status
from gongkai.orgs.models import Role

from .factories import catalogue, d

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(tree):
    cat = catalogue(tree.committee)
    actions.generate_obligations(2026)
    for org, on, period in (
        (tree.a, (2026, 4, 8), "2026年第一季度"),
        (tree.a, (2026, 7, 20), "2026年第二季度"),
        (tree.b, (2026, 8, 3), "2026年第一季度"),
    ):
        with at(*on):
            make_item(org, state=State.PUBLISHED, catalogue_item=cat.quarterly, period_label=period)
    return cat


def independent_counts(on):
    """Status by status, computed in Python from the rows: what the GROUP BYs must equal."""
    from gongkai.disclosure.models import Withholding
    from gongkai.obligations.status import due_soon_limit

    accepted = set(
        Withholding.objects.filter(status="accepted").values_list(
            "org_id", "catalogue_item_id", "period_label"
        )
    )
    soon = due_soon_limit(on)
    out = Counter()
    for o in Obligation.objects.all():
        if o.fulfilled_on:
            s = Status.DONE_LATE if o.due_date and o.fulfilled_on > o.due_date else Status.DONE_ON_TIME
        elif (o.org_id, o.catalogue_item_id, o.period_label) in accepted or (
            o.org_id,
            o.catalogue_item_id,
            "",
        ) in accepted:
            s = Status.WITHHELD
        elif o.due_date is None:
            s = Status.NOT_YET_DUE
        elif o.due_date < on:
            s = Status.OVERDUE
        elif o.due_date <= soon:
            s = Status.DUE_SOON
        else:
            s = Status.NOT_YET_DUE
        out[(o.org_id, o.category, s)] += 1
    return out


def test_compliance_equals_an_independent_count(tree, world):
    with at(2026, 11, 29):
        figures = compliance.compute(Obligation.objects.all(), d("2026-11-29"))
        expected = independent_counts(d("2026-11-29"))
    for (org_id, category), f in figures["cells"].items():
        for s in Status:
            assert f.counts[s] == expected[(org_id, category, s)], (org_id, category, s)
    a = figures["by_org"][tree.a.pk]
    # tree.a: Q1 on time (04-08), Q2 late (07-20 > 07-14); Q3 overdue; the long-term row overdue (no rollout
    # plan: due when the catalogue was published, 01-05, with the factories' allowance of 0 days),
    # the yearly row and Q4 not yet due / uncovered.
    assert (a.on_time, a.late, a.overdue) == (1, 1, 2)
    assert a.rate == pytest.approx(0.25)
    assert sum(f.total for f in figures["by_sector_type"].values()) == Obligation.objects.count()


def test_withheld_obligations_count_as_withheld_in_the_live_figures(tree, people, world):
    """R12: an accepted filing moves the open obligations it covers (one period, or every period of a
    catalogue item) to withheld in compute(), as a row-by-row count says; a done one stays done."""
    from gongkai.disclosure import actions as disclosure
    from gongkai.disclosure.models import Withholding

    with at(2026, 9, 20):
        for org, period in ((tree.a, "2026年第三季度"), (tree.b, ""), (tree.a1, "")):
            w = disclosure.file_withholding(
                org,
                world.quarterly,
                by=staff(org, Role.CLERK),
                reason=Withholding.Reason.PRIVACY,
                explanation="涉及困难党员个人信息。",
                period_label=period,
            )
            disclosure.decide_withholding(w, by=people.inspector_c, accept=w.org != tree.a1)  # a1's overruled
    with at(2026, 11, 29):
        figures = compliance.compute(Obligation.objects.all(), d("2026-11-29"))
        expected = independent_counts(d("2026-11-29"))
    assert expected[(tree.a.pk, world.quarterly.category, Status.WITHHELD)] == 1  # Q3 only
    assert expected[(tree.b.pk, world.quarterly.category, Status.WITHHELD)] == 3  # all but Q1 (done)
    for (org_id, category), f in figures["cells"].items():
        for s in Status:
            assert f.counts[s] == expected[(org_id, category, s)], (org_id, category, s)
    assert figures["by_org"][tree.b.pk].counts[Status.WITHHELD] == 3
    assert figures["by_org"][tree.a1.pk].counts[Status.WITHHELD] == 0


def test_live_figures_take_the_same_few_queries_for_any_number_of_organisations(
    tree, world, django_assert_max_num_queries
):
    """Issue 17: compute() is one GROUP BY plus the withholding correction (on PostgreSQL with the
    planner switch set and set back around it), never a query or a loop per obligation."""
    on = d("2026-11-29")
    few = 2 if connection.vendor == "sqlite" else 6
    with at(2026, 11, 29):
        compliance.compute(Obligation.objects.all(), on)  # warm the calendar cache
        with django_assert_max_num_queries(few):
            small = compliance.compute(Obligation.objects.all(), on)
        for _ in range(10):
            make_org(tree.committee)
        actions.generate_obligations(2026)
        with django_assert_max_num_queries(few):
            large = compliance.compute(Obligation.objects.all(), on)
    assert len(large["by_org"]) == len(small["by_org"]) + 10
    assert sum(f.total for f in large["by_org"].values()) == Obligation.objects.count()


def test_live_figures_of_nothing_are_empty(tree, world, django_assert_num_queries):
    """No obligation (a year not generated) or a filter that matches nothing (a supervisor with no
    assignment): empty figures, and for the latter no query at all."""
    empty = {"by_org": {}, "by_sector_type": {}, "by_category": {}, "cells": {}}
    assert compliance.compute(Obligation.objects.filter(year=2030), d("2026-11-29")) == empty
    with django_assert_num_queries(0):
        assert compliance.compute(Obligation.objects.filter(org_id__in=[]), d("2026-11-29")) == empty


def login(client, user):
    client.force_login(user)


def test_compliance_page_heatmap_and_drill_down(client, tree, people, world):
    login(client, people.inspector_c)
    with at(2026, 11, 29):
        page = client.get("/work/obligations/compliance/?year=2026")
        assert page.status_code == 200
        html = page.content.decode()
        assert "甲社区党支部" in html and "heat-" in html and "<caption>" in html
        # tree.b published its first quarter (late) in August: Q3 is still open and overdue.
        drill = client.get(f"/work/obligations/?org={tree.b.code}&status=overdue&year=2026")
        body = drill.content.decode()
        assert "已逾期" in body and "2026年第三季度" in body and "2026年第一季度" not in body


def test_compliance_page_query_count_does_not_grow_with_organisations(
    client, tree, people, world, django_assert_max_num_queries
):
    login(client, people.inspector_c)
    with at(2026, 11, 29):
        client.get("/work/obligations/compliance/")  # warm sessions and caches
        with django_assert_max_num_queries(14) as small:
            client.get("/work/obligations/compliance/?year=2026")
        small = len(small)  # now: the query log is a bounded deque whose indices shift once full
        for _ in range(10):
            make_org(tree.committee)
        actions.generate_obligations(2026)
        client.get("/work/obligations/compliance/")  # new organisations renewed the roles cache: warm it
        with django_assert_max_num_queries(small):
            page = client.get("/work/obligations/compliance/?year=2026")
    assert page.content.decode().count('<th scope="row">') >= 14


def test_compliance_is_for_staff_of_ancestors_only(client, tree, people, world):
    for user in (people.member_a, people.outsider):
        client.logout()
        login(client, user)
        assert client.get("/work/obligations/compliance/").status_code == 404
        assert client.get("/work/obligations/").status_code == 404
    client.logout()
    login(client, people.clerk_a)
    with at(2026, 11, 29):
        html = client.get("/work/obligations/compliance/?year=2026").content.decode()
        assert "甲社区党支部" in html and "乙社区党支部" not in html
        assert client.get(f"/work/obligations/?org={tree.b.code}").status_code == 404
    client.logout()
    assert client.get("/work/obligations/compliance/").status_code == 302  # to login


def test_exports_hold_what_the_page_shows(client, tree, people, world):
    login(client, people.inspector_c)
    with at(2026, 11, 29):
        response = client.get("/work/obligations/compliance/?year=2026&format=csv")
        assert response["Content-Disposition"].startswith("attachment")
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert rows[0][:3] == ["组织代码", "党组织", "组织类型"]
        a = next(r for r in rows if r[0] == tree.a.code)
        assert a[4:8] == ["1", "1", "2", "25%"]
        xlsx = client.get("/work/obligations/compliance/?year=2026&format=xlsx")
        sheet = load_workbook(io.BytesIO(xlsx.content)).active
        assert [c.value for c in sheet[1]][:2] == ["组织代码", "党组织"]
        assert sheet.max_row == len(rows)


def test_api_gives_the_same_figures_and_flags_uncovered_deadlines(client, tree, people, world):
    raw = ApiToken.issue(people.inspector_c)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    with at(2026, 11, 29):
        figures = client.get("/api/v1/obligations/compliance?year=2026", **auth).json()
        a = next(r for r in figures["by_org"] if r["key"] == tree.a.code)
        assert (a["done_on_time"], a["done_late"], a["overdue"], a["rate"]) == (1, 1, 2, 0.25)
        rows = client.get(f"/api/v1/obligations?org={tree.a.code}&year=2026&limit=500", **auth).json()
        q4 = next(r for r in rows if r["period_label"] == "2026年第四季度")
        assert q4["due_date"] is None and q4["calendar_not_covered"] and q4["due_text"] == "工作日历未覆盖"
        overdue = client.get(f"/api/v1/obligations?org={tree.a.code}&status=overdue", **auth).json()
        assert {r["status"] for r in overdue} == {"overdue"} and len(overdue) == 2
        assert client.get("/api/v1/obligations?org=NOPE", **auth).status_code == 404
        assert client.get("/api/v1/obligations?status=bogus", **auth).status_code == 422
    assert client.get("/api/v1/obligations").json() == []


def test_status_annotation_matches_for_every_row(tree, world):
    with at(2026, 11, 29):
        statuses = Counter(with_status().values_list("status", flat=True))
    assert sum(statuses.values()) == Obligation.objects.count()
    assert statuses[Status.DONE_ON_TIME] == 1  # tree.a Q1
    assert statuses[Status.DONE_LATE] == 2  # tree.a Q2, tree.b Q1
