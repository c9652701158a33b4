from datetime import date, datetime, timedelta

import pytest

from gongkai.lib.workdays import (
    EMPTY,
    CalendarNotCovered,
    Overrides,
    add_working_days,
    covered_years,
    is_covered,
    is_working_day,
    working_days_between,
)

# 2027 is not in chinesecalendar 1.11.0; an admin enters it (New Year's Day 2027-01-01 is a Friday).
OV_2027 = Overrides(days={date(2027, 1, 1): False}, years=frozenset({2027}))


def test_national_day_2025():
    for day in range(1, 9):
        assert not is_working_day(date(2025, 10, day)), day
    # 调休: the Sunday before and the Saturday after are working days.
    assert date(2025, 9, 28).weekday() == 6 and is_working_day(date(2025, 9, 28))
    assert date(2025, 10, 11).weekday() == 5 and is_working_day(date(2025, 10, 11))
    assert is_working_day(date(2025, 9, 30))
    assert is_working_day(date(2025, 10, 9))
    # An ordinary weekend stays a rest day.
    assert not is_working_day(date(2025, 10, 12))
    assert not is_working_day(date(2025, 9, 27))


def test_spring_festival_2026():
    for day in range(15, 24):
        assert not is_working_day(date(2026, 2, day)), day
    # Makeup Saturdays 2026-02-14 and 2026-02-28.
    assert is_working_day(date(2026, 2, 14)) and is_working_day(date(2026, 2, 28))
    assert is_working_day(date(2026, 2, 13)) and is_working_day(date(2026, 2, 24))
    assert add_working_days(date(2026, 2, 13), 1) == date(2026, 2, 14)
    assert add_working_days(date(2026, 2, 14), 1) == date(2026, 2, 24)
    assert working_days_between(date(2026, 2, 14), date(2026, 2, 23)) == 0


def test_golden_week_2026_is_skipped():
    assert add_working_days(date(2026, 9, 30), 1) == date(2026, 10, 8)
    # 10-08 (Thu), 10-09 (Fri), 10-10 (makeup Saturday).
    assert add_working_days(date(2026, 9, 30), 3) == date(2026, 10, 10)
    assert add_working_days(date(2026, 9, 30), 4) == date(2026, 10, 12)


def test_add_zero_and_start_not_counted():
    assert add_working_days(date(2026, 10, 3), 0) == date(2026, 10, 3)
    # Start on a working Friday: the 1st working day after it is Monday.
    assert add_working_days(date(2025, 6, 6), 1) == date(2025, 6, 9)


def test_negative_n_rejected():
    with pytest.raises(ValueError):
        add_working_days(date(2025, 6, 6), -1)


def test_20_day_deadline_into_2027_requires_overrides():
    start = date(2026, 12, 10)
    with pytest.raises(CalendarNotCovered) as exc:
        add_working_days(start, 20)
    assert exc.value.year == 2027
    assert isinstance(exc.value, ValueError)
    assert str(exc.value) == "工作日历未覆盖 2027 年，请管理员录入该年官方放假安排"
    # 15 working days left in Dec 2026, Jan 1 is a holiday, then Jan 4..8.
    assert add_working_days(start, 20, OV_2027) == date(2027, 1, 8)
    # Without the New Year holiday the deadline would be a day earlier: the override matters.
    assert add_working_days(start, 20, Overrides(years=frozenset({2027}))) == date(2027, 1, 7)


def test_deadline_inside_covered_year_needs_no_overrides():
    assert add_working_days(date(2026, 12, 10), 15) == date(2026, 12, 31)


def test_uncovered_year_never_guesses():
    for d in (date(2027, 3, 1), date(2003, 12, 31), date(2030, 6, 3)):
        assert not is_covered(d)
        with pytest.raises(CalendarNotCovered):
            is_working_day(d)
    with pytest.raises(CalendarNotCovered):
        working_days_between(date(2026, 12, 30), date(2027, 1, 5))


def test_override_year_defaults_to_monday_to_friday():
    assert is_covered(date(2027, 6, 1), OV_2027)
    assert is_working_day(date(2027, 1, 4), OV_2027)  # Monday
    assert not is_working_day(date(2027, 1, 1), OV_2027)  # Friday holiday override
    assert not is_working_day(date(2027, 1, 2), OV_2027)  # Saturday
    assert working_days_between(date(2026, 12, 31), date(2027, 1, 8), OV_2027) == 5


def test_single_day_override_covers_only_that_day():
    ov = Overrides(days={date(2028, 1, 3): True})
    assert is_covered(date(2028, 1, 3), ov) and is_working_day(date(2028, 1, 3), ov)
    assert not is_covered(date(2028, 1, 4), ov)
    with pytest.raises(CalendarNotCovered):
        is_working_day(date(2028, 1, 4), ov)


def test_saturday_override_shortens_deadline():
    start = date(2025, 6, 5)  # Thursday
    assert add_working_days(start, 3) == date(2025, 6, 10)
    sat = Overrides(days={date(2025, 6, 7): True})
    assert is_working_day(date(2025, 6, 7), sat) and not is_working_day(date(2025, 6, 7))
    assert add_working_days(start, 3, sat) == date(2025, 6, 9)


def test_override_beats_package():
    d = date(2025, 10, 9)  # official working day
    assert not is_working_day(d, Overrides(days={d: False}))
    assert is_working_day(date(2025, 10, 1), Overrides(days={date(2025, 10, 1): True}))


def test_datetime_accepted():
    assert not is_working_day(datetime(2025, 10, 1, 9, 30))
    assert add_working_days(datetime(2026, 9, 30, 17, 0), 1) == date(2026, 10, 8)


def test_covered_years():
    years = covered_years()
    assert years == set(range(2004, 2027))
    assert covered_years(OV_2027) == years | {2027}
    assert covered_years(EMPTY) == years
    assert is_covered(date(2004, 1, 1)) and is_covered(date(2026, 12, 31))


def test_working_days_between_basics():
    assert working_days_between(date(2025, 10, 1), date(2025, 10, 1)) == 0
    assert working_days_between(date(2025, 10, 10), date(2025, 10, 1)) == 0
    # (09-30, 10-12]: only 10-09, 10-10, 10-11 are working.
    assert working_days_between(date(2025, 9, 30), date(2025, 10, 12)) == 3
    # A whole ordinary week (Mon..Sun) after a Sunday.
    assert working_days_between(date(2025, 6, 8), date(2025, 6, 15)) == 5


def test_year_totals_match_official_count():
    # 2025: 261 Mon-Fri, minus 18 weekday holidays (1+6+1+3+1+6), plus 5 makeup weekend days
    # (01-26, 02-08, 04-27, 09-28, 10-11) = 248, per the State Council notice.
    assert working_days_between(date(2024, 12, 31), date(2025, 12, 31)) == 248


@pytest.mark.parametrize(
    "ov", [EMPTY, OV_2027, Overrides(days={date(2025, 6, 7): True, date(2026, 3, 3): False})]
)
def test_add_and_between_are_consistent(ov):
    start = date(2024, 12, 20)
    for k in range(0, 760, 7):
        s = start + timedelta(days=k)
        for n in (0, 1, 2, 5, 10, 20):
            if not ov.years and (s + timedelta(days=40)).year > 2026:
                continue
            e = add_working_days(s, n, ov)
            assert working_days_between(s, e, ov) == n
            if n:
                assert is_working_day(e, ov)
                # e is the first date reaching n: one day earlier has only n-1.
                assert working_days_between(s, e - timedelta(days=1), ov) == n - 1


def test_cache_agrees_with_package_for_every_covered_day():
    import chinese_calendar

    d = date(2004, 1, 1)
    while d.year <= 2026:
        assert is_working_day(d) == chinese_calendar.is_workday(d), d
        d += timedelta(days=1)
