import pytest
from django.utils import timezone

from gongkai import access
from gongkai.catalogue import demo as catalogue_demo
from gongkai.catalogue.models import Scope
from gongkai.disclosure import demo
from gongkai.disclosure.models import ChangeRequest, DisclosureItem, Finding, State, Withholding
from gongkai.orgs import demo as orgs_demo


@pytest.fixture
def loaded(db, settings):
    # The orgs demo creates ~170 logins; Argon2 for each would dominate the run.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    orgs_demo.load()
    catalogue_demo.load()
    demo.load()


def test_demo_covers_every_state_and_scope_through_the_workflow(loaded):
    items = DisclosureItem.objects.all()
    assert set(items.values_list("state", flat=True)) >= {
        State.DRAFT,
        State.SUBMITTED,
        State.REVIEWED,
        State.APPROVED,
        State.PUBLISHED,
        State.SUPERSEDED,
        State.REVOKED,
    }
    assert set(items.values_list("scope", flat=True)) == set(Scope.values)
    assert items.values("org").distinct().count() >= 4
    # every published item went through review and approval by someone other than its author
    for item in items.filter(state=State.PUBLISHED):
        assert item.reviewer_id and item.approver_id and item.index_number
        assert item.reviewer_id != item.author_id and item.approver_id != item.author_id
        assert item.events.filter(action="publish").exists()


def test_demo_public_items_inside_first_then_outside(loaded):
    now = timezone.now()
    inside = DisclosureItem.objects.get(title="关于确定张某某等2名同志为发展对象的公示")
    outside = DisclosureItem.objects.get(title="关于实施社区老旧楼道照明改造的决定")
    assert not inside.is_public_now(now) and outside.is_public_now(now)
    public = access.visible_items(None)
    assert public.filter(pk=outside.pk).exists() and not public.filter(pk=inside.pk).exists()


def test_demo_masked_id_number_change_revocation_and_withholding(loaded):
    allowance = DisclosureItem.objects.get(title__startswith="2026年11月城乡居民最低生活保障")
    assert "430181198503123425" in allowance.body
    assert "430181198503123425" not in allowance.published_body
    assert allowance.findings.filter(status=Finding.Status.MASKED).exists()

    new = DisclosureItem.objects.get(version=2)
    assert new.state == State.PUBLISHED and new.supersedes.state == State.SUPERSEDED and new.supersedes.notice
    revoked = DisclosureItem.objects.get(state=State.REVOKED)
    assert revoked.notice and revoked.change_requests.get().status == ChangeRequest.Status.APPROVED
    assert set(Withholding.objects.values_list("status", flat=True)) == {"filed", "accepted"}


def test_demo_is_idempotent(loaded):
    count = DisclosureItem.objects.count()
    demo.load()
    assert DisclosureItem.objects.count() == count
