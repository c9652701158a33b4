"""R22: the secret ballot, voting once, results only after the close, the five-vote threshold."""

import json

import pytest
from django.db import models

from gongkai.audit.models import AuditEntry
from gongkai.conftest import UserFactory, at, bearer, grant, moment
from gongkai.orgs.models import Role
from gongkai.oversight import actions
from gongkai.oversight.models import Ballot, Choice, EvaluationCampaign, Participation

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(tree, people):
    with at(2026, 6, 20):
        return actions.create_campaign(
            tree.committee,
            by=people.inspector_c,
            title="2026年上半年党务公开民主评议",
            opens_at=moment(2026, 7, 1),
            closes_at=moment(2026, 7, 15, 18),
            orgs=[tree.a, tree.b],
        )


def members(org, n):
    return [grant(UserFactory(), org, Role.MEMBER) for _ in range(n)]


def cast(campaign, org, voters, choices, comments=None):
    with at(2026, 7, 5):
        for i, (user, choice) in enumerate(zip(voters, choices, strict=True)):
            actions.vote(campaign, org, user=user, choice=choice, comment=(comments or {}).get(i, ""))


def test_ballot_model_cannot_name_its_voter_or_its_moment():
    fields = {f.name: f for f in Ballot._meta.get_fields() if f.concrete}
    assert set(fields) == {"id", "campaign", "org", "choice", "comment"}
    assert isinstance(fields["id"], models.UUIDField) and fields["id"].primary_key
    assert not any(isinstance(f, models.DateField | models.AutoField) for f in fields.values())
    assert not any(
        getattr(f, "related_model", None) and f.related_model._meta.label == "accounts.User"
        for f in fields.values()
    )
    assert Ballot._meta.ordering == []
    # The participation says who voted, and nothing about how or when.
    part = {f.name for f in Participation._meta.get_fields() if f.concrete}
    assert part == {"id", "campaign", "org", "user"}


def test_ballot_order_does_not_follow_the_order_of_voting(campaign, tree):
    voters = members(tree.a, 20)
    # Each voter's choice is a function of their position, so an ordering leak would show.
    choices = [Choice.SATISFIED if i % 2 else Choice.UNSATISFIED for i in range(20)]
    cast(campaign, tree.a, voters, choices)
    by_pk = list(Ballot.objects.filter(campaign=campaign).order_by("pk").values_list("choice", flat=True))
    assert by_pk != choices  # 1 in 184756 to match by chance
    assert (
        Participation.objects.filter(campaign=campaign).count()
        == Ballot.objects.filter(campaign=campaign).count()
        == 20
    )


def _kendall_tau(order: list[int]) -> float:
    n = len(order)
    pairs = [(i, j) for i in range(n) for j in range(i + 1, n)]
    concordant = sum(1 if order[i] < order[j] else -1 for i, j in pairs)
    return concordant / len(pairs)


def test_no_column_or_order_of_the_ballot_table_follows_the_participations(campaign, tree):
    """Issue 13.4: with the database in hand, pair ballots to voters by any order the table keeps."""
    from django.db import connection

    voters = members(tree.a, 30)
    cast(campaign, tree.a, voters, [Choice.SATISFIED] * 30, comments={i: f"voter-{i}" for i in range(30)})
    voting_order = {
        f"voter-{i}": rank
        for rank, i in enumerate(
            voters.index(p.user) for p in Participation.objects.filter(campaign=campaign).order_by("pk")
        )
    }
    physical = "rowid" if connection.vendor == "sqlite" else "ctid"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT comment FROM oversight_ballot ORDER BY {physical}")
        table_order = [voting_order[c] for (c,) in cursor.fetchall()]
    key_order = [voting_order[c] for c in Ballot.objects.order_by("pk").values_list("comment", flat=True)]
    assert sorted(table_order) == list(range(30))
    # Random orders of 30 give |tau| < 0.6 but for odds of about one in a million; voting order gives 1.
    assert abs(_kendall_tau(table_order)) < 0.6, table_order
    assert abs(_kendall_tau(key_order)) < 0.6, key_order
    entries = AuditEntry.objects.filter(action="evaluation.vote")
    assert entries.count() == 30 and set(entries.values_list("object_type", flat=True)) == {
        "oversight.evaluationcampaign"
    }


def test_voting_twice_is_refused_and_changes_nothing(client, campaign, tree):
    (voter,) = members(tree.a, 1)
    cast(campaign, tree.a, [voter], [Choice.SATISFIED])
    with at(2026, 7, 6):
        with pytest.raises(actions.ActionError, match="已参加过本次评议"):
            actions.vote(campaign, tree.a, user=voter, choice=Choice.UNSATISFIED)
        client.force_login(voter)
        page = client.post(
            f"/oversight/evaluation/{campaign.pk}/",
            {"org": tree.a.code, "choice": "unsatisfied"},
            follow=True,
        )
        assert "已参加过本次评议" in page.content.decode()
    assert Ballot.objects.count() == 1 and Ballot.objects.get().choice == Choice.SATISFIED
    assert Participation.objects.count() == 1


def test_vote_through_the_page_and_its_audit_entry_holds_no_choice(client, campaign, tree):
    (voter,) = members(tree.a, 1)
    client.force_login(voter)
    with at(2026, 7, 5):
        page = client.get(f"/oversight/evaluation/{campaign.pk}/")
        assert "提交评议" in page.content.decode()
        done = client.post(
            f"/oversight/evaluation/{campaign.pk}/",
            {"org": tree.a.code, "choice": "basic", "comment": "公开栏很好"},
            follow=True,
        )
    assert "匿名记录" in done.content.decode()
    ballot = Ballot.objects.get()
    entry = AuditEntry.objects.get(action="evaluation.vote")
    text = json.dumps(entry.data, ensure_ascii=False) + entry.object_id + entry.object_type
    assert str(ballot.pk) not in text and "basic" not in text and "公开栏很好" not in text
    assert entry.object_type == "oversight.evaluationcampaign" and entry.object_id == str(campaign.pk)
    participation = Participation.objects.get()
    assert entry.object_id != str(participation.pk) or entry.object_type != "oversight.participation"


def test_non_members_and_closed_campaigns_cannot_vote(campaign, tree, people):
    with at(2026, 7, 5):
        with pytest.raises(actions.ActionError, match="不是该参评党组织的党员"):
            actions.vote(campaign, tree.a, user=people.member_b, choice=Choice.SATISFIED)
    with at(2026, 7, 16):
        with pytest.raises(actions.ActionError, match="不在进行中"):
            actions.vote(campaign, tree.a, user=people.member_a, choice=Choice.SATISFIED)
    assert not Ballot.objects.exists() and not Participation.objects.exists()


def test_results_hidden_before_the_close_and_public_after(client, campaign, tree):
    voters = members(tree.a, 6)
    cast(campaign, tree.a, voters, [Choice.SATISFIED] * 4 + [Choice.BASIC, Choice.UNSATISFIED])
    cast(campaign, tree.b, members(tree.b, 3), [Choice.SATISFIED] * 3)
    url, api = f"/oversight/evaluation/{campaign.pk}/", f"/api/v1/oversight/evaluations/{campaign.pk}"
    with at(2026, 7, 10):
        assert client.get(url).status_code == 404
        assert client.get(api).status_code == 404
        assert "民主评议结果" not in client.get(f"/orgs/{tree.a.code}/").content.decode()
    with at(2026, 7, 16):
        page = client.get(url).content.decode()
        assert "83.3%" in page  # (4 + 1) / 6
        assert "参评人数不足" in page  # tree.b: three votes, only the count
        data = client.get(api).json()
        a, b = data["orgs"]
        assert (a["voters"], a["satisfied"], a["basic"], a["unsatisfied"]) == (6, 4, 1, 1)
        assert b == {"org_code": tree.b.code, "org_name": tree.b.name, "voters": 3, "shown": False} | {
            k: None for k in ("satisfied", "basic", "unsatisfied", "rate", "comments", "withheld_comments")
        }
        org_page = client.get(f"/orgs/{tree.a.code}/").content.decode()
        assert "民主评议结果" in org_page and "83.3%" in org_page


def test_comments_with_personal_data_are_withheld(client, campaign, tree):
    voters = members(tree.a, 5)
    cast(
        campaign,
        tree.a,
        voters,
        [Choice.SATISFIED] * 5,
        comments={0: "希望多公开财务情况", 1: "有事请打我电话13812345678"},
    )
    with at(2026, 7, 16):
        page = client.get(f"/oversight/evaluation/{campaign.pk}/").content.decode()
    assert "希望多公开财务情况" in page
    assert "13812345678" not in page and "另有 1 条意见" in page


def test_no_page_or_api_puts_voters_next_to_ballots(client, campaign, tree, people):
    voters = members(tree.a, 5)
    for v in voters:
        v.display_name = f"投票人{v.pk}"
        v.save()
    cast(
        campaign,
        tree.a,
        voters,
        [Choice.SATISFIED, Choice.BASIC, Choice.UNSATISFIED, Choice.SATISFIED, Choice.BASIC],
    )
    client.force_login(people.inspector_c)
    with at(2026, 7, 10):
        during = client.get(f"/oversight/evaluation/{campaign.pk}/").content.decode()
        assert "已参评人数" in during  # turnout only
    with at(2026, 7, 16):
        bodies = [
            client.get(f"/oversight/evaluation/{campaign.pk}/").content.decode(),
            client.get("/oversight/evaluation/").content.decode(),
            client.get(
                f"/api/v1/oversight/evaluations/{campaign.pk}", **bearer(people.inspector_c)
            ).content.decode(),
        ]
    for body in bodies:
        for v in voters:
            assert v.display_name not in body and v.username not in body
        for ballot_id in Ballot.objects.values_list("pk", flat=True):
            assert str(ballot_id) not in body


def test_campaign_needs_the_office_and_sane_dates(tree, people):
    with pytest.raises(actions.ActionError):
        actions.create_campaign(
            tree.committee,
            by=people.clerk_a,
            title="x",
            opens_at=moment(2026, 7, 1),
            closes_at=moment(2026, 7, 2),
            orgs=[tree.a],
        )
    with pytest.raises(actions.ActionError, match="结束时间"):
        actions.create_campaign(
            tree.committee,
            by=people.inspector_c,
            title="x",
            opens_at=moment(2026, 7, 2),
            closes_at=moment(2026, 7, 1),
            orgs=[tree.a],
        )
    assert not EvaluationCampaign.objects.exists()


def test_office_starts_a_campaign_on_the_page_and_members_see_it(client, tree, people):
    client.force_login(people.inspector_c)
    with at(2026, 11, 29):
        page = client.post(
            "/oversight/evaluation/",
            {
                "title": "年终评议",
                "opens_at": "2026-12-01T09:00",
                "closes_at": "2026-12-10T18:00",
                "orgs": [tree.a.code],
            },
            follow=True,
        )
        assert "评议活动已发起" in page.content.decode()
        campaign = EvaluationCampaign.objects.get(title="年终评议")
        assert list(campaign.orgs.all()) == [tree.a]
        client.force_login(people.member_a)
        assert "年终评议" in client.get("/oversight/evaluation/").content.decode()
        assert "评议尚未开始" in client.get(f"/oversight/evaluation/{campaign.pk}/").content.decode()
        client.logout()
        assert "年终评议" not in client.get("/oversight/evaluation/").content.decode()
        assert client.get(f"/oversight/evaluation/{campaign.pk}/").status_code == 404


def test_organisations_are_chosen_all_of_a_type_or_all_below(client, tree, people):
    from gongkai.conftest import make_org
    from gongkai.orgs.models import SectorType

    school = make_org(tree.committee, sector_type=SectorType.SCHOOL, name="集里中学党支部", code="TS")
    client.force_login(people.inspector_c)
    form = client.get("/oversight/evaluation/").content.decode()
    assert "按类型全选" in form and "按上级全选" in form
    with at(2026, 11, 29):
        client.post(
            "/oversight/evaluation/",
            {"title": "按类型", "opens_at": "2026-12-01T09:00", "closes_at": "2026-12-10T18:00",
             "sector_types": [SectorType.SCHOOL]},
        )  # fmt: skip
        client.post(
            "/oversight/evaluation/",
            {"title": "按上级", "opens_at": "2026-12-01T09:00", "closes_at": "2026-12-10T18:00",
             "below": [tree.a.code]},
        )  # fmt: skip
    by_type = EvaluationCampaign.objects.get(title="按类型")
    assert list(by_type.orgs.all()) == [school]
    below = EvaluationCampaign.objects.get(title="按上级")
    assert set(below.orgs.all()) == {tree.a, tree.a1}


def test_results_export_shows_what_the_page_shows(client, campaign, tree):
    import csv
    import io

    cast(campaign, tree.a, members(tree.a, 6), [Choice.SATISFIED] * 4 + [Choice.BASIC, Choice.UNSATISFIED])
    cast(campaign, tree.b, members(tree.b, 3), [Choice.SATISFIED] * 3)
    url = f"/oversight/evaluation/{campaign.pk}/?format=csv"
    with at(2026, 7, 10):
        assert client.get(url).status_code == 404
    with at(2026, 7, 16):
        rows = list(csv.reader(io.StringIO(client.get(url).content.decode("utf-8-sig"))))
    assert rows[1] == [tree.a.name, "6", "4", "1", "1", "83.3%"]
    assert rows[2] == [tree.b.name, "3", "", "", "", "—"]  # under five voters: the count only
