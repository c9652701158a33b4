import hashlib
import json

import pytest
from django.core.files.storage import default_storage

from gongkai.archive.models import Snapshot, SnapshotFile
from gongkai.audit.models import AuditEntry
from gongkai.conftest import UserFactory, grant
from gongkai.disclosure.actions import decide_change, request_change
from gongkai.orgs.models import Role

from .factories import PNG, catalogue_item, published_item


@pytest.fixture
def rule(tree):
    return catalogue_item(tree.committee, category=3)


def test_publication_is_archived_with_code_digests_and_retention(people, tree, rule):
    item = published_item(tree.a, people.clerk_a, rule, with_attachment=True)

    snap = Snapshot.objects.get(item=item)
    year = snap.archived_at.astimezone().year
    assert snap.code == f"TA-{year}-03-0001"
    assert snap.event == "publish" and snap.retention == "permanent"
    content, attachment = snap.files.order_by("pk")
    body = default_storage.open(content.path).read()
    assert content.sha256 == hashlib.sha256(body).hexdigest()
    doc = json.loads(body)
    assert doc["content"]["title"] == "党员发展情况公示" and doc["files"][0]["name"] == "公示照片.png"
    assert attachment.sha256 == hashlib.sha256(PNG).hexdigest()
    assert default_storage.open(attachment.path).read() == PNG
    assert AuditEntry.objects.filter(action="archive.snapshot", object_id=str(snap.pk)).exists()


def test_codes_are_gap_free_per_org_year_and_category(people, tree, rule):
    other_rule = catalogue_item(tree.committee, category=5)
    codes = [published_item(tree.a, people.clerk_a, rule).snapshots.get().code for _ in range(3)]
    other = published_item(tree.a, people.clerk_a, other_rule).snapshots.get().code
    assert [c[-4:] for c in codes] == ["0001", "0002", "0003"]
    assert other.endswith("-05-0001")


def test_revocation_is_archived_and_the_first_version_stays(people, tree, rule):
    owner = grant(UserFactory(), tree.committee, Role.CATALOGUE_OWNER)
    item = published_item(tree.a, people.clerk_a, rule)
    change = request_change(item, by=people.clerk_a, kind="revoke", reason="内容有误")
    decide_change(change, by=owner, approve=True)

    events = list(Snapshot.objects.filter(item=item).order_by("sequence").values_list("event", flat=True))
    assert events == ["publish", "revoke"]


def test_snapshots_cannot_be_changed_or_deleted(people, tree, rule):
    snap = published_item(tree.a, people.clerk_a, rule).snapshots.get()
    with pytest.raises(PermissionError):
        snap.save()
    with pytest.raises(PermissionError):
        snap.files.first().delete()
    assert SnapshotFile.objects.count() == 1
