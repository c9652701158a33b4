from datetime import time

from django.utils import timezone

from gongkai.catalogue.models import Scope
from gongkai.disclosure.models import State
from gongkai.disclosure.tests.factories import make_item, published_item
from gongkai.lib import workdays


def test_factories_reach_each_state(tree):
    for state in [
        State.DRAFT,
        State.SUBMITTED,
        State.REVIEWED,
        State.APPROVED,
        State.PUBLISHED,
        State.REVOKED,
    ]:
        assert make_item(tree.a, Scope.ORG_MEMBERS, state=state).state == state


def test_published_public_item_goes_public_after_internal_days(tree):
    item = published_item(tree.a1, Scope.PUBLIC)
    assert item.index_number.startswith("TA1-")
    # R9: five working days inside after the day of publication, public from the next one's start.
    day = timezone.localdate(item.published_at)
    assert timezone.localtime(item.public_from).time() == time.min
    assert timezone.localdate(item.public_from) == workdays.add_working_days(day, 6)
    assert published_item(tree.b, min_internal_days=0).is_public_now()
