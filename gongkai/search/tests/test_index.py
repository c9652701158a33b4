"""The index follows every publication, change, expiry, revocation and termination in the same
transaction; `gongkai reindex` rebuilds it."""

from datetime import timedelta

import time_machine
from django.core.management import call_command
from django.utils import timezone

from gongkai.catalogue.models import Duration, Scope
from gongkai.disclosure import actions
from gongkai.disclosure.models import ChangeRequest, State
from gongkai.disclosure.tests.factories import catalogue_item_for, make_item, staff
from gongkai.orgs.models import Role
from gongkai.search import engine, index
from gongkai.search.models import SearchDoc


def ids(user, q, **kw):
    return [h.item_id for h in engine.search(user, q, **kw).hits]


def test_drafts_and_items_in_workflow_are_not_indexed(tree, people):
    for state in (State.DRAFT, State.SUBMITTED, State.REVIEWED, State.APPROVED):
        make_item(tree.a, title=f"换届选举筹备{state}", state=state)
    assert not SearchDoc.objects.exists()
    assert ids(people.secretary_a, "换届选举") == []


def test_publication_indexes_the_item_in_its_transaction(tree, publish):
    item = publish("关于换届选举工作的通知", "各党支部：定于下月召开党员大会。")
    doc = SearchDoc.objects.get(item=item)
    assert doc.state == State.PUBLISHED and doc.scope == Scope.PUBLIC and doc.org_path == tree.a.path
    assert doc.tags == f"gkpublic gko{tree.a.pk}"
    assert ids(None, "换届选举") == [item.pk]
    assert ids(None, "党员大会") == [item.pk]


def test_change_supersedes_the_old_version_in_the_index(tree, people, publish):
    old = publish("党费收缴情况（第一季度）", "应交 12 人，实交 11 人。")
    clerk = staff(tree.a, Role.CLERK)
    request = actions.request_change(
        old,
        by=clerk,
        kind=ChangeRequest.Kind.CHANGE,
        reason="数字有误",
        new_title="党费收缴情况（第一季度更正）",
        new_body="应交 12 人，实交 12 人。",
    )
    owner = staff(tree.committee, Role.CATALOGUE_OWNER)
    new = actions.decide_change(request, by=owner, approve=True)
    assert ids(None, "党费收缴") == [old.pk]  # the new version is a draft: not yet searchable
    actions.submit_item(new, by=clerk)
    actions.review_item(new, by=staff(tree.a, Role.REVIEWER))
    actions.approve_item(new, by=staff(tree.a, Role.SECRETARY))
    actions.publish_item(new, by=clerk)
    assert SearchDoc.objects.get(item=old).state == State.SUPERSEDED
    assert ids(None, "党费收缴") == [new.pk]
    assert ids(None, "更正") == [new.pk]
    # Staff of the organisation still find the old version (their archive view), marked as changed.
    assert set(ids(people.secretary_a, "党费收缴")) == {old.pk, new.pk}


def test_revocation_and_termination_leave_public_results(tree, people):
    revoked = make_item(tree.a, title="撤销的评议结果", state=State.REVOKED, min_internal_days=0)
    terminated = make_item(tree.a, title="终止的评议结果", state=State.TERMINATED, min_internal_days=0)
    assert SearchDoc.objects.get(item=revoked).state == State.REVOKED
    assert SearchDoc.objects.get(item=revoked).tags == f"gko{tree.a.pk}"  # no longer a public candidate
    assert SearchDoc.objects.get(item=terminated).state == State.TERMINATED
    assert ids(None, "评议结果") == []
    assert ids(people.member_a, "评议结果") == []
    assert set(ids(people.secretary_a, "评议结果")) == {revoked.pk, terminated.pk}


def test_expired_short_term_item_leaves_results_and_settling_updates_the_index(tree):
    rule = catalogue_item_for(
        tree.a, min_internal_days=0, duration=Duration.SHORT, period_days=7, title="发展党员"
    )
    item = make_item(
        tree.a, title="拟发展对象公示", body="公示期七天。", catalogue_item=rule, state=State.PUBLISHED
    )
    assert ids(None, "发展对象") == [item.pk]
    assert SearchDoc.objects.get(item=item).tags == f"gkpublic gko{tree.a.pk}"
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        assert ids(None, "发展对象") == []  # visibility is computed on read, before any job runs
        actions.settle_visibility()
        assert SearchDoc.objects.filter(item=item).exists()  # ended items stay for staff
        # No longer a candidate for the public (issue 17: common words whose matches have all expired).
        assert SearchDoc.objects.get(item=item).tags == f"gko{tree.a.pk}"
        assert ids(None, "发展对象") == []
        assert ids(staff(tree.a, Role.CLERK), "发展对象") == [item.pk]


def test_the_index_holds_the_masked_text_readers_get(tree, people):
    item = make_item(
        tree.a,
        title="困难党员慰问名单",
        body="联系电话 13912345678，已慰问。",
        state=State.SUBMITTED,
        min_internal_days=0,
    )
    reviewer = staff(tree.a, Role.REVIEWER)
    actions.review_item(item, by=reviewer)
    for finding in item.findings.all():
        actions.resolve_finding(finding, by=reviewer, mask=True)
    actions.approve_item(item, by=staff(tree.a, Role.SECRETARY))
    actions.publish_item(item, by=staff(tree.a, Role.CLERK))
    assert "13912345678" not in SearchDoc.objects.get(item=item).body_tokens
    assert ids(people.secretary_a, "13912345678") == []
    assert ids(None, "慰问") == [item.pk]


def test_reindex_rebuilds_from_items(tree, people, publish, capsys):
    a = publish("党务公开目录", "本目录自公布之日起施行。")
    b = publish("领导班子分工", "书记主持全面工作。", scope=Scope.ALL_MEMBERS)
    SearchDoc.objects.all().delete()
    assert ids(None, "党务公开") == []
    call_command("reindex", batch=1, jobs=1)
    assert "已重建索引：2 条" in capsys.readouterr().out
    assert ids(None, "党务公开") == [a.pk]
    # A row out of step with its item is rewritten from the item.
    SearchDoc.objects.filter(item=b).update(state=State.DRAFT, title_tokens="", body_tokens="")
    call_command("reindex", batch=1000, jobs=1)
    assert SearchDoc.objects.count() == 2
    assert SearchDoc.objects.get(item=b).state == State.PUBLISHED
    assert ids(None, "书记") == [] and ids(people.member_a, "书记") == [b.pk]
    # The rebuild leaves the index following publications again.
    c = publish("换届选举公告", "选举产生新一届委员会。")
    assert ids(None, "换届选举") == [c.pk]


def test_reindex_in_worker_processes_gives_the_same_index(transactional_db, tree, people, publish):
    made = [publish(f"第{n}次党员大会决议", "会议通过了换届选举办法。") for n in range(5)]
    before = list(SearchDoc.objects.order_by("pk").values_list("pk", "title_tokens", "body_tokens"))
    SearchDoc.objects.all().delete()
    assert index.rebuild(batch=2, jobs=2) == 5
    assert list(SearchDoc.objects.order_by("pk").values_list("pk", "title_tokens", "body_tokens")) == before
    assert sorted(ids(None, "换届选举")) == sorted(i.pk for i in made)
