"""先党内后党外: an item for the public is read by members at once and by the public only after
its internal period; a visitor of the branch's board sees nothing of it until then."""

import datetime

import time_machine
from django.utils import timezone

from gongkai.accounts.models import User
from gongkai.catalogue.models import CatalogueItem, Scope
from gongkai.disclosure import actions
from gongkai.orgs.models import Organisation

TITLE = "神仙坳社区2026年度党费收缴使用情况公示"


def _publish_public_item():
    """The publishing journey is walked in test_publish; here the item is made through the same actions."""
    org = Organisation.objects.get(name="神仙坳社区党支部")
    clerk, reviewer, secretary = (User.objects.get(username=u) for u in ("lianluoyuan", "shenhe", "shuji"))
    entry = (
        CatalogueItem.objects.for_org(org).filter(target_scope=Scope.PUBLIC, min_internal_days__gt=0).first()
    )
    item = actions.create_item(
        org, by=clerk, catalogue_item=entry, title=TITLE, body="党费收缴使用情况良好。"
    )
    actions.submit_item(item, by=clerk)
    actions.review_item(item, by=reviewer)
    actions.approve_item(item, by=secretary)
    actions.publish_item(item, by=clerk)
    item.refresh_from_db()
    return item


def test_members_first_then_the_public(people):
    item = _publish_public_item()
    assert item.public_from > timezone.now()

    member = people("member", width=390).login("dangyuan")
    member.go(f"/items/{item.pk}/")
    assert TITLE in member.text()
    assert "党内先行公开" in member.text(), "the member is told when it goes to the public"
    member.look("member-reads")

    visitor = people("visitor", width=390)
    board = visitor.go("/orgs/" + item.org.code + "/board/")
    assert TITLE not in visitor.text()
    response = visitor.page.goto(visitor.base + f"/items/{item.pk}/")
    assert response.status == 404
    visitor.look("not-yet")

    # The day after the internal period ends, the public reads it on the board.
    with time_machine.travel(item.public_from + datetime.timedelta(hours=1)):
        board = visitor.go("/orgs/" + item.org.code + "/board/")
        board.click(f"text={TITLE}")
        board.wait_for_load_state()
        assert "党费收缴使用情况良好" in visitor.text()
        visitor.look("public-reads")
