"""Issue 16.1: every date and datetime input round-trips in ISO format, in every language."""

import importlib
import pkgutil
from datetime import date, datetime

import pytest
from django import forms
from django.utils import timezone, translation

import gongkai

DAY = date(2026, 11, 30)
MOMENT = timezone.make_aware(datetime(2026, 11, 30, 9, 30))


def _all_forms():
    for info in pkgutil.walk_packages(gongkai.__path__, "gongkai."):
        if info.name.rsplit(".", 1)[-1] in ("forms", "views") or info.name.endswith("_views"):
            importlib.import_module(info.name)
    seen, stack = [], list(forms.Form.__subclasses__())
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if cls.__module__.startswith("gongkai.") and cls not in seen:
            seen.append(cls)
    return seen


def _date_fields(form_class):
    try:
        fields = form_class().fields  # some add fields in __init__
    except TypeError:
        fields = form_class.base_fields
    return [(n, f) for n, f in fields.items() if isinstance(f, (forms.DateField, forms.DateTimeField))]


def test_the_forms_with_dates_are_found():
    names = {cls.__name__ for cls in _all_forms() if _date_fields(cls)}
    assert {"ItemForm", "EditForm", "WithholdingForm", "CampaignForm", "InspectionForm"} <= names


@pytest.mark.parametrize("language", ["zh-hans", "zh-hant", "en"])
def test_every_date_field_renders_iso_and_reads_back_the_same_value(language):
    with translation.override(language):
        for form_class in _all_forms():
            for name, field in _date_fields(form_class):
                is_datetime = isinstance(field, forms.DateTimeField)
                value = MOMENT if is_datetime else DAY
                html = field.widget.render(name, field.prepare_value(value))
                expected = "2026-11-30T09:30" if is_datetime else "2026-11-30"
                where = f"{form_class.__module__}.{form_class.__name__}.{name}"
                assert f'value="{expected}"' in html, where
                assert f'type="{"datetime-local" if is_datetime else "date"}"' in html, where
                assert field.clean(expected) == value, where
