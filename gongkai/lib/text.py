"""Validation of user-typed text: one place that says what is acceptable, in the user's language."""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Control characters other than tab and newline forge log lines and break layouts.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def clean_text(value, *, field, max_length: int, required: bool = True) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationError(_("%(field)s格式无效。") % {"field": field})
    value = unicodedata.normalize("NFC", value.replace("\r\n", "\n").replace("\r", "\n")).strip()
    if _CONTROL.search(value):
        raise ValidationError(_("%(field)s含有不允许的控制字符。") % {"field": field})
    if required and not value:
        raise ValidationError(_("请填写%(field)s。") % {"field": field})
    if len(value) > max_length:
        raise ValidationError(_("%(field)s不能超过 %(n)s 个字。") % {"field": field, "n": max_length})
    return value


def clean_line(value, *, field, max_length: int, required: bool = True) -> str:
    value = clean_text(value, field=field, max_length=max_length, required=required)
    if "\n" in value or "\t" in value:
        raise ValidationError(_("%(field)s不能换行。") % {"field": field})
    return value
