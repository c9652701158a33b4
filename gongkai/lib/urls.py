"""URLs of many rows without a reversal per row (issue 17.3): reverse once, then fill in the key."""

from collections.abc import Callable

from django.urls import reverse

_MARK = 987654321


def url_maker(name: str) -> Callable[[object], str]:
    """`url_maker("disclosure:detail")(pk)` == `reverse("disclosure:detail", args=[pk])`, for a
    pattern whose one argument is an integer key."""
    head, tail = reverse(name, args=[_MARK]).split(str(_MARK))
    return lambda pk: f"{head}{pk}{tail}"
