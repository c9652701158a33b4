"""Issue 4: the compliance summary equals the live computation after every kind of change and as
time passes; the page and the API read it."""

from datetime import timedelta

import pytest
from django.db.models import F
from django.utils import timezone

from gongkai.accounts.models import ApiToken
from gongkai.catalogue.models import Scope
from gongkai.conftest import UserFactory, at, make_org
from gongkai.disclosure import actions as disclosure
from gongkai.disclosure.models import ChangeRequest, State, Withholding
from gongkai.disclosure.tests.factories import make_item, owner_of_catalogue, staff
from gongkai.obligations import actions, compliance, summary
from gongkai.obligations.models import ComplianceRollup, ComplianceSummary, Obligation, Status
from gongkai.orgs.models import Organisation, Role

from .factories import catalogue, d

pytestmark = pytest.mark.django_db
COUNTS = [s.value for s in Status]


def live_rows(on):
    """Live counts per (org, item, year), straight from the obligations."""
    grouped = compliance._grouped(Obligation.objects.all(), on, "org_id", "catalogue_item_id", "year")
    return {k: (f.total, *(f.counts[s] for s in COUNTS)) for k, f in grouped.items()}


def stored_rows(only_fresh_on=None):
    qs = ComplianceSummary.objects.all()
    out = {}
    for r in qs:
        if only_fresh_on and (r.as_of > only_fresh_on or (r.stale_on and r.stale_on <= only_fresh_on)):
            continue
        out[(r.org_id, r.catalogue_item_id, r.year)] = (r.total, *(getattr(r, s) for s in COUNTS))
    return out


def assert_rows_are_live(on):
    """Each stored row equals its counts grouped straight from the obligations."""
    assert stored_rows() == live_rows(on)


def assert_figures_are_live(on):
    """The page's figures (summed from the summary) equal compute()'s (grouped from the obligations)."""
    fast = compliance.from_summary(ComplianceSummary.objects.all())
    slow = compliance.compute(Obligation.objects.all(), on)
    for key in ("by_org", "by_sector_type", "by_category", "cells"):
        assert {k: (f.total, f.counts) for k, f in fast[key].items()} == {
            k: (f.total, {s: f.counts.get(s, 0) for s in COUNTS}) for k, f in slow[key].items()
        }, key


def assert_rollups_are_live(on):
    """The subtree rollups equal the live totals of every subtree."""
    for org in Organisation.objects.all():
        rolled = compliance.from_summary(
            ComplianceSummary.objects.none(), rollups=ComplianceRollup.objects.filter(path=org.path)
        )
        live = compliance.compute(Obligation.objects.filter(org_path__startswith=org.path), on)
        for key in ("by_sector_type", "by_category"):
            assert {k: (f.total, f.counts) for k, f in rolled[key].items() if f.total} == {
                k: (f.total, f.counts) for k, f in live[key].items()
            }, (org, key)


def assert_summary_is_live(on):
    summary.refresh_stale(on)  # what every read does first
    assert_rows_are_live(on)
    assert_figures_are_live(on)
    assert_rollups_are_live(on)


def assert_untouched_rows_hold_until_stale_on(start, days):
    """Rows are only rewritten on their stale_on day: before it, their counts must already be right."""
    for n in range(days):
        on = start + timedelta(days=n)
        live = live_rows(on)
        fresh = stored_rows(only_fresh_on=on)
        assert fresh, on
        assert {k: v for k, v in live.items() if k in fresh} == fresh, on


@pytest.fixture
def cat(tree):
    return catalogue(tree.committee)


def revoke(item):
    """R11: a revocation requested by a clerk of the item's organisation, approved by the catalogue owner."""
    request = disclosure.request_change(
        item, by=staff(item.org, Role.CLERK), kind=ChangeRequest.Kind.REVOKE, reason="内容有误，予以撤销。"
    )
    disclosure.decide_change(request, by=owner_of_catalogue(item.org), approve=True)


def long_term_row(org, cat):
    return ComplianceSummary.objects.get(org=org, catalogue_item=cat.long_term, year=2026)


def test_summary_equals_live_after_mixed_actions_and_time_travel(tree, people, cat):
    admin = UserFactory(is_superuser=True)
    village = make_org(tree.committee, sector_type="village")
    for org in (tree.a, tree.b, tree.a1):  # treebeard keeps siblings sorted: paths may have moved
        org.refresh_from_db()
    with at(2026, 3, 20):
        actions.generate_obligations(2026)
        assert ComplianceSummary.objects.exists()
        assert_summary_is_live(d("2026-03-20"))
    with at(2026, 4, 8):  # Q1 on time
        make_item(tree.a, state=State.PUBLISHED, catalogue_item=cat.quarterly, period_label="2026年第一季度")
        actions.register_event(tree.a, cat.timely, by=people.clerk_a, event_date=d("2026-04-01"), note="换届")
        assert_summary_is_live(d("2026-04-08"))
    with at(2026, 7, 20):  # Q2 late; the village's long-term item at last
        make_item(tree.a, state=State.PUBLISHED, catalogue_item=cat.quarterly, period_label="2026年第二季度")
        village_item = make_item(
            village, Scope.ALL_MEMBERS, state=State.PUBLISHED, catalogue_item=cat.long_term
        )
        assert_summary_is_live(d("2026-07-20"))
    # R14: revoking one of two current long-term items leaves the obligation met; revoking the only
    # one left reopens it, due the catalogue's allowance (the factories' 0 days) after that day.
    with at(2026, 8, 10):
        second = make_item(village, Scope.ALL_MEMBERS, state=State.PUBLISHED, catalogue_item=cat.long_term)
        revoke(second)
        assert long_term_row(village, cat).done_late == 1
        assert_summary_is_live(d("2026-08-10"))
    with at(2026, 8, 17):
        revoke(village_item)
        row = long_term_row(village, cat)
        assert (row.done_on_time, row.done_late, row.due_soon) == (0, 0, 1)
        assert_summary_is_live(d("2026-08-17"))
    with at(2026, 8, 18):
        assert_summary_is_live(d("2026-08-18"))
        assert long_term_row(village, cat).overdue == 1
    # A withholding of tree.a's third quarter, accepted upward.
    with at(2026, 9, 20):
        w = disclosure.file_withholding(
            tree.a,
            cat.quarterly,
            by=people.clerk_a,
            reason=Withholding.Reason.PRIVACY,
            explanation="涉及困难党员个人信息。",
            period_label="2026年第三季度",
        )
        disclosure.decide_withholding(w, by=people.inspector_c, accept=True)
        row = ComplianceSummary.objects.get(org=tree.a, catalogue_item=cat.quarterly, year=2026)
        assert row.withheld == 1
        assert_summary_is_live(d("2026-09-20"))
    # Around the Q3 deadline (2026-10-22 after the National Day holiday) and into November:
    # rows untouched by any write keep exact counts until their stale_on day.
    with at(2026, 10, 9):
        assert_summary_is_live(d("2026-10-09"))
        assert_untouched_rows_hold_until_stale_on(d("2026-10-09"), 30)
    with at(2026, 10, 26):
        row = ComplianceSummary.objects.get(org=tree.b, catalogue_item=cat.quarterly, year=2026)
        assert row.overdue < live_rows(d("2026-10-26"))[(tree.b.pk, cat.quarterly.pk, 2026)][3]  # stale
        assert_summary_is_live(d("2026-10-26"))  # ...until the read corrects it
        row.refresh_from_db()
        assert row.as_of == d("2026-10-26") and row.overdue == 3  # Q1, Q2, Q3 of tree.b
    with at(2026, 11, 20):  # an admin makes a day a holiday: deadlines and windows move
        actions.set_override(d("2026-11-25"), False, note="临时调整", by=admin)
        assert_summary_is_live(d("2026-11-20"))
    # Back in time (a fixed clock, a test): rows written "in the future" are recomputed too.
    with at(2026, 6, 1):
        assert_summary_is_live(d("2026-06-01"))


def test_daily_job_refreshes_only_rows_whose_day_came(tree, cat):
    with at(2026, 6, 20):
        actions.generate_obligations(2026)
        assert summary.refresh_stale(d("2026-06-20")) == 0
    # Q2 (ends 06-30) turns due soon around the end of June, then overdue in July.
    with at(2026, 7, 20):
        from gongkai.obligations.tasks import refresh_compliance_summary

        n = refresh_compliance_summary.call_local()
        assert 0 < n <= ComplianceSummary.objects.count()
        assert summary.refresh_stale(d("2026-07-20")) == 0  # twice is harmless
        assert_summary_is_live(d("2026-07-20"))


def test_page_and_api_read_the_summary(client, tree, people, cat):
    with at(2026, 3, 20):
        actions.generate_obligations(2026)
    with at(2026, 11, 29):
        # A summary row deliberately set apart from the obligations shows that pages read it...
        ComplianceSummary.objects.filter(org=tree.a).update(overdue=7, stale_on=None)
        client.force_login(people.inspector_c)
        html = client.get("/work/obligations/compliance/?year=2026").content.decode()
        assert f'status=overdue">{7 * ComplianceSummary.objects.filter(org=tree.a).count()}</a>' in html
        auth = {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(people.inspector_c)}"}
        api = client.get("/api/v1/obligations/compliance?year=2026", **auth).json()
        a = next(r for r in api["by_org"] if r["key"] == tree.a.code)
        assert a["overdue"] == 7 * ComplianceSummary.objects.filter(org=tree.a).count()
        # ...and the export recomputes live from the obligations.
        csv = client.get("/work/obligations/compliance/?year=2026&format=csv").content.decode("utf-8-sig")
        line = next(r for r in csv.splitlines() if r.startswith(tree.a.code))
        assert line.split(",")[6] == "4"  # the long-term row and Q1–Q3, as the obligations say
        summary.rebuild()  # a rebuild puts the summary right again
        assert_summary_is_live(d("2026-11-29"))


def test_heatmap_pages_through_many_organisations(client, tree, people, cat, django_assert_max_num_queries):
    for _ in range(120):
        make_org(tree.committee)
    with at(2026, 3, 20):
        actions.generate_obligations(2026)
    client.force_login(people.inspector_c)
    with at(2026, 11, 29):
        client.get("/work/obligations/compliance/")
        with django_assert_max_num_queries(14):
            first = client.get("/work/obligations/compliance/?year=2026").content.decode()
        second = client.get("/work/obligations/compliance/?year=2026&page=2").content.decode()
    # 124 organisations: 100 on the first page, 24 on the second (plus the totals' row headers).
    assert "124 个党组织 · 1 / 2" in first and "124 个党组织 · 2 / 2" in second
    assert first.count("?org=") - second.count("?org=") > 70


def test_the_check_finds_a_summary_apart_from_the_obligations(tree, cat):
    """The comparisons above can fail: a summary row, a rollup or an obligation changed behind the
    actions' back is found by each check that reads it, and a rebuild puts things right."""
    on = d("2026-07-20")
    with at(2026, 7, 20):
        actions.generate_obligations(2026)
        make_item(tree.a, state=State.PUBLISHED, catalogue_item=cat.quarterly, period_label="2026年第二季度")
        assert_summary_is_live(on)
        # One of tree.a's overdue quarters (Q1) counted as done on time, dated today so no read refreshes it.
        row = ComplianceSummary.objects.filter(org=tree.a, catalogue_item=cat.quarterly, overdue__gte=1)
        assert row.update(
            overdue=F("overdue") - 1, done_on_time=F("done_on_time") + 1, as_of=on, stale_on=None
        )
        summary.refresh_stale(on)
        with pytest.raises(AssertionError):
            assert_rows_are_live(on)
        with pytest.raises(AssertionError):
            assert_figures_are_live(on)
        summary.rebuild(on)
        assert_summary_is_live(on)
        # A subtree total one obligation too many.
        ComplianceRollup.objects.filter(path=tree.committee.path, year=2026, total__gt=0).filter(
            pk=ComplianceRollup.objects.filter(path=tree.committee.path, year=2026, total__gt=0).values("pk")[
                :1
            ]
        ).update(total=F("total") + 1, overdue=F("overdue") + 1)
        assert_rows_are_live(on)  # the rows themselves are right...
        with pytest.raises(AssertionError):
            assert_rollups_are_live(on)  # ...the totals read from the rollups are not
        summary.rebuild(on)
        assert_summary_is_live(on)
        # An obligation fulfilled without an action: the live side sees it, the summary does not.
        open_one = Obligation.objects.filter(org=tree.b, fulfilled_on__isnull=True, due_date__lt=on).first()
        Obligation.objects.filter(pk=open_one.pk).update(fulfilled_on=on, fulfilled_at=timezone.now())
        with pytest.raises(AssertionError):
            assert_rows_are_live(on)
        with pytest.raises(AssertionError):
            assert_figures_are_live(on)
        with pytest.raises(AssertionError):
            assert_rollups_are_live(on)
        summary.rebuild(on)
        assert_summary_is_live(on)
