"""R23 + issue 16: a commitment goes through review and approval like an item. The clerk drafts and
submits it, a reviewer reviews, the secretary approves and it is published on the board; a send-back
carries its reason to the author; each hand-off tells the next person and shows on their workbench."""

import importlib
import re

import pytest
from django.apps import apps
from django.core import mail

from gongkai.audit.models import AuditEntry
from gongkai.conftest import UserFactory, grant
from gongkai.notifications.models import Notification
from gongkai.orgs.models import Role
from gongkai.oversight import actions
from gongkai.oversight.models import Commitment, CommitmentKind, CommitmentState
from gongkai.oversight.tests.factories import commitment
from gongkai.portal.workbench import todos_for

pytestmark = pytest.mark.django_db

TEXT = "严格按照党务公开目录公开党务信息，对党员群众反映的问题认真办理、及时答复。"


@pytest.fixture
def team(tree, people):
    """The branch's own reviewer besides the people fixture's clerk and secretary, with email."""
    reviewer = grant(UserFactory(display_name="审核人乙"), tree.a, Role.REVIEWER)
    for u in (people.clerk_a, people.secretary_a, reviewer):
        u.email = f"{u.username}@example.org"
        u.save(update_fields=["email"])
    return type("Team", (), {"clerk": people.clerk_a, "reviewer": reviewer, "secretary": people.secretary_a})


def _text(response) -> str:
    return response.content.decode()


def _todo_kinds(user) -> dict[str, str]:
    return {t.kind: t.url for t in todos_for(user)}


def test_the_clerk_drafts_the_reviewer_reviews_the_secretary_approves_and_the_board_shows_it(
    client, tree, team, django_capture_on_commit_callbacks
):
    board = f"/orgs/{tree.a.code}/board/"
    client.force_login(team.clerk)
    page = client.post(
        "/oversight/commitments/", {"org": tree.a.code, "kind": "org", "text": TEXT}, follow=True
    )
    c = Commitment.objects.get()
    assert page.redirect_chain[-1][0] == f"/oversight/commitments/{c.pk}/"
    assert "承诺草稿已保存" in _text(page) and "提出（提交审核）" in _text(page)
    assert _todo_kinds(team.clerk)["我的草稿"] == f"/oversight/commitments/{c.pk}/"
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(f"/oversight/commitments/{c.pk}/submit/", follow=True)
    assert "已提出，等待审核" in _text(page)
    client.logout()
    assert TEXT not in _text(client.get(board)), "not on the board before approval"

    client.force_login(team.reviewer)
    assert f'href="/oversight/commitments/{c.pk}/"' in _text(client.get("/work/"))  # the to-do's link
    assert _todo_kinds(team.reviewer)["承诺待审核"] == f"/oversight/commitments/{c.pk}/"
    detail = _text(client.get(f"/oversight/commitments/{c.pk}/"))
    assert "审核通过" in detail
    assert 'href="/oversight/commitments/"' not in detail, "the list is the drafters' page: no dead link"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/oversight/commitments/{c.pk}/review/")

    client.force_login(team.secretary)
    assert _todo_kinds(team.secretary)["承诺待审批"] == f"/oversight/commitments/{c.pk}/"
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(f"/oversight/commitments/{c.pk}/approve/", follow=True)
    assert "承诺已在公开栏公开" in _text(page)
    c.refresh_from_db()
    assert (c.state, c.by, c.reviewer, c.approver) == (
        CommitmentState.PUBLISHED, team.clerk, team.reviewer, team.secretary,
    )  # fmt: skip
    assert not {"承诺待审批", "承诺待审核"} & set(_todo_kinds(team.secretary))
    client.logout()
    html = _text(client.get(board))
    assert "党组织公开承诺" in html and TEXT in html and "公开时间：" in html
    assert [e.action for e in AuditEntry.objects.filter(object_type="oversight.commitment").order_by("pk")] == [
        "commitment.draft", "commitment.submit", "commitment.review", "commitment.approve",
    ]  # fmt: skip


def test_each_hand_off_tells_the_next_person_in_app_and_by_email(
    tree, people, team, django_capture_on_commit_callbacks
):
    def told(user):
        return list(Notification.objects.filter(user=user).order_by("pk").values_list("title", "body", "url"))

    with django_capture_on_commit_callbacks(execute=True):
        c = actions.draft_commitment(tree.a, kind=CommitmentKind.SECRETARY, text=TEXT, by=team.clerk)
    assert Notification.objects.count() == 0, "a draft tells nobody"
    url = f"/oversight/commitments/{c.pk}/"
    with django_capture_on_commit_callbacks(execute=True):
        actions.submit_commitment(c, by=team.clerk)
    assert told(team.reviewer) == [("待审核：甲社区党支部书记公开承诺", "甲社区党支部", url)]
    assert told(people.reviewer_c) == [], "the branch's own reviewer, not every reviewer above"
    assert [m.to for m in mail.outbox] == [[team.reviewer.email]] and url in mail.outbox[0].body
    with django_capture_on_commit_callbacks(execute=True):
        actions.review_commitment(c, by=team.reviewer)
    assert told(team.secretary) == [("待审批：甲社区党支部书记公开承诺", "甲社区党支部", url)]
    with django_capture_on_commit_callbacks(execute=True):
        actions.approve_commitment(c, by=team.secretary)
    assert told(team.clerk) == [("已公开：甲社区党支部书记公开承诺", "甲社区党支部", url)]
    assert [m.to for m in mail.outbox] == [[team.reviewer.email], [team.secretary.email], [team.clerk.email]]


def test_a_send_back_carries_its_reason_to_the_author_who_revises_and_resubmits(
    client, tree, team, django_capture_on_commit_callbacks
):
    c = commitment(tree.a, text=TEXT, author=team.clerk, state=CommitmentState.SUBMITTED)
    client.force_login(team.reviewer)
    page = client.post(f"/oversight/commitments/{c.pk}/send-back/", {"reason": ""}, follow=True)
    assert "请填写退回理由" in _text(page)
    c.refresh_from_db()
    assert c.state == CommitmentState.SUBMITTED
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/oversight/commitments/{c.pk}/send-back/", {"reason": "请写明答复时限。"})
    c.refresh_from_db()
    assert c.state == CommitmentState.DRAFT
    note = Notification.objects.get(user=team.clerk)
    assert (
        note.title == "被退回修改：甲社区党支部党组织公开承诺" and note.body == "退回理由：请写明答复时限。"
    )
    assert "请写明答复时限" in mail.outbox[-1].body and mail.outbox[-1].to == [team.clerk.email]
    back = next(t for t in todos_for(team.clerk) if t.kind == "承诺退回待修改")
    assert back.decision and back.note == "退回理由：请写明答复时限。"

    client.force_login(team.clerk)
    html = _text(client.get(f"/oversight/commitments/{c.pk}/"))
    assert "已退回修改。退回理由：请写明答复时限。" in html and "修改草稿" in html
    form = _text(client.get(f"/oversight/commitments/?org={tree.a.code}&kind=org"))
    assert TEXT in form, "the form starts from the returned text"
    client.post(
        "/oversight/commitments/", {"org": tree.a.code, "kind": "org", "text": TEXT + "十个工作日内答复。"}
    )
    assert Commitment.objects.get().text.endswith("十个工作日内答复。"), "the same version, revised"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/oversight/commitments/{c.pk}/submit/")
    c.refresh_from_db()
    assert c.state == CommitmentState.SUBMITTED
    assert Notification.objects.filter(user=team.reviewer, title__startswith="待审核").exists()


def test_four_eyes_the_author_neither_reviews_nor_approves_and_the_refusal_is_audited(client, tree, people):
    both = grant(UserFactory(), tree.a, Role.CLERK, Role.REVIEWER)
    c = commitment(tree.a, author=both, state=CommitmentState.SUBMITTED)
    client.force_login(both)
    assert "审核通过" not in _text(client.get(f"/oversight/commitments/{c.pk}/"))
    assert "承诺待审核" not in {t.kind for t in todos_for(both)}
    page = client.post(f"/oversight/commitments/{c.pk}/review/", follow=True)
    assert "拟稿人不能审核自己起草的承诺" in _text(page)
    c.refresh_from_db()
    assert c.state == CommitmentState.SUBMITTED
    assert AuditEntry.objects.filter(action="commitment.review", result="denied", actor=both).exists()

    # The secretary wrote the text: another secretary approves (here, the committee's).
    mine = commitment(
        tree.a, CommitmentKind.SECRETARY, author=people.secretary_a, state=CommitmentState.REVIEWED
    )
    client.force_login(people.secretary_a)
    assert "审批通过并公开" not in _text(client.get(f"/oversight/commitments/{mine.pk}/"))
    page = client.post(f"/oversight/commitments/{mine.pk}/approve/", follow=True)
    assert "拟稿人不能审批自己起草的承诺" in _text(page)
    mine.refresh_from_db()
    assert mine.state == CommitmentState.REVIEWED
    assert AuditEntry.objects.filter(
        action="commitment.approve", result="denied", actor=people.secretary_a
    ).exists()
    upper = grant(UserFactory(), tree.committee, Role.SECRETARY)
    actions.approve_commitment(mine, by=upper)
    mine.refresh_from_db()
    assert mine.state == CommitmentState.PUBLISHED


def test_members_and_outsiders_never_see_an_unpublished_commitment(client, tree, people):
    old = commitment(tree.a, text="原承诺：按目录公开。")
    revision = commitment(tree.a, text="修改稿：按目录及时公开。", state=CommitmentState.REVIEWED)
    draft = commitment(tree.a, CommitmentKind.SECRETARY, text="书记承诺草稿。", state=CommitmentState.DRAFT)
    boards = (f"/orgs/{tree.a.code}/board/", f"/orgs/{tree.a.code}/board/print/")
    for user in (None, people.member_a, people.outsider, people.member_b):
        client.logout()
        if user:
            client.force_login(user)
        for url in boards:
            html = _text(client.get(url))
            assert "原承诺：按目录公开。" in html, "the published version stays while a revision is reviewed"
            assert "修改稿" not in html and "书记承诺草稿" not in html
        for c in (old, revision, draft):
            answer = client.get(f"/oversight/commitments/{c.pk}/")
            assert answer.status_code == 404 if user else answer.status_code == 302
            assert client.post(f"/oversight/commitments/{c.pk}/approve/").status_code in (302, 404)
        assert client.get("/oversight/commitments/").status_code in (302, 404)
    assert Commitment.objects.get(pk=revision.pk).state == CommitmentState.REVIEWED
    # A clerk of another branch reads none of this branch's versions either.
    client.force_login(grant(UserFactory(), tree.b, Role.CLERK))
    assert client.get(f"/oversight/commitments/{draft.pk}/").status_code == 404
    # Approved, the revision replaces the old version on the board; the old one is kept, superseded.
    actions.approve_commitment(revision, by=grant(UserFactory(), tree.a, Role.SECRETARY))
    client.logout()
    html = _text(client.get(boards[0]))
    assert "修改稿：按目录及时公开。" in html and "原承诺" not in html
    old.refresh_from_db()
    assert old.state == CommitmentState.SUPERSEDED


def test_the_form_keeps_what_was_typed_and_bad_input_never_fails(client, tree, people):
    client.force_login(people.clerk_a)
    typed = "承诺按时公开。联系电话13812345678"
    page = client.post("/oversight/commitments/", {"org": tree.a.code, "kind": "org", "text": typed})
    assert page.status_code == 200 and "含有个人信息" in _text(page) and typed in _text(page)
    for data in (
        {"org": tree.b.code, "kind": "org", "text": "承诺"},  # not theirs
        {"org": tree.a.code, "kind": "nonsense", "text": "承诺"},
        {"org": tree.a.code, "kind": "org", "text": "承诺\x00"},
        {"org": tree.a.code, "kind": "org", "text": ""},
        {"org": tree.a.code, "kind": "org", "text": "长" * 3001},
    ):
        page = client.post("/oversight/commitments/", data)
        assert page.status_code == 200 and 'class="errorlist' in _text(page)
    assert not Commitment.objects.exists()
    c = commitment(tree.a, state=CommitmentState.SUBMITTED)
    page = client.post("/oversight/commitments/", {"org": tree.a.code, "kind": "org", "text": "新的"})
    assert "退回后才能修改" in _text(page) and "新的" in _text(page)
    page = client.post(f"/oversight/commitments/{c.pk}/approve/", follow=True)  # a clerk, wrong step
    assert page.status_code == 200 and "只有本组织的书记可以审批" in _text(page)
    secretary = people.secretary_a
    client.force_login(secretary)
    page = client.post(f"/oversight/commitments/{c.pk}/approve/", follow=True)
    assert "当前状态为“已提出”，不能执行此操作" in _text(page)
    assert client.get("/oversight/commitments/99999999/").status_code == 404
    assert client.post(f"/oversight/commitments/{c.pk}/send-back/", {"reason": "x\x00"}).status_code == 302


def test_the_page_is_reachable_from_the_org_page_and_the_workbench(client, tree, people):
    client.force_login(people.clerk_a)
    assert f'href="/oversight/commitments/?org={tree.a.code}"' in _text(client.get(f"/orgs/{tree.a.code}/"))
    work = _text(client.get("/work/"))
    assert 'href="/oversight/commitments/"' in work
    assert client.get("/oversight/commitments/").status_code == 200
    c = commitment(tree.a, state=CommitmentState.DRAFT, author=people.clerk_a)
    html = _text(client.get("/oversight/commitments/"))
    assert f'href="/oversight/commitments/{c.pk}/"' in html and "承诺稿：草稿" in html


def test_the_rollout_counts_only_published_commitments(tree, people):
    from datetime import date

    from gongkai.orgs.models import Organisation
    from gongkai.oversight.rollout import annotate_orgs

    def counted():
        org = annotate_orgs(Organisation.objects.filter(pk=tree.a.pk), 2026, date(2026, 11, 1)).get()
        return org.org_commitment, org.secretary_commitment

    commitment(tree.a, state=CommitmentState.REVIEWED)
    commitment(tree.a, CommitmentKind.SECRETARY, state=CommitmentState.SUBMITTED)
    assert counted() == (False, False)
    actions.approve_commitment(
        Commitment.objects.get(org=tree.a, kind="org"), by=grant(UserFactory(), tree.a, Role.SECRETARY)
    )
    assert counted() == (True, False)


def test_existing_commitments_become_published_by_the_migration(tree, people):
    migration = importlib.import_module("gongkai.oversight.migrations.0005_commitment_review")
    Commitment.objects.bulk_create(
        [
            Commitment(org=tree.a, kind="org", text="旧承诺", by=people.clerk_a, state="draft",
                       published_at="2026-05-01T01:00:00Z"),
            Commitment(org=tree.b, kind="org", text="未公开的", by=people.clerk_a, state="draft"),
        ]
    )  # fmt: skip
    migration.existing_are_published(apps, None)
    states = dict(Commitment.objects.values_list("text", "state"))
    assert states == {"旧承诺": CommitmentState.PUBLISHED, "未公开的": CommitmentState.DRAFT}
    assert re.match(r"2026-05-01", str(Commitment.objects.get(text="旧承诺").created_at.date()))
