from gongkai.audit.log import record
from gongkai.conftest import UserFactory, grant
from gongkai.orgs.models import Role


def _seed(tree):
    record(action="item.publish", obj=tree.a, data={"n": 1})
    record(action="item.publish", obj=tree.a1)
    record(action="item.approve", obj=tree.b)
    record(action="auth.login")  # tied to no organisation


def _sequences(response):
    return [e.sequence for e in response.context["page"]]


def test_outsiders_members_and_clerks_get_404(people, client):
    for user in (people.outsider, people.member_a, people.clerk_a):
        client.force_login(user)
        assert client.get("/audit/").status_code == 404
    client.logout()
    assert client.get("/audit/").status_code == 404


def test_committee_auditor_sees_everything_and_filters(people, tree, client):
    _seed(tree)
    client.force_login(people.auditor_c)
    page = client.get("/audit/")
    assert page.status_code == 200 and "item.approve" in page.content.decode()
    assert len(_sequences(page)) == 5  # the four, and the auditor's own login
    assert len(_sequences(client.get("/audit/", {"org": "TA"}))) == 2
    assert len(_sequences(client.get("/audit/", {"action": "item."}))) == 3
    assert len(_sequences(client.get("/audit/", {"action": "auth.login"}))) == 2
    mine = client.get("/audit/", {"actor": people.auditor_c.username})
    assert len(_sequences(mine)) == 1


def test_branch_auditor_sees_only_their_subtree(tree, client):
    _seed(tree)
    auditor = grant(UserFactory(), tree.a, Role.AUDITOR)
    client.force_login(auditor)
    page = client.get("/audit/")
    # The two of their subtree and their own login (logins belong to the user's organisations).
    assert len(_sequences(page)) == 3
    assert "item.approve" not in page.content.decode()
    assert [e.actor_id for e in page.context["page"] if e.action == "auth.login"] == [auditor.pk]
    # Naming another organisation in the filter shows nothing of it.
    assert _sequences(client.get("/audit/", {"org": "TB"})) == []


def test_bad_dates_get_a_chinese_message_and_no_rows(people, tree, client):
    _seed(tree)
    client.force_login(people.inspector_c)
    page = client.get("/audit/", {"date_from": "2026-05-02", "date_to": "2026-05-01"})
    assert "起始日期不能晚于截止日期" in page.content.decode() and _sequences(page) == []
    page = client.get("/audit/", {"date_from": "not-a-date"})
    assert page.status_code == 200 and _sequences(page) == []


def test_log_page_queries_do_not_grow_with_entries(people, tree, client, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(people.auditor_c)
    _seed(tree)
    with CaptureQueriesContext(connection) as few:
        client.get("/audit/")
    for _ in range(60):
        _seed(tree)
    with django_assert_max_num_queries(len(few)):
        page = client.get("/audit/", {"page": 2})
    # 11 on a cold cache: the moved branches' old paths (orgs.models.path_changes) are read once.
    assert len(_sequences(page)) == 50 and len(few) <= 11


def test_heads_page_is_public(client, db):
    assert client.get("/audit/heads/").status_code == 200
    assert client.get("/api/v1/audit/heads").json() == []
