import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from gongkai import access
from gongkai.catalogue.models import Scope
from gongkai.disclosure import windows
from gongkai.disclosure.management.commands.generate_data import generate
from gongkai.disclosure.models import DisclosureItem, State
from gongkai.lib import workdays
from gongkai.numbering.models import Counter
from gongkai.orgs.models import Organisation

# Database ids differ between runs on PostgreSQL (sequences survive a rollback): compare by content.
IDS = {"id", "org_id", "catalogue_item_id", "author_id", "reviewer_id", "approver_id", "supersedes_id"}
COLUMNS = [f.attname for f in DisclosureItem._meta.concrete_fields if f.attname not in IDS]
COLUMNS += ["org__code", "catalogue_item__number", "supersedes__index_number"]


class Rollback(Exception):
    pass


def snapshot(seed):
    """The rows one run produces, then rolled back so the next run starts from the same database."""
    try:
        with transaction.atomic():
            generate(30, 600, seed)
            orgs = list(
                Organisation.objects.order_by("path").values_list("path", "code", "name", "sector_type")
            )
            items = sorted(DisclosureItem.objects.values_list(*COLUMNS), key=repr)
            raise Rollback
    except Rollback:
        pass
    return orgs, items


@pytest.mark.django_db(transaction=False)
def test_same_seed_gives_the_same_data_and_another_seed_does_not():
    first, again, other = snapshot(7), snapshot(7), snapshot(8)
    assert first[0] == again[0]
    # created_at/updated_at are set by the generator too, so whole rows compare equal
    assert first[1] == again[1]
    assert first[1] != other[1]


@pytest.fixture
def generated(db):
    call_command("generate_data", orgs=40, items=3000, seed=3, stdout=open("/dev/null", "w"))
    return Organisation.objects.filter(code__startswith="SYN3-")


def test_tree_is_a_valid_treebeard_tree(generated):
    assert generated.count() == 40
    assert Organisation.objects.find_problems() == ([], [], [], [], [])
    root = generated.get(depth=1)
    committees = generated.filter(depth=2, path__startswith=root.path)
    assert committees.count() == root.numchild > 0
    assert sum(c.numchild for c in committees) == generated.filter(depth=3).count()
    by_path = {c.path: c for c in committees}
    for org in generated.filter(depth=3):
        assert by_path[org.path[: -org.steplen]].level == "committee" and org.sector_type


def test_items_are_consistent_with_what_the_actions_would_set(generated):
    items = DisclosureItem.objects.select_related("catalogue_item", "org")
    assert items.count() == 3000
    assert set(items.values_list("state", flat=True)) == set(State.values)
    assert set(items.values_list("scope", flat=True)) == set(Scope.values)
    numbers = [n for n in items.values_list("index_number", flat=True) if n]
    assert len(numbers) == len(set(numbers))
    for item in items:
        rule = item.catalogue_item
        assert item.org_path == item.org.path
        assert item.category == rule.category
        assert item.title and item.body and item.org.name in item.body
        if item.state in (State.PUBLISHED, State.SUPERSEDED, State.REVOKED, State.TERMINATED):
            assert item.index_number.startswith(
                f"{item.org.code}-{timezone.localtime(item.published_at).year}-"
            )
            assert item.approver_id and item.reviewer_id
            planned = windows.windows(rule, item.scope, item.published_at, workdays.EMPTY)
            if item.scope == Scope.PUBLIC:
                assert item.public_from == planned.public_from
            else:
                assert item.public_from is None
            assert item.expires_at == planned.expires_at
            assert (item.expires_at is None) == (rule.duration != "short")
        else:
            assert item.published_at is None and not item.index_number
        if item.state == State.SUPERSEDED:
            assert item.superseded_by.version == 2 and item.notice
        if item.state in (State.REVOKED, State.TERMINATED):
            assert item.ended_at and item.notice
    # the numbering counters continue after the generated index numbers
    item = items.filter(state=State.PUBLISHED).first()
    year = timezone.localtime(item.published_at).year
    last = max(int(n.rsplit("-", 1)[1]) for n in numbers if n.startswith(f"{item.org.code}-{year}-"))
    assert Counter.objects.get(key=f"index:{item.org.code}:{year}").value == last


def test_generated_items_reach_readers_through_the_policy(generated):
    public = access.visible_items(None).filter(org_path__startswith=generated.get(depth=1).path)
    assert public.exists()
    assert not public.exclude(scope=Scope.PUBLIC).exists()
    assert not public.exclude(state=State.PUBLISHED).exists()


def test_a_second_run_with_the_same_seed_is_refused(generated):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="种子 3"):
        call_command("generate_data", orgs=5, items=10, seed=3)
