"""Factories of the obligations tests: a published catalogue with one item of each timing."""

from datetime import date

from gongkai.catalogue.models import CatalogueItem, Category, Duration, Scope, Timing
from gongkai.conftest import moment
from gongkai.disclosure.tests.factories import make_catalogue


def catalogue(org):
    """The factories' standard catalogue (published 2026-01-05) plus a timely item (20 working days
    after the event)."""
    cat = make_catalogue(org)
    version = cat.current_version()
    # Published on the first working Monday of 2026, so long-term deadlines do not depend on today.
    version.published_at = moment(2026, 1, 5, 9)
    version.save(update_fields=["published_at"])
    timely = CatalogueItem.objects.create(
        version=version,
        number=99,
        category=Category.DECISIONS,
        title="重大事项决策",
        target_scope=Scope.ALL_MEMBERS,
        duration=Duration.SHORT,
        period_days=30,
        timing=Timing.TIMELY,
        due_offset=20,
    )
    items = {i.title: i for i in version.items.all()}
    return type(
        "Cat",
        (),
        {
            "version": version,
            "quarterly": items["党费收缴、管理和使用情况"],
            "long_term": items["领导班子分工"],
            "staged": items["发展党员"],
            "yearly": items["民主评议党员结果"],
            "timely": timely,
        },
    )


def d(s: str) -> date:
    return date.fromisoformat(s)
