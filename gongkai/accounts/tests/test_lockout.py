"""SECURITY.md 6: failures lock one (name, address) pair with a growing wait; nobody can lock a user out
from elsewhere; behind a proxy the address comes from X-Forwarded-For of trusted proxies only."""

from datetime import timedelta

import pytest
import time_machine
from django.test import RequestFactory
from django.utils import timezone

from gongkai.conftest import PASSWORD, UserFactory
from gongkai.feedback.ratelimit import allow
from gongkai.lib.netaddr import client_address


def attempt(client, username, password, address, forwarded=None):
    extra = {"REMOTE_ADDR": address}
    if forwarded:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post("/accounts/login/", {"username": username, "password": password}, **extra)


def fail(client, username, address, times=5, forwarded=None):
    for _ in range(times):
        attempt(client, username, "wrong-password", address, forwarded)


def test_failures_from_elsewhere_do_not_lock_the_real_user_out(client, db):
    user = UserFactory()
    fail(client, user.username, "203.0.113.66")
    assert attempt(client, user.username, PASSWORD, "203.0.113.66").status_code == 429
    assert attempt(client, user.username, PASSWORD, "10.0.0.9").status_code == 302


def test_the_wait_grows_with_each_lockout(client, db):
    user = UserFactory()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        fail(client, user.username, "203.0.113.66")
    with time_machine.travel(start + timedelta(seconds=30), tick=False):
        assert attempt(client, user.username, PASSWORD, "203.0.113.66").status_code == 429
    with time_machine.travel(start + timedelta(seconds=70), tick=False):
        fail(client, user.username, "203.0.113.66")  # the first wait (1 minute) is over: five more tries
    with time_machine.travel(start + timedelta(seconds=140), tick=False):
        locked = attempt(client, user.username, PASSWORD, "203.0.113.66")
        assert locked.status_code == 429 and "2 分钟" in locked.content.decode()
    # A try while locked counts too and starts the wait again.
    with time_machine.travel(start + timedelta(seconds=265), tick=False):
        assert attempt(client, user.username, PASSWORD, "203.0.113.66").status_code == 302


def test_a_forged_forwarded_header_changes_nothing_without_a_trusted_proxy(client, db):
    user = UserFactory()
    for n in range(5):
        attempt(client, user.username, "wrong", "203.0.113.66", forwarded=f"198.51.100.{n}")
    assert (
        attempt(client, user.username, PASSWORD, "203.0.113.66", forwarded="198.51.100.99").status_code == 429
    )


def test_behind_a_trusted_proxy_each_client_is_locked_apart(client, db, settings):
    settings.TRUSTED_PROXIES = ["10.1.0.0/24"]
    user = UserFactory()
    fail(client, user.username, "10.1.0.5", forwarded="203.0.113.66")
    assert attempt(client, user.username, PASSWORD, "10.1.0.5", forwarded="203.0.113.66").status_code == 429
    assert attempt(client, user.username, PASSWORD, "10.1.0.5", forwarded="198.51.100.7").status_code == 302


@pytest.mark.parametrize(
    "remote, forwarded, expected",
    [
        ("203.0.113.1", "", "203.0.113.1"),
        ("203.0.113.1", "1.2.3.4", "203.0.113.1"),  # not a trusted proxy: header ignored
        ("10.1.0.5", "1.2.3.4", "1.2.3.4"),
        ("10.1.0.5", "6.6.6.6, 1.2.3.4, 10.1.0.9", "1.2.3.4"),  # the client may prepend anything
        ("10.1.0.5", "", "10.1.0.5"),
        ("10.1.0.5", "garbage, 10.1.0.7", "10.1.0.7"),
    ],
)
def test_client_address_reads_forwarded_for_only_from_trusted_proxies(settings, remote, forwarded, expected):
    settings.TRUSTED_PROXIES = ["10.1.0.0/24"]
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == expected


def test_feedback_rate_limit_counts_each_client_behind_the_proxy(settings):
    settings.TRUSTED_PROXIES = ["10.1.0.0/24"]

    def req(client_ip):
        return RequestFactory().post("/", REMOTE_ADDR="10.1.0.5", HTTP_X_FORWARDED_FOR=client_ip)

    assert allow(req("203.0.113.1"), "t", limit=1)
    assert not allow(req("203.0.113.1"), "t", limit=1)
    assert allow(req("203.0.113.2"), "t", limit=1), "another client behind the same proxy has its own count"


def test_a_bad_trusted_proxy_setting_stops_the_start():
    from gongkai.tests.test_settings import run_gongkai

    done = run_gongkai("check", GONGKAI_TRUSTED_PROXIES="10.0.0.0/8,not-an-address")
    assert done.returncode != 0 and "GONGKAI_TRUSTED_PROXIES" in done.stderr
