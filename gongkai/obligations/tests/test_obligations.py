"""R14: generation, fulfilment by publication, and the status matrix over time."""

import pytest
from django.core.management import call_command

from gongkai.conftest import UserFactory, at, grant, make_org
from gongkai.disclosure import actions as disclosure
from gongkai.disclosure.models import State, Withholding
from gongkai.disclosure.tests.factories import make_item
from gongkai.obligations import actions
from gongkai.obligations.models import Kind, Obligation, Status
from gongkai.obligations.status import with_status
from gongkai.orgs.models import Role

from .factories import catalogue, d

pytestmark = pytest.mark.django_db


@pytest.fixture
def cat(tree):
    return catalogue(tree.committee)


def status_of(o, on=None):
    return with_status(Obligation.objects.filter(pk=o.pk), on).get().status


def test_generation_is_idempotent_and_covers_every_org_and_period(tree, cat):
    n = actions.generate_obligations(2026)
    count = Obligation.objects.count()
    # 4 organisations × (1 long-term + 4 quarters + 1 year); staged and timely wait for events.
    assert count == 4 * 6 == n
    actions.generate_obligations(2026)
    call_command("generate_obligations", "--year", "2026", stdout=open("/dev/null", "w"))
    assert Obligation.objects.count() == count
    labels = set(
        Obligation.objects.filter(org=tree.a, catalogue_item=cat.quarterly).values_list(
            "period_label", flat=True
        )
    )
    assert labels == {"2026年第一季度", "2026年第二季度", "2026年第三季度", "2026年第四季度"}
    assert Obligation.objects.get(org=tree.a, catalogue_item=cat.long_term).kind == Kind.LONG_TERM


def test_generation_respects_sector_types(tree, cat):
    cat.yearly.sector_types = ",village,"
    cat.yearly.save()
    village = make_org(tree.committee, sector_type="village")
    actions.generate_obligations(2026)
    assert Obligation.objects.filter(catalogue_item=cat.yearly, org=village).exists()
    assert not Obligation.objects.filter(catalogue_item=cat.yearly, org=tree.a).exists()


def test_generation_takes_a_fixed_number_of_queries(tree, cat, django_assert_max_num_queries):
    actions.generate_obligations(2026, orgs=None)
    for _ in range(6):
        make_org(tree.committee)
    # 8 for the obligations, 6 for the compliance summary and its rollups (issue 4), the rollout plan
    # the long-term deadlines follow, and on PostgreSQL each bulk write through a scratch table (create,
    # COPY, insert, drop: bulk.py) and the rollups' one upsert: 22 there with 2 or 12 new
    # organisations alike, a fixed count whatever their number.
    with django_assert_max_num_queries(22):
        actions.generate_obligations(2026)


def test_status_moves_from_not_yet_due_to_due_soon_to_overdue(tree, cat):
    actions.generate_obligations(2026)
    q3 = Obligation.objects.get(org=tree.a, catalogue_item=cat.quarterly, key="2026-Q3")
    assert q3.due_date == d("2026-10-20")
    with at(2026, 10, 9):  # 10-12..16 are the next 5 working days: the 20th is 6 away
        assert status_of(q3) == Status.NOT_YET_DUE
    with at(2026, 10, 13):
        assert status_of(q3) == Status.DUE_SOON
    with at(2026, 10, 20):
        assert status_of(q3) == Status.DUE_SOON  # the last day still counts
    with at(2026, 10, 21):
        assert status_of(q3) == Status.OVERDUE


def test_due_soon_window_is_configurable(tree, cat, settings):
    actions.generate_obligations(2026)
    q3 = Obligation.objects.get(org=tree.a, catalogue_item=cat.quarterly, key="2026-Q3")
    settings.OBLIGATION_DUE_SOON_DAYS = 10
    with at(2026, 10, 9):
        assert status_of(q3) == Status.DUE_SOON


def publish(org, item, on, **fields):
    with at(*on):
        return make_item(org, item.target_scope, state=State.PUBLISHED, catalogue_item=item, **fields)


def test_publishing_fulfils_on_time_or_late(tree, cat):
    actions.generate_obligations(2026)
    publish(tree.a, cat.quarterly, (2026, 10, 19), period_label="2026年第三季度")
    publish(tree.b, cat.quarterly, (2026, 10, 22), period_label="2026年第三季度")
    a = Obligation.objects.get(org=tree.a, catalogue_item=cat.quarterly, key="2026-Q3")
    b = Obligation.objects.get(org=tree.b, catalogue_item=cat.quarterly, key="2026-Q3")
    assert a.fulfilled_on == d("2026-10-19") and a.fulfilled_item is not None
    with at(2026, 11, 29):
        assert status_of(a) == Status.DONE_ON_TIME
        assert status_of(b) == Status.DONE_LATE
        # The other quarters stay open.
        q2 = Obligation.objects.get(org=tree.a, catalogue_item=cat.quarterly, key="2026-Q2")
        assert status_of(q2) == Status.OVERDUE


def test_publishing_fulfils_only_the_period_the_item_states_never_a_guessed_one(tree, cat):
    """R14 (issue 12.4): an item for a period without an open obligation fulfils none."""
    actions.generate_obligations(2026)
    publish(tree.a, cat.quarterly, (2026, 4, 8))  # no period stated
    publish(tree.a, cat.yearly, (2026, 1, 20), period_label="2025年度")  # no 2025 obligation exists
    assert not Obligation.objects.filter(org=tree.a, fulfilled_at__isnull=False).exists()
    publish(tree.a, cat.quarterly, (2026, 4, 9), period_label="2026年第一季度")
    done = Obligation.objects.filter(org=tree.a, catalogue_item=cat.quarterly, fulfilled_at__isnull=False)
    assert list(done.values_list("key", flat=True)) == ["2026-Q1"]


def test_a_registered_event_and_its_publication(tree, cat):
    clerk = grant(UserFactory(), tree.a, Role.CLERK)
    with at(2026, 11, 2):
        o = actions.register_event(tree.a, cat.timely, by=clerk, event_date=d("2026-11-02"), note="换届选举")
    assert o.kind == Kind.TIMELY
    publish(tree.a, cat.timely, (2026, 11, 5), event_date=d("2026-11-02"))
    o.refresh_from_db()
    assert o.fulfilled_on == d("2026-11-05")


def test_registering_an_event_is_refused_with_a_reason(tree, cat, people):
    from gongkai.obligations.actions import ActionError

    with at(2026, 11, 2):
        with pytest.raises(ActionError, match="无权"):
            actions.register_event(
                tree.a, cat.timely, by=people.member_a, event_date=d("2026-11-01"), note="x"
            )
        with pytest.raises(ActionError, match="不能晚于今天"):
            actions.register_event(
                tree.a, cat.timely, by=people.clerk_a, event_date=d("2026-11-03"), note="x"
            )
        with pytest.raises(ActionError, match="只有及时公开"):
            actions.register_event(
                tree.a, cat.quarterly, by=people.clerk_a, event_date=d("2026-11-01"), note="x"
            )
        with pytest.raises(ActionError, match="阶段"):
            actions.register_event(
                tree.a, cat.staged, by=people.clerk_a, event_date=d("2026-11-01"), note="x"
            )
        staged = actions.register_event(
            tree.a,
            cat.staged,
            by=people.clerk_a,
            event_date=d("2026-11-01"),
            note="支部委员会研究确定",
            stage="确定发展对象",
        )
    assert staged.kind == Kind.STAGED and staged.stage == "确定发展对象"
    assert Obligation.objects.count() == 1


def test_an_accepted_withholding_turns_the_obligation_to_withheld(tree, cat, people):
    actions.generate_obligations(2026)
    q3 = Obligation.objects.get(org=tree.a, catalogue_item=cat.quarterly, key="2026-Q3")
    w = disclosure.file_withholding(
        tree.a,
        cat.quarterly,
        by=people.clerk_a,
        reason=Withholding.Reason.PRIVACY,
        explanation="涉及困难党员个人信息。",
        period_label="2026年第三季度",
    )
    with at(2026, 11, 29):
        assert status_of(q3) == Status.OVERDUE  # filed, not yet accepted
        disclosure.decide_withholding(w, by=people.inspector_c, accept=True)
        assert status_of(q3) == Status.WITHHELD
        q2 = Obligation.objects.get(org=tree.a, catalogue_item=cat.quarterly, key="2026-Q2")
        assert status_of(q2) == Status.OVERDUE  # another period is not covered by it
