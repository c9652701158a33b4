"""R36: carriers recorded with their dates; a catalogue item that requires a carrier is fulfilled only
with it (done-when: an obligation requiring a meeting is not fulfilled by a website publication)."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from gongkai.catalogue.models import CarrierKind, Category, Duration, Scope, Timing
from gongkai.disclosure.tests.factories import catalogue_item_for, published_item
from gongkai.obligations import actions as obligations
from gongkai.obligations.models import Obligation
from gongkai.orgs.models import Organisation
from gongkai.reports import actions

from .test_annual_report import at


@pytest.fixture
def meeting_item(tree):
    """A quarterly catalogue item that must be disclosed at a meeting (会议公开)."""
    return catalogue_item_for(
        tree.a, category=Category.DECISIONS, title="重要决策执行情况", target_scope=Scope.ORG_MEMBERS,
        duration=Duration.SHORT, timing=Timing.PERIODIC, cadence="quarterly", due_offset=10,
        min_internal_days=0, required_carrier=CarrierKind.MEETING,
    )  # fmt: skip


def _obligation(org, catalogue_item, label):
    return Obligation.objects.get(org=org, catalogue_item=catalogue_item, period_label=label)


def test_website_publication_alone_does_not_fulfil_a_meeting_obligation(tree, people, meeting_item):
    with at(2026, 4, 1):
        obligations.generate_obligations(2026, orgs=Organisation.objects.filter(pk=tree.a.pk))
        item = published_item(tree.a, scope=Scope.ORG_MEMBERS, catalogue_item=meeting_item,
                              by_clerk=people.clerk_a, period_label="2026年第一季度")  # fmt: skip
    q1 = _obligation(tree.a, meeting_item, "2026年第一季度")
    assert q1.fulfilled_at is None  # published on the website: not enough
    with at(2026, 4, 3):  # a board posting is not the meeting either
        actions.record_carrier(item, by=people.clerk_a, kind=CarrierKind.BOARD, on=date(2026, 4, 2))
    q1.refresh_from_db()
    assert q1.fulfilled_at is None
    with at(2026, 4, 9):
        actions.record_carrier(item, by=people.clerk_a, kind=CarrierKind.MEETING, on=date(2026, 4, 8),
                               detail="支部党员大会", attendance=18)  # fmt: skip
    q1.refresh_from_db()
    assert q1.fulfilled_item_id == item.pk and q1.fulfilled_on == date(2026, 4, 8)  # the meeting's day
    with at(2026, 4, 10):  # a second meeting fulfils nothing more (never the next quarter)
        actions.record_carrier(item, by=people.clerk_a, kind=CarrierKind.MEETING, on=date(2026, 4, 9),
                               detail="再次通报", attendance=12)  # fmt: skip
    assert Obligation.objects.filter(fulfilled_item=item).count() == 1
    assert _obligation(tree.a, meeting_item, "2026年第二季度").fulfilled_at is None


def test_without_a_required_carrier_publication_fulfils(tree, people):
    plain = catalogue_item_for(tree.a, min_internal_days=0)  # quarterly, no required carrier
    with at(2026, 4, 1):
        obligations.generate_obligations(2026, orgs=Organisation.objects.filter(pk=tree.a.pk))
        published_item(tree.a, catalogue_item=plain, by_clerk=people.clerk_a, period_label="2026年第一季度")
    assert _obligation(tree.a, plain, "2026年第一季度").fulfilled_on == date(2026, 4, 1)


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"kind": CarrierKind.MEETING, "on": date(2026, 4, 2), "detail": "党员大会"}, "参会人数"),
        ({"kind": CarrierKind.DOCUMENT, "on": date(2026, 4, 2)}, "文号"),
        ({"kind": "fax", "on": date(2026, 4, 2)}, "公开形式"),
        ({"kind": CarrierKind.BOARD, "on": date(2026, 5, 2)}, "不晚于今天"),
    ],
)
def test_bad_carriers_are_refused_and_nothing_saved(tree, people, fields, message):
    with at(2026, 4, 3):
        item = published_item(tree.a, by_clerk=people.clerk_a, min_internal_days=0)
        with pytest.raises(ValidationError, match=message):
            actions.record_carrier(item, by=people.clerk_a, **fields)
    assert not item.carriers.exists()


def test_only_the_organisations_clerk_records_carriers(tree, people):
    with at(2026, 4, 3):
        item = published_item(tree.a, by_clerk=people.clerk_a, min_internal_days=0)
        for user in (people.member_a, people.inspector_c, people.outsider):
            with pytest.raises(actions.ActionError):
                actions.record_carrier(item, by=user, kind=CarrierKind.BOARD, on=date(2026, 4, 3))
