"""Shared set-up for the obligations tests: a published catalogue at the tree's root, time travel."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import time_machine

from gongkai.catalogue.models import CatalogueItem, Category, Duration, Scope, Timing
from gongkai.disclosure.tests.factories import make_catalogue

TZ = ZoneInfo("Asia/Shanghai")


def at(y, m, d, hour=10):
    """Travel to a local moment (tick=False so deadlines do not drift during a test)."""
    return time_machine.travel(datetime(y, m, d, hour, tzinfo=TZ), tick=False)


def catalogue(org):
    """The factories' standard catalogue plus a timely item (20 working days after the event)."""
    cat = make_catalogue(org)
    version = cat.current_version()
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
