"""The one parsing path for dates, numbers and ids from requests: bounded, clear, never an overflow."""

from datetime import date

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.urls import resolve
from pydantic import TypeAdapter
from pydantic import ValidationError as PydanticError

from gongkai.lib import params


@pytest.mark.parametrize("raw", ["0001-01-01", "9999-12-31", "1899-12-31", "2101-01-01"])
def test_dates_outside_the_bounds_are_refused_with_a_clear_message(raw):
    with pytest.raises(ValidationError, match="日期应在 1900-01-01 至 2100-12-31 之间"):
        params.parse_date(raw)


@pytest.mark.parametrize("raw", ["abc", "2025-13-01", "2025-02-30", "２０２５", "1" * 5000])
def test_malformed_dates_are_refused(raw):
    with pytest.raises(ValidationError, match="YYYY-MM-DD"):
        params.parse_date(raw)


def test_dates_inside_the_bounds_and_empty_values():
    assert params.parse_date(" 2025-03-01 ") == date(2025, 3, 1)
    assert params.parse_date("", default=date(2025, 1, 1)) == date(2025, 1, 1)
    assert params.parse_date(None) is None


def test_period_defaults_to_this_year_and_refuses_an_inverted_range():
    start, end = params.parse_period(None, None)
    assert (start.month, start.day, end.month, end.day) == (1, 1, 12, 31) and start.year == end.year
    with pytest.raises(ValidationError, match="结束日期不能早于开始日期"):
        params.parse_period("2025-02-01", "2025-01-01")


@pytest.mark.parametrize("raw", ["abc", "1.5", "1e9", "9" * 5000, "0x10"])
def test_numbers_that_are_not_whole_numbers_are_refused(raw):
    with pytest.raises(ValidationError, match="请填写整数"):
        params.parse_int(raw)


def test_numbers_out_of_range_are_refused_and_ids_that_name_no_row_are_none():
    with pytest.raises(ValidationError, match="数值应在 1 至 10 之间"):
        params.parse_int("11", lo=1, hi=10)
    assert params.parse_int("7", lo=1, hi=10) == 7
    for raw in ("abc", "0", "-3", str(2**63), "", None):
        assert params.parse_id(raw) is None, raw
    assert params.parse_id("42") == 42


class _Form(forms.Form):
    day = params.DateField()
    moment = params.DateTimeField()
    count = params.IntegerField(min_value=1, max_value=120)


@pytest.mark.parametrize(
    "data, field",
    [
        ({"day": "0001-01-01", "moment": "2025-01-01T10:00", "count": "1"}, "day"),
        ({"day": "2025-01-01", "moment": "9999-12-31T23:59", "count": "1"}, "moment"),
        ({"day": "2025-01-01", "moment": "2025-01-01T10:00", "count": "9" * 40}, "count"),
    ],
)
def test_form_fields_carry_the_same_bounds(data, field):
    form = _Form(data)
    assert not form.is_valid() and list(form.errors) == [field]


def test_api_types_carry_the_same_bounds():
    day = TypeAdapter(params.Day)
    assert day.validate_python("2025-03-01") == date(2025, 3, 1)
    for bad in ("0001-01-01", "9999-12-31"):
        with pytest.raises(PydanticError):
            day.validate_python(bad)
    with pytest.raises(PydanticError):
        TypeAdapter(params.Id).validate_python(2**63)


def test_url_ids_are_bounded_so_an_absurd_number_does_not_match():
    assert resolve("/items/123/").kwargs == {"pk": 123}
    assert resolve("/items/999999999999999999/").kwargs == {"pk": 999999999999999999}
    from django.urls import Resolver404

    with pytest.raises(Resolver404):
        resolve("/items/" + "9" * 30 + "/")
