"""Issue 12: every due date a clerk can trust. Each test names its rule; dates are worked out by hand
from the State Council's notice for 2026 (国办发明电〔2025〕7号) as the chinese-calendar package holds it:
- 元旦 1月1日至3日放假，1月4日（周日）上班；
- 春节 2月15日至23日放假，2月14日（周六）、2月28日（周六）上班；
- 清明节 4月4日至6日放假；劳动节 5月1日至5日放假，5月9日（周六）上班；端午节 6月19日至21日放假；
- 中秋节 9月25日至27日放假；国庆节 10月1日至7日放假，9月20日（周日）、10月10日（周六）上班。
December 2026 has no holiday; 2027 is not covered until an admin enters its schedule."""

from datetime import date

import pytest
from django.utils import timezone

from gongkai.applications import actions as applications
from gongkai.applications.models import Application
from gongkai.catalogue.models import CatalogueItem, Category, DueRule, Duration, Scope, Timing
from gongkai.conftest import UserFactory, at, grant
from gongkai.disclosure import actions as disclosure
from gongkai.disclosure import windows
from gongkai.disclosure.models import ChangeRequest, State
from gongkai.disclosure.tests.factories import make_item, owner_of_catalogue
from gongkai.feedback import actions as feedback
from gongkai.feedback.models import Channel, FeedbackCase
from gongkai.lib import workdays
from gongkai.obligations import actions
from gongkai.obligations.models import Counting, Kind, Obligation
from gongkai.orgs.models import Role
from gongkai.oversight import actions as oversight
from gongkai.oversight.models import InspectionFinding

from .factories import catalogue, d

pytestmark = pytest.mark.django_db

# What an admin types from the (hypothetical, for the test) 2027 notice: 元旦 1月1日至3日.
SCHEDULE_2027 = "2027-01-01 至 2027-01-03 元旦\n2027-02-06 至 2027-02-12 春节\n"


@pytest.fixture
def admin(tree):
    return grant(UserFactory(), tree.committee, Role.INSPECTOR)


@pytest.fixture
def cat(tree):
    return catalogue(tree.committee)


def rule(version, number, **fields) -> CatalogueItem:
    defaults = {
        "category": Category.DECISIONS,
        "title": f"事项{number}",
        "target_scope": Scope.ORG_MEMBERS,
        "duration": Duration.SHORT,
        "period_days": 30,
    }
    item = CatalogueItem(version=version, number=number, **{**defaults, **fields})
    item.clean()
    item.save()
    return item


def open_one_of_each_kind(tree, cat, people):
    """On Tuesday 2026-12-01: an application, a feedback case, a rectification order and a timely
    obligation, each received or ordered that day."""
    application = applications.submit_application(
        tree.a, by=people.member_a, title="党费使用明细", description="请公开2026年党费使用明细。"
    )
    case = feedback.record_offline(
        tree.a, by=people.clerk_a, channel=Channel.LETTER, subject="公开栏更新", content="公开栏内容陈旧。"
    )
    inspection = oversight.create_inspection(
        tree.a, by=people.inspector_c, on=d("2026-12-01"), summary="检查公开栏。"
    )
    order = oversight.add_finding(
        inspection,
        by=people.inspector_c,
        text="未按季度公开。",
        rectification_required=True,
        deadline_days=10,
    )
    obligation = actions.register_event(
        tree.a, cat.timely, by=people.clerk_a, event_date=d("2026-12-01"), note="支部党员大会作出决定"
    )
    return application, case, order, obligation


def due_dates(application, case, order, obligation):
    return (
        Application.objects.get(pk=application.pk).due_date,
        FeedbackCase.objects.get(pk=case.pk).due_date,
        InspectionFinding.objects.get(pk=order.pk).due_date,
        Obligation.objects.get(pk=obligation.pk).due_date,
    )


def test_r15_one_override_moves_every_open_deadline_of_every_kind_by_one_working_day(
    tree, cat, people, admin
):
    with at(2026, 12, 1):
        rows = open_one_of_each_kind(tree, cat, people)
    # From Tue 12-01: 20 wd = 12-29 (application, the timely obligation); 15 wd = 12-22 (feedback);
    # 10 wd = 12-15 (rectification). No holiday in December 2026.
    assert due_dates(*rows) == (d("2026-12-29"), d("2026-12-22"), d("2026-12-15"), d("2026-12-29"))
    with at(2026, 12, 2):
        moved = actions.set_override(d("2026-12-10"), False, note="临时放假", by=admin)
    # Thursday 12-10 no longer counts: each deadline after it is one working day later.
    assert due_dates(*rows) == (d("2026-12-30"), d("2026-12-23"), d("2026-12-16"), d("2026-12-30"))
    assert moved == 4
    with at(2026, 12, 3):
        actions.delete_override(actions.CalendarOverride.objects.get(date=d("2026-12-10")), by=admin)
    assert due_dates(*rows) == (d("2026-12-29"), d("2026-12-22"), d("2026-12-15"), d("2026-12-29"))


def test_r15_entering_2027_resolves_every_not_covered_deadline(tree, cat, people, admin):
    actions.generate_obligations(2026)
    with at(2026, 12, 21):  # Monday
        application = applications.submit_application(
            tree.a, by=people.member_a, title="换届选举材料", description="请公开换届选举的程序材料。"
        )
        extended = applications.submit_application(
            tree.a, by=people.member_a, title="党费标准", description="请公开党费收缴标准。"
        )
        extended = applications.extend_application(extended, by=people.clerk_a, days=10, reason="需协调上级")
        case = feedback.record_offline(
            tree.a, by=people.clerk_a, channel=Channel.VISIT, subject="来访", content="询问公开栏位置。"
        )
    q4 = Obligation.objects.get(org=tree.a, catalogue_item=cat.quarterly, key="2026-Q4")
    for row in (application, extended, case, q4):
        row.refresh_from_db()
        assert row.due_date is None and row.calendar_not_covered
    with at(2026, 12, 22):
        actions.enter_year_schedule(2027, SCHEDULE_2027, "", by=admin)
    for row in (application, extended, case, q4):
        row.refresh_from_db()
        assert not row.calendar_not_covered
    # From Mon 12-21: 12-22..25 (4), 12-28..31 (8), 1-1 holiday, 1-4..8 (13), 1-11..15 (18), 1-18, 1-19.
    assert application.due_date == d("2027-01-19")
    # The extension's 10 more: 1-20..22 (3), 1-25..29 (8), 2-1, 2-2 (before the Spring Festival).
    assert extended.due_date == d("2027-02-02")
    assert case.due_date == d("2027-01-12")  # 15 wd: … 1-4..8 (13), 1-11, 1-12
    assert q4.due_date == d("2027-01-15")  # 10 wd after Thu 12-31: 1-4..8, 1-11..15


def test_r14_timing_rules_say_what_the_catalogue_says(tree, cat):
    version = cat.version
    plan = rule(version, 50, title="年度工作计划", timing=Timing.PERIODIC, cadence="yearly",
                due_rule=DueRule.FIXED_DAY, due_month=2, due_day=31)  # fmt: skip
    day = rule(version, 51, title="主题党日活动安排", timing=Timing.PERIODIC, cadence="monthly",
               due_rule=DueRule.FIXED_DAY, due_day=5)  # fmt: skip
    report = rule(version, 52, title="年度报告", timing=Timing.PERIODIC, cadence="yearly",
                  due_rule=DueRule.FIXED_DAY, due_month=1, due_day=31, due_next_period=True)  # fmt: skip
    actions.generate_obligations(2025)
    actions.generate_obligations(2026)

    def due(item, key):
        return Obligation.objects.get(org=tree.a, catalogue_item=item, key=key).due_date

    # 每年2月底前: 2026-02-28 is a Saturday, but an adjusted working day after the Spring Festival.
    assert due(plan, "2026-Y") == d("2026-02-28")
    # 每月5日前, labelled with its own month: April 5 falls in 清明 (4-4..6) → Tuesday 4-7; May 5 in
    # 劳动节 (5-1..5) → Wednesday 5-6; October 5 in 国庆 (10-1..7) → Thursday 10-8; March 5 is a Thursday.
    assert due(day, "2026-M03") == d("2026-03-05")
    assert due(day, "2026-M04") == d("2026-04-07")
    assert due(day, "2026-M05") == d("2026-05-06")
    assert due(day, "2026-M10") == d("2026-10-08")
    # 每年1月31日前, for the year before: 2026-01-31 is a Saturday (not worked) → Monday 2-2.
    assert due(report, "2025-Y") == d("2026-02-02")
    # N working days after the period ends: Q3 ends Wed 9-30, then 10-8, 10-9, 10-10 (worked Saturday),
    # 10-12..16, 10-19 → the 10th working day is Tuesday 10-20.
    assert due(cat.quarterly, "2026-Q3") == d("2026-10-20")


def test_r14_n_working_days_before_an_event(tree, cat, people):
    ahead = rule(cat.version, 53, title="主题党日活动预告", timing=Timing.TIMELY,
                 due_rule=DueRule.BEFORE_EVENT, due_offset=3)  # fmt: skip
    with at(2026, 9, 21):
        o = actions.register_event(
            tree.a, ahead, by=people.clerk_a, event_date=d("2026-10-09"), note="主题党日"
        )
    # Three working days before Friday 10-09: 10-08 (1); 10-1..7 holiday; 9-30 (2), 9-29 (3).
    assert (o.due_date, o.counting) == (d("2026-09-29"), Counting.BEFORE)


def test_r14_stages_come_from_the_list_and_are_due_after_their_allowance(tree, cat, people):
    with at(2026, 10, 9):
        with pytest.raises(actions.ActionError, match="阶段"):
            actions.register_event(
                tree.a, cat.staged, by=people.clerk_a, event_date=d("2026-09-30"), note="x", stage="发展对象"
            )
        o = actions.register_event(
            tree.a,
            cat.staged,
            by=people.clerk_a,
            event_date=d("2026-09-30"),
            note="支委会",
            stage="确定发展对象",
        )
    # Wed 9-30 + 5 working days: 10-8, 10-9, 10-10 (worked Saturday), 10-12, 10-13 — never the
    # holiday itself.
    assert o.due_date == d("2026-10-13")
    with at(2026, 10, 12):
        make_item(
            tree.a, Scope.PUBLIC, state=State.PUBLISHED, catalogue_item=cat.staged, stage="确定发展对象"
        )
    o.refresh_from_db()
    assert o.fulfilled_on == d("2026-10-12")


def test_r14_r19_long_term_is_due_by_the_rollout_deadline_never_on_a_rest_day(tree, cat, people):
    committee = tree.committee
    with at(2026, 1, 10):
        oversight.set_plan(
            committee,
            2026,
            by=people.inspector_c,
            title="2026年全面推行党务公开工作实施方案",
            phases={},
            deadlines={"community": date(2026, 6, 30), "organ": date(2026, 10, 1)},
        )
    from gongkai.conftest import make_org

    organ = make_org(committee, sector_type="organ", code="TO")
    actions.generate_obligations(2026)
    community = Obligation.objects.get(org=tree.a, catalogue_item=cat.long_term)
    assert (community.kind, community.due_date) == (Kind.LONG_TERM, d("2026-06-30"))  # a Tuesday
    # 10-01 is National Day: the deadline moves to the first working day after the holiday, Thursday 10-08.
    assert Obligation.objects.get(org=organ, catalogue_item=cat.long_term).due_date == d("2026-10-08")


def test_r14_revoking_the_only_current_item_reopens_the_long_term_obligation(tree, cat, people):
    actions.generate_obligations(2026)
    with at(2026, 3, 2):
        item = make_item(tree.a, Scope.ALL_MEMBERS, state=State.PUBLISHED, catalogue_item=cat.long_term)
    o = Obligation.objects.get(org=tree.a, catalogue_item=cat.long_term)
    assert o.fulfilled_on == d("2026-03-02")
    with at(2026, 9, 29):
        request = disclosure.request_change(
            item, by=people.clerk_a, kind=ChangeRequest.Kind.REVOKE, reason="分工调整"
        )
        disclosure.decide_change(request, by=owner_of_catalogue(tree.a), approve=True)
    o.refresh_from_db()
    # Reopened on Tue 9-29 with the catalogue's allowance (the factories' 0 days): due that day, open.
    assert o.fulfilled_at is None and o.due_date == d("2026-09-29")


def test_r19_long_term_obligations_carry_into_the_next_year(tree, cat):
    actions.generate_obligations(2026)
    with at(2026, 3, 2):
        make_item(tree.a, Scope.ALL_MEMBERS, state=State.PUBLISHED, catalogue_item=cat.long_term)
    actions.generate_obligations(2027)
    rows = Obligation.objects.filter(kind=Kind.LONG_TERM, catalogue_item=cat.long_term)
    # One row per organisation and item: the met one stays in 2026, the open ones move to 2027.
    assert rows.get(org=tree.a).year == 2026 and rows.get(org=tree.a).fulfilled_on is not None
    assert rows.get(org=tree.b).year == 2027 and rows.get(org=tree.b).fulfilled_on is None


def test_r15_the_daily_job_dates_flagged_deadlines_once_a_newer_package_covers_the_year(
    tree, cat, people, monkeypatch
):
    from gongkai.lib import workdays
    from gongkai.obligations.tasks import recheck_calendar_coverage

    with at(2026, 12, 21):
        application = applications.submit_application(
            tree.a, by=people.member_a, title="换届选举材料", description="请公开换届选举的程序材料。"
        )
    assert application.due_date is None and application.calendar_not_covered
    assert recheck_calendar_coverage.call_local() == 0  # nothing new: nothing moves
    # An upgraded package that covers 2027 (here: its weekdays, with no holiday listed yet).
    monkeypatch.setattr(workdays, "_PACKAGE_YEARS", workdays._PACKAGE_YEARS | {2027})
    assert recheck_calendar_coverage.call_local() == 1
    application.refresh_from_db()
    # From Mon 12-21: 12-22..25 (4), 12-28..31 (8), 1-1 (9, a weekday to this package), 1-4..8 (14),
    # 1-11..15 (19), 1-18 (20).
    assert (application.due_date, application.calendar_not_covered) == (d("2027-01-18"), False)


def test_r9_r14_windows_stated_in_working_days_are_counted_in_working_days(client, tree, cat):
    notice = rule(cat.version, 54, title="干部任前公示", target_scope=Scope.PUBLIC, min_internal_days=5,
                  period_days=None, notice_days=5, timing=Timing.TIMELY, due_offset=2)  # fmt: skip
    with at(2026, 9, 29):  # Tuesday, before the Mid-Autumn/National Day holiday
        item = make_item(tree.a, Scope.PUBLIC, state=State.PUBLISHED, catalogue_item=notice, title="任前公示")
    # Inside for five working days after 9-29: 9-30, 10-8, 10-9, 10-10 (worked Saturday), 10-12;
    # public from the start of Tuesday 10-13 (never a rest day), then five working days of 公示:
    # 10-13..16 and 10-19; off the board from 10-20.
    assert timezone.localtime(item.public_from).isoformat() == "2026-10-13T00:00:00+08:00"
    assert timezone.localtime(item.expires_at).isoformat() == "2026-10-20T00:00:00+08:00"
    with at(2026, 10, 14):
        page = client.get(f"/items/{item.pk}/").content.decode()
    assert "公示期 2026-10-13 至 2026-10-19（5 个工作日）" in page


def test_r14_an_item_promising_a_window_its_settings_cannot_give_is_warned_before_approval(tree, cat):
    short = rule(cat.version, 55, title="推荐人选公示", target_scope=Scope.PUBLIC, period_days=7,
                 timing=Timing.TIMELY, due_offset=2)  # fmt: skip
    with at(2026, 9, 29):
        item = make_item(tree.a, Scope.PUBLIC, state=State.REVIEWED, catalogue_item=short,
                         body="推荐人选如下，公示期不少于5个工作日。")  # fmt: skip
        warnings = windows.window_warnings(item, timezone.now(), workdays.EMPTY)
    # Seven calendar days from Tuesday 9-29 end on 10-6: only 9-30 is a working day.
    assert warnings == [
        "正文承诺公示 5 个工作日，按目录设置现在发布只有 1 个工作日（2026-09-30 至 2026-10-05）。"
    ]
    item.body = "公示五个工作日。"
    item.scope = Scope.COMMITTEE
    assert "达不到公示的范围" in windows.window_warnings(item, timezone.now(), workdays.EMPTY)[0]
