"""SECURITY.md 7: staff accounts pass a TOTP second factor before any page; members do not."""

import re
import time

import pytest
import time_machine
from django.core.management import call_command
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from gongkai.audit.models import AuditEntry
from gongkai.conftest import PASSWORD, UserFactory, grant, login_without_second_factor, pass_second_factor
from gongkai.orgs.models import Role


def password_login(client, user, next_url="/work/"):
    response = client.post(
        f"/accounts/login/?next={next_url}",
        {"username": user.username, "password": PASSWORD, "next": next_url},
    )
    assert response.status_code == 302
    return client.get(response["Location"])


def later(seconds=5):
    """Past django-otp's throttle, which makes a failed code wait before the next try."""
    return time_machine.travel(time.time() + seconds, tick=False)


def code(device) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


@pytest.fixture
def clerk(tree):
    return grant(UserFactory(), tree.a, Role.CLERK)


def test_staff_without_authenticator_is_sent_to_enrol_before_any_page(client, clerk):
    page = password_login(client, clerk)
    assert page.status_code == 302 and page["Location"].startswith("/accounts/second-factor/enrol/")
    for url in ("/work/", "/audit/", "/", "/accounts/security/"):
        assert client.get(url).status_code == 302, url


def test_enrolment_shows_a_qr_code_and_confirms_with_a_code(client, clerk):
    password_login(client, clerk)
    page = client.get("/accounts/second-factor/enrol/?next=/work/")
    assert page.status_code == 200 and "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=clerk, confirmed=False)
    bad = "000000" if code(device) != "000000" else "000001"
    wrong = client.post("/accounts/second-factor/enrol/", {"token": bad, "next": "/work/"})
    assert "验证码不正确" in wrong.content.decode()
    with later():
        done = client.post("/accounts/second-factor/enrol/", {"token": code(device), "next": "/work/"})
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", done.content.decode())
    assert len(codes) == 10
    assert client.get("/work/").status_code == 200
    assert AuditEntry.objects.filter(action="account.second_factor_enrolled", actor=clerk).exists()


def test_enrolled_staff_verify_with_the_authenticator_or_a_recovery_code_once(client, clerk):
    password_login(client, clerk)
    client.get("/accounts/second-factor/enrol/")
    device = TOTPDevice.objects.get(user=clerk)
    codes = re.findall(
        r"<code>([a-z2-7]{8})</code>",
        client.post("/accounts/second-factor/enrol/", {"token": code(device)}).content.decode(),
    )
    client.logout()

    page = password_login(client, clerk)
    assert page["Location"].startswith("/accounts/second-factor/?next=")
    wrong = "000000" if code(device) != "000000" else "000001"
    refused = client.post("/accounts/second-factor/", {"token": wrong, "next": "/work/"})
    assert "验证码不正确" in refused.content.decode() and client.get("/work/").status_code == 302
    with later():
        ok = client.post("/accounts/second-factor/", {"token": codes[0], "next": "/work/"})
    assert ok.status_code == 302 and ok["Location"] == "/work/"
    assert client.get("/work/").status_code == 200
    client.logout()

    password_login(client, clerk)
    with later(10):
        client.post("/accounts/second-factor/", {"token": codes[0], "next": "/work/"})
        assert client.get("/work/").status_code == 302, "a recovery code works once"
    assert StaticToken.objects.filter(device__user=clerk).count() == 9
    assert AuditEntry.objects.filter(action="account.second_factor_failed", actor=clerk).count() == 2


def test_members_and_the_public_need_no_second_factor(client, people):
    member_page = password_login(client, people.member_a, next_url="/")
    assert member_page.status_code == 200
    assert people.member_a.display_name in member_page.content.decode()


def test_an_unverified_staff_session_reaches_no_staff_page_or_api_by_cookie(client, clerk):
    login_without_second_factor(client, clerk)
    assert client.get("/apply/work/").status_code == 302
    assert client.get("/api/v1/items").status_code == 200  # the API ignores the session: reads as public


def test_reset_makes_the_user_enrol_again(client, clerk):
    TOTPDevice.objects.create(user=clerk, name="authenticator", confirmed=True)
    call_command("reset_second_factor", clerk.username)
    assert not TOTPDevice.objects.filter(user=clerk).exists()
    login_without_second_factor(client, clerk)
    assert client.get("/work/")["Location"].startswith("/accounts/second-factor/enrol/")
    assert AuditEntry.objects.filter(action="account.second_factor_reset", object_id=str(clerk.pk)).exists()


def test_a_reset_ends_a_verified_session_at_once_though_devices_are_cached(client, clerk):
    """Issue 17.1: the session's verified device is read from the shared cache; a reset drops it."""
    login_without_second_factor(client, clerk)
    pass_second_factor(client, clerk)
    assert client.get("/work/").status_code == 200
    assert client.get("/work/").status_code == 200  # now from the cache
    call_command("reset_second_factor", clerk.username)
    page = client.get("/work/")
    assert page.status_code == 302 and page["Location"].startswith("/accounts/second-factor/enrol/")


def test_demo_staff_share_the_published_key_only_when_enabled(db, settings):
    from gongkai.accounts import demo
    from gongkai.orgs import demo as orgs_demo

    orgs_demo.load()
    settings.DEMO_SECOND_FACTOR = False
    demo.load()
    assert not TOTPDevice.objects.exists()
    settings.DEMO_SECOND_FACTOR = True
    demo.load()
    keys = set(TOTPDevice.objects.values_list("key", flat=True))
    assert keys == {demo.DEMO_TOTP_KEY}
    assert not TOTPDevice.objects.filter(user__username="dangyuan").exists()
    assert TOTPDevice.objects.filter(user__username="shuji").exists()
