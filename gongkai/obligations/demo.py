"""Demo obligations for the current year. Idempotent. Runs after the catalogue and item demos; the
year's history (demo_year.py) runs after oversight's demo, whose rollout plan sets the long-term
deadlines.

The 2027 official schedule is deliberately NOT loaded: it is not published in a source we can
verify here, so deadlines falling in 2027 show "工作日历未覆盖" until an admin enters it (R15)."""

from django.db import transaction
from django.utils import timezone

from gongkai.disclosure.models import DisclosureItem, State

from .actions import fulfil_for_item, generate_obligations
from .models import Obligation


def _link_published_items(year: int) -> None:
    """Items the item demo published before their obligations existed fulfil them now, oldest first."""
    linked = Obligation.objects.filter(fulfilled_item__isnull=False).values("fulfilled_item_id")
    items = (
        DisclosureItem.objects.filter(
            catalogue_item__isnull=False,
            supersedes__isnull=True,
            state__in=[State.PUBLISHED, State.SUPERSEDED, State.REVOKED, State.TERMINATED],
            published_at__year=year,
        )
        .exclude(pk__in=linked)
        .order_by("published_at", "pk")
    )
    for item in items:
        with transaction.atomic():
            fulfil_for_item(item)


def load() -> None:
    year = timezone.localdate().year
    generate_obligations(year)
    _link_published_items(year)
