import pytest

from gongkai.archive.tests.factories import approved_item, catalogue_item
from gongkai.audit.log import collect_denials
from gongkai.audit.models import AuditEntry
from gongkai.conftest import PASSWORD
from gongkai.disclosure.actions import publish_item
from gongkai.lib.errors import NotAllowed


def test_login_logout_and_failed_login_are_recorded_without_secrets(people, client):
    user = people.clerk_a
    client.post("/accounts/login/", {"username": user.username, "password": "wrong-" + PASSWORD})
    client.post("/accounts/login/", {"username": "Test-Passw0rd!", "password": "x"})
    client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    client.post("/accounts/logout/")

    rows = list(AuditEntry.objects.filter(action__startswith="auth.").order_by("sequence"))
    assert [r.action for r in rows] == ["auth.login_failed", "auth.login_failed", "auth.login", "auth.logout"]
    assert rows[0].object_id == str(user.pk) and rows[0].result == "failed" and rows[0].address == "127.0.0.1"
    assert rows[1].object_id == "" and rows[1].data == {"known_account": False}
    assert rows[2].actor_id == user.pk
    text = " ".join(str(r.data) + r.actor_name + r.object_id for r in rows)
    assert PASSWORD not in text and "Test-Passw0rd" not in text


def test_lockout_is_recorded(people, client, settings):
    settings.AXES_FAILURE_LIMIT = 2
    for _ in range(3):
        client.post("/accounts/login/", {"username": people.member_a.username, "password": "nope"})
    assert AuditEntry.objects.filter(action="auth.locked_out", result="denied").exists()


def test_denial_survives_the_refused_actions_rollback(people, tree):
    rule = catalogue_item(tree.committee)
    item = approved_item(tree.a, people.clerk_a, rule)
    with collect_denials():
        with pytest.raises(NotAllowed):
            publish_item(item, by=people.member_b)
    denial = AuditEntry.objects.get(result="denied")
    assert denial.action == "item.publish" and denial.actor_id == people.member_b.pk
    assert denial.org_path == tree.a.path and denial.object_id == str(item.pk)
    assert not AuditEntry.objects.filter(action="item.publish").exclude(result="denied").exists()


def test_denial_in_a_request_is_written_after_the_response(people, tree, rf):
    from django.http import HttpResponse

    from gongkai.audit.log import AuditContextMiddleware

    item = approved_item(tree.a, people.clerk_a, catalogue_item(tree.committee))

    def view(request):
        try:
            publish_item(item, by=people.outsider)
        except NotAllowed:
            return HttpResponse(status=404)

    response = AuditContextMiddleware(view)(rf.get("/x", REMOTE_ADDR="10.1.2.3"))
    assert response.status_code == 404
    denial = AuditEntry.objects.get(result="denied")
    assert denial.action == "item.publish" and denial.address == "10.1.2.3"


def test_hourly_task_publishes_heads(db):
    import time_machine

    from gongkai.audit.log import record
    from gongkai.audit.models import DailyHead
    from gongkai.audit.tasks import daily_chain_heads

    with time_machine.travel("2026-04-01 12:00 +0800", tick=False):
        record(action="test.event")
    with time_machine.travel("2026-04-02 00:10 +0800", tick=False):
        daily_chain_heads.call_local()
    assert DailyHead.objects.get().sequence == 1
