"""Page views run actions through run_action: one way to show an action's refusal or its success."""

from collections.abc import Callable
from typing import Any, NamedTuple

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .errors import message_of


class Outcome(NamedTuple):
    ok: bool
    value: Any = None


def run_action(request, action: Callable[[], Any], *, success=None, form=None) -> Outcome:
    """Call `action()` (a closure over one action call). A refusal becomes a non-field error of `form`
    when given, else an error message on the next page; on success, `success` (a text, or a function
    of the action's result giving one; default "已保存。") is shown as a message."""
    try:
        value = action()
    except ValidationError as exc:
        if form is not None:
            for text in exc.messages:
                form.add_error(None, text)
        else:
            messages.error(request, message_of(exc))
        return Outcome(False)
    text = success(value) if callable(success) else success
    messages.success(request, text if text is not None else _("已保存。"))
    return Outcome(True, value)
