"""R15 deadlines worked out by hand from the State Council's holiday notices:
国务院办公厅关于2026年部分节假日安排的通知（国办发明电〔2025〕7号）:
- 春节：2月15日至23日放假调休，共9天；2月14日（周六）、2月28日（周六）上班。
- 国庆节、中秋节：10月1日至7日放假调休，共7天；9月20日（周日）、10月10日（周六）上班。
2027 is not covered by the chinese-calendar package: deadlines there are flagged, never guessed."""

import pytest

from gongkai.audit.models import AuditEntry
from gongkai.conftest import UserFactory, at, grant
from gongkai.lib import workdays
from gongkai.obligations import actions
from gongkai.obligations.calendar import current_overrides
from gongkai.obligations.models import CalendarOverride, CalendarYear, Obligation
from gongkai.orgs.models import Role

from .factories import catalogue, d

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(tree):
    return grant(UserFactory(), tree.committee, Role.INSPECTOR)  # the test tree's root


@pytest.fixture
def cat(tree):
    return catalogue(tree.committee)


def event(org, item, on, clerk=None):
    clerk = clerk or grant(UserFactory(), org, Role.CLERK)
    return actions.register_event(org, item, by=clerk, event_date=d(on), note="党员大会作出决定")


def test_twenty_working_days_from_the_week_before_national_day_2026(tree, cat):
    # Friday 2026-09-25 + 20 working days: 9-28..30 (3), 10-1..7 holiday, 10-8, 10-9, Saturday 10-10
    # worked (6), then 10-12..16 (11), 10-19..23 (16), 10-26..29 (20).
    with at(2026, 9, 28):
        o = event(tree.a, cat.timely, "2026-09-25")
    assert o.due_date == d("2026-10-29")
    assert not o.calendar_not_covered


def test_deadline_across_spring_festival_2026_counts_the_adjusted_saturdays(tree, cat):
    # Tuesday 2026-02-10 + 20 working days: 2-11..13 (3), Saturday 2-14 worked (4), 2-15..23 holiday,
    # 2-24..27 (8), Saturday 2-28 worked (9), 3-2..6 (14), 3-9..13 (19), 3-16 (20).
    with at(2026, 2, 12):
        o = event(tree.a, cat.timely, "2026-02-10")
    assert o.due_date == d("2026-03-16")
    # Without the festival the same count would end on 2026-03-10: the calendar moved it 4 days.


def test_december_2026_deadline_is_not_covered_then_recomputed_when_2027_is_entered(tree, cat, admin):
    # Friday 2026-12-18 + 20 working days runs into 2027, which no calendar covers yet.
    with at(2026, 12, 18):
        o = event(tree.a, cat.timely, "2026-12-18")
    assert o.due_date is None and o.calendar_not_covered
    with at(2027, 1, 2):
        moved = actions.enter_year_schedule(2027, "2027-01-01 至 2027-01-03 元旦\n", "", by=admin)
    o.refresh_from_db()
    # 12-21..25 (5), 12-28..31 (9), 1-1 holiday, 1-4..8 (14), 1-11..15 (19), 1-18 (20).
    assert (o.due_date, o.calendar_not_covered) == (d("2027-01-18"), False)
    assert moved >= 1
    assert CalendarYear.objects.filter(year=2027).exists()
    assert AuditEntry.objects.filter(action="calendar.enter_year").exists()
    assert 2027 in workdays.covered_years(current_overrides())


def test_an_override_holiday_moves_an_open_deadline_by_one_working_day(tree, cat, admin):
    with at(2026, 11, 20):
        open_one = event(tree.a, cat.timely, "2026-11-16")
        other = event(tree.b, cat.timely, "2026-11-16")
    before = open_one.due_date
    other.fulfilled_at, other.fulfilled_on = other.created_at, d("2026-11-20")
    other.save()
    moved = actions.set_override(d("2026-11-25"), False, note="临时调整", by=admin)
    open_one.refresh_from_db()
    other.refresh_from_db()
    assert open_one.due_date == workdays.add_working_days(before, 1)
    assert other.due_date == before  # a fulfilled obligation keeps its deadline
    assert moved == 1
    # Removing the override moves it back.
    actions.delete_override(CalendarOverride.objects.get(date=d("2026-11-25")), by=admin)
    open_one.refresh_from_db()
    assert open_one.due_date == before


def test_only_root_inspectors_and_superusers_manage_the_calendar(tree, people):
    from gongkai.obligations.actions import ActionError

    inspector_below = grant(UserFactory(), tree.a, Role.INSPECTOR)
    for user in (people.clerk_a, inspector_below, people.secretary_a):
        with pytest.raises(ActionError):
            actions.set_override(d("2026-12-01"), False, by=user)
    assert not CalendarOverride.objects.exists()
    root = UserFactory(is_superuser=True)
    actions.set_override(d("2026-12-01"), False, by=root)
    assert CalendarOverride.objects.count() == 1


def test_bad_schedule_is_refused_in_chinese_and_saves_nothing(tree, admin):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as exc:
        actions.enter_year_schedule(
            2027,
            "2027-01-01 至 2027-01-03 元旦\n2027-02-30 春节\n2027-05-05 至 2027-05-01\n假期",
            "2027-02-17\n2028-01-08",
            by=admin,
        )
    text = " ".join(exc.value.messages)
    assert "第 2 行：日期 2027-02-30 不存在" in text
    assert "结束日期早于开始日期" in text
    assert "第 4 行无法识别" in text
    assert "本来就是工作日" in text  # 2027-02-17 is a Wednesday
    assert "不在 2027 年内" in text
    assert not CalendarOverride.objects.exists() and not CalendarYear.objects.exists()


def test_obligation_rows_in_the_uncovered_year_are_flagged(tree, cat):
    actions.generate_obligations(2026)
    q4 = Obligation.objects.get(org=tree.a, catalogue_item=cat.quarterly, key="2026-Q4")
    assert q4.due_date is None and q4.calendar_not_covered
    q3 = Obligation.objects.get(org=tree.a, catalogue_item=cat.quarterly, key="2026-Q3")
    # 2026-09-30 + 10 working days: 10-8, 10-9, 10-10 (Saturday worked), 10-12..16, 10-19, 10-20.
    assert (q3.due_date, q3.calendar_not_covered) == (d("2026-10-20"), False)
