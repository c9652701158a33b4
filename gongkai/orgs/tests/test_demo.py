from django.core.management import call_command

from gongkai.orgs.models import LeadingGroupMember, Level, Membership, Organisation, SectorType


def counts():
    return (Organisation.objects.count(), Membership.objects.count(), LeadingGroupMember.objects.count())


def test_demo_reproduces_the_plan_and_is_idempotent(db):
    call_command("load_demo")
    first = counts()
    call_command("load_demo")
    assert counts() == first
    street = Organisation.objects.get(code="JLJD")
    assert street.parent().name == "中共浏阳市委员会"
    for sector in SectorType.values:
        assert Organisation.objects.filter(sector_type=sector, level=Level.BRANCH).count() >= 2, sector
    leader = LeadingGroupMember.objects.get(position="leader")
    assert leader.name == "阳主任"
    deputies = set(LeadingGroupMember.objects.filter(position="deputy").values_list("name", flat=True))
    assert deputies == {"高主任", "张主任"}
    office = LeadingGroupMember.objects.get(position="office_director")
    assert office.name == "胡主任" and "党风廉政办" in office.office.name
    branch = Organisation.objects.get(code="JLJD-XK")
    assert branch.memberships.filter(role="member").count() >= 10
