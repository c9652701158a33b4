"""The demo (`gongkai load_demo`): the plan of 集里街道 with data in every area, loaded twice (the
second load changes nothing). One load for every area's checks: loading the demo is the slow part."""

from django.core.management import call_command
from django.utils import timezone

from gongkai import access
from gongkai.applications.models import Application
from gongkai.applications.models import Status as ApplicationStatus
from gongkai.catalogue.models import Scope
from gongkai.disclosure.models import (
    ChangeRequest,
    ConfidentialityFinding,
    DisclosureItem,
    State,
    Withholding,
)
from gongkai.feedback.models import FeedbackCase
from gongkai.orgs.models import LeadingGroupMember, Level, Membership, Organisation, SectorType

MODELS = (Organisation, Membership, LeadingGroupMember, DisclosureItem, Application, FeedbackCase)


def _counts():
    return [m.objects.count() for m in MODELS]


def test_the_demo_reproduces_the_plan_and_a_second_load_changes_nothing(db):
    call_command("load_demo")
    _every_published_item_is_searchable()  # after one load: the second would catch up
    first = _counts()
    call_command("load_demo")
    assert _counts() == first
    _organisations_and_leading_group()
    _items_in_every_state_and_scope()
    _inside_first_then_outside()
    _masking_change_revocation_and_withholding()
    _applications_and_feedback()


def _organisations_and_leading_group():
    street = Organisation.objects.get(code="JLJD")
    assert street.parent().name == "中共浏阳市委员会"
    for sector in SectorType.values:
        assert Organisation.objects.filter(sector_type=sector, level=Level.BRANCH).count() >= 2, sector
    assert LeadingGroupMember.objects.get(position="leader").name == "阳主任"
    deputies = set(LeadingGroupMember.objects.filter(position="deputy").values_list("name", flat=True))
    assert deputies == {"高主任", "张主任"}
    office = LeadingGroupMember.objects.get(position="office_director")
    assert office.name == "胡主任" and "党风廉政办" in office.office.name
    assert Organisation.objects.get(code="JLJD-XK").memberships.filter(role="member").count() >= 10


def _items_in_every_state_and_scope():
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


def _inside_first_then_outside():
    now = timezone.now()
    inside = DisclosureItem.objects.get(title="关于确定张某某等2名同志为发展对象的公示")
    outside = DisclosureItem.objects.get(title="关于实施社区老旧楼道照明改造的决定")
    assert not inside.is_public_now(now) and outside.is_public_now(now)
    public = access.visible_items(None)
    assert public.filter(pk=outside.pk).exists() and not public.filter(pk=inside.pk).exists()


def _masking_change_revocation_and_withholding():
    allowance = DisclosureItem.objects.get(title__startswith="2026年11月城乡居民最低生活保障")
    assert "430181198503123425" in allowance.body
    assert "430181198503123425" not in allowance.published_body
    assert allowance.findings.filter(status=ConfidentialityFinding.Status.MASKED).exists()
    new = DisclosureItem.objects.get(version=2)
    assert new.state == State.PUBLISHED and new.supersedes.state == State.SUPERSEDED and new.supersedes.notice
    revoked = DisclosureItem.objects.get(state=State.REVOKED)
    assert revoked.notice and revoked.change_requests.get().status == ChangeRequest.Status.APPROVED
    assert set(Withholding.objects.values_list("status", flat=True)) == {"filed", "accepted"}


def _applications_and_feedback():
    assert Application.objects.count() == 3
    assert Application.objects.filter(status=ApplicationStatus.ANSWERED).count() == 1
    assert FeedbackCase.objects.count() == 2
    assert FeedbackCase.objects.filter(published_at__isnull=False).count() == 1


def _every_published_item_is_searchable():
    # The year's history is loaded in bulk after the workflow demo: search must find it too.
    from gongkai.search.index import INDEXED_STATES
    from gongkai.search.models import SearchDoc

    indexed = set(SearchDoc.objects.values_list("item_id", flat=True))
    published = set(DisclosureItem.objects.filter(state__in=INDEXED_STATES).values_list("pk", flat=True))
    assert published and published <= indexed
