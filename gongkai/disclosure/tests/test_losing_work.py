"""Issue 16, losing work or trust: dates survive an edit, the old link of a changed item keeps working,
masked hits stay masked on the review page."""

import re
from datetime import date

import pytest

from gongkai.catalogue.models import Scope, current_version_for
from gongkai.disclosure import actions
from gongkai.disclosure.models import ChangeRequest, DisclosureItem, ItemEvent, State
from gongkai.disclosure.tests.factories import PNG, make_item, published_item, staff
from gongkai.orgs.models import Role

ID_NUMBER = "11010519491231002X"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _form_values(html: str) -> dict:
    """What a browser would send back from the edit form, unchanged."""
    form = html[html.index('action="/work/items/') :]
    form = form[: form.index("</form>")]
    values = {}
    for tag in re.findall(r"<input[^>]*>", form):
        name = re.search(r'name="([^"]+)"', tag)
        if not name:
            continue
        value = re.search(r'value="([^"]*)"', tag)
        values[name.group(1)] = value.group(1) if value else ""
    for name, body in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', form, re.S):
        values[name] = body.lstrip("\n")
    for name, options in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', form, re.S):
        chosen = re.search(r'<option value="([^"]*)"[^>]*selected', options)
        values[name] = chosen.group(1) if chosen else ""
    return values


def test_saving_the_edit_form_unchanged_changes_nothing(client, tree, people):
    item = make_item(
        tree.a, by_clerk=people.clerk_a, event_date=date(2026, 11, 30), doc_number="甲党支〔2026〕3号",
        period_label="2026年第三季度",
    )  # fmt: skip
    before = DisclosureItem.objects.values().get(pk=item.pk)
    client.force_login(people.clerk_a)
    page = client.get(f"/work/items/{item.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert 'value="2026-11-30"' in page
    client.post(f"/work/items/{item.pk}/edit/", _form_values(page))
    after = DisclosureItem.objects.values().get(pk=item.pk)
    assert after["event_date"] == date(2026, 11, 30)
    assert {k: v for k, v in after.items() if k != "updated_at"} == {
        k: v for k, v in before.items() if k != "updated_at"
    }


@pytest.fixture
def changed(tree, people):
    """A public item with an attachment, changed through the catalogue owner: (old, new, requester)."""
    old = published_item(
        tree.a,
        Scope.PUBLIC,
        min_internal_days=0,
        by_clerk=people.clerk_a,
        attachments=[("收支表.png", PNG, False)],
    )
    request = actions.request_change(
        old, by=people.clerk_a, kind=ChangeRequest.Kind.CHANGE, reason="实交人数有误，予以更正。",
        new_title="党费收缴情况（更正）", new_body="应交 12 人，实交 11 人。",
    )  # fmt: skip
    owner = staff(current_version_for(tree.a).catalogue.owner, Role.CATALOGUE_OWNER)
    new = actions.decide_change(request, by=owner, approve=True)
    return old, new, owner


def test_the_correcting_version_keeps_the_attachments_and_its_authors_name(changed, people):
    old, new, owner = changed
    assert [a.original_name for a in new.attachments.all()] == ["收支表.png"]
    assert new.attachments.get().stored_name != old.attachments.get().stored_name
    created = ItemEvent.objects.get(item=new, action="create")
    assert created.actor == people.clerk_a and new.author == people.clerk_a
    assert ItemEvent.objects.get(item=old, action="approve_change").actor == owner
    # Removing the carried-over file from the draft leaves the published version's file whole.
    actions.remove_attachment(new.attachments.get(), by=people.clerk_a)
    assert old.attachments.count() == 1


def test_the_old_link_shows_the_superseded_version_with_a_link_to_the_new(client, changed, tree, people):
    old, new, _owner = changed
    actions.submit_item(new, by=people.clerk_a)
    actions.review_item(new, by=staff(tree.a, Role.REVIEWER))
    actions.approve_item(new, by=staff(tree.a, Role.SECRETARY))
    actions.publish_item(new, by=people.clerk_a)
    page = client.get(f"/items/{old.pk}/")  # anonymous, as a printed QR code is followed
    assert page.status_code == 200
    text = page.content.decode()
    assert "已更正，见新版本" in text and "实交人数有误" in text
    assert f'href="/items/{new.pk}/"' in text
    assert client.get(f"/items/{new.pk}/").status_code == 200


def test_the_old_link_keeps_its_audience(client, tree, people):
    old = published_item(tree.a, Scope.ORG_MEMBERS, by_clerk=people.clerk_a)
    request = actions.request_change(
        old, by=people.clerk_a, kind=ChangeRequest.Kind.REVOKE, reason="误发，予以撤销。"
    )
    actions.decide_change(
        request, by=staff(current_version_for(tree.a).catalogue.owner, Role.CATALOGUE_OWNER), approve=True
    )
    assert client.get(f"/items/{old.pk}/").status_code == 404
    client.force_login(people.member_b)
    assert client.get(f"/items/{old.pk}/").status_code == 404
    client.force_login(people.member_a)
    page = client.get(f"/items/{old.pk}/")
    assert page.status_code == 200 and "误发，予以撤销。" in page.content.decode()
    assert old.body not in page.content.decode(), "a revoked item's content is withdrawn"


def test_a_masked_hit_shows_masked_context_to_staff_and_auditor(client, tree, people):
    item = make_item(
        tree.a, state=State.SUBMITTED, by_clerk=people.clerk_a, body=f"联系人身份证号 {ID_NUMBER} 。"
    )
    finding = item.findings.get()
    reviewer = staff(tree.a, Role.REVIEWER)
    client.force_login(reviewer)
    assert ID_NUMBER in client.get(f"/work/items/{item.pk}/").content.decode(), "open: shown to decide"
    actions.resolve_finding(finding, by=reviewer, mask=True)
    for viewer in (reviewer, people.clerk_a, people.auditor_c):
        client.force_login(viewer)
        page = client.get(f"/work/items/{item.pk}/").content.decode()
        assert ID_NUMBER not in page and "110105********002X" in page, viewer
