import pytest
from django.core.management import call_command

from gongkai.accounts.models import ApiToken
from gongkai.conftest import PASSWORD, UserFactory

WRONG = "用户名或密码不正确"


def login(client, username, password):
    return client.post(
        "/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR="10.0.0.9"
    )


def test_correct_password_logs_in_and_rotates_the_session(client, db):
    user = UserFactory()
    client.get("/accounts/login/")
    before = client.cookies.get("sessionid")
    response = login(client, user.username, PASSWORD)
    assert response.status_code == 302
    assert client.cookies["sessionid"].value != (before.value if before else None)
    assert user.display_name in client.get("/").content.decode()


def test_wrong_password_and_unknown_user_get_the_same_clear_message(client, db):
    user = UserFactory()
    wrong_pw = login(client, user.username, "not-the-password").content.decode()
    unknown = login(client, "nobody-here", "not-the-password").content.decode()
    assert WRONG in wrong_pw and WRONG in unknown


@pytest.mark.parametrize("existing", [True, False])
def test_repeated_failures_lock_out_without_revealing_the_account(client, db, existing):
    user = UserFactory()
    name = user.username if existing else "ghost"
    for _ in range(5):
        login(client, name, "wrong-password")
    locked = login(client, name, PASSWORD if existing else "x")
    assert locked.status_code == 429
    assert "登录失败次数过多" in locked.content.decode()
    assert "_auth_user_id" not in client.session, "even the right password is refused while locked"


def test_passwords_are_hashed_with_argon2(db):
    assert UserFactory().password.startswith("argon2")


def test_weak_passwords_are_refused(db):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    for weak in ("password123", "abcdefghij", "1234567890"):
        with pytest.raises(ValidationError):
            validate_password(weak)
    validate_password("Dangwu-Gongkai-7")


def test_login_without_csrf_token_is_refused(db):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    user = UserFactory()
    assert (
        client.post("/accounts/login/", {"username": user.username, "password": PASSWORD}).status_code == 403
    )


def test_create_token_prints_a_token_stored_only_as_a_hash(db, capsys, client):
    user = UserFactory(username="clerk1")
    call_command("create_token", "clerk1")
    raw = capsys.readouterr().out.strip()
    assert raw.startswith("gk_")
    stored = ApiToken.objects.get(user=user)
    assert stored.digest != raw and stored.digest == ApiToken.hash(raw)
    assert client.get("/api/v1/orgs", headers={"Authorization": f"Bearer {raw}"}).status_code == 200
    bad = client.get("/api/v1/orgs", headers={"Authorization": "Bearer gk_forged"})
    assert bad.status_code == 401 and "detail" in bad.json()


def test_create_token_for_unknown_user_fails_clearly(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="no active user"):
        call_command("create_token", "nobody")


def test_session_ends_twelve_hours_after_login_even_when_active(client, db):
    import time_machine
    from django.utils import timezone

    user = UserFactory()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client.force_login(user)
    for minutes in range(25, 12 * 60, 25):  # active every 25 minutes: the idle timeout never fires
        with time_machine.travel(start + timezone.timedelta(minutes=minutes), tick=False):
            assert user.display_name in client.get("/").content.decode()
    with time_machine.travel(start + timezone.timedelta(hours=12, minutes=1), tick=False):
        assert user.display_name not in client.get("/").content.decode()


def test_idle_session_ends_after_thirty_minutes(client, db):
    import time_machine
    from django.utils import timezone

    user = UserFactory()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client.force_login(user)
    with time_machine.travel(start + timezone.timedelta(minutes=31), tick=False):
        assert user.display_name not in client.get("/").content.decode()


def test_deactivating_a_user_ends_their_sessions(client, db):
    user = UserFactory()
    client.force_login(user)
    assert user.display_name in client.get("/").content.decode()
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert user.display_name not in client.get("/").content.decode()


def _writes(queries):
    return [q["sql"] for q in queries if q["sql"].lstrip().split(" ", 1)[0].upper() in WRITE_VERBS]


WRITE_VERBS = {"INSERT", "UPDATE", "DELETE", "REPLACE"}


def test_a_logged_in_read_writes_nothing_until_the_session_needs_touching(client, db):
    import time_machine
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    user = UserFactory()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client.force_login(user)
        client.get("/")
    with time_machine.travel(start + timezone.timedelta(seconds=30), tick=False):
        with CaptureQueriesContext(connection) as read:
            assert user.display_name in client.get("/").content.decode()
    assert _writes(read.captured_queries) == []
    # Past a minute the session is touched once, renewing the idle expiry.
    with time_machine.travel(start + timezone.timedelta(minutes=2), tick=False):
        with CaptureQueriesContext(connection) as touch:
            client.get("/")
    assert len(_writes(touch.captured_queries)) == 1


def test_staff_land_on_the_workbench_and_members_on_the_front_page(client, tree, people):
    assert login(client, people.clerk_a.username, PASSWORD)["Location"] == "/work/"
    client.logout()
    assert login(client, people.member_a.username, PASSWORD)["Location"] == "/"
    client.logout()
    asked = client.post(
        "/accounts/login/?next=/search/",
        {"username": people.clerk_a.username, "password": PASSWORD},
        REMOTE_ADDR="10.0.0.9",
    )
    assert asked["Location"] == "/search/", "a page asked for wins"
