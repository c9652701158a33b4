"""API tokens: a name, an expiry, the last use; revoked or expired tokens are refused; the owner sees
and revokes them on their account page; an operator revokes them with `gongkai revoke_token`."""

import io
from datetime import timedelta

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from gongkai.accounts.models import ApiToken
from gongkai.accounts.tokens import issue_token, revoke_token
from gongkai.audit.models import AuditEntry
from gongkai.conftest import UserFactory


def get_items(raw):
    return Client().get("/api/v1/items", HTTP_AUTHORIZATION=f"Bearer {raw}")


@pytest.fixture
def user(db):
    return UserFactory(username="tongji")


def test_a_token_has_a_name_an_expiry_and_records_its_last_use(user):
    raw = issue_token(user, name="统计脚本", days=30, by=user)
    token = ApiToken.objects.get(user=user)
    assert token.name == "统计脚本" and token.last_used_at is None
    assert timedelta(days=29) < token.expires_at - timezone.now() <= timedelta(days=30)
    assert get_items(raw).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None
    assert AuditEntry.objects.filter(action="token.issue", actor=user).exists()


def test_an_expired_token_is_refused(user):
    raw = issue_token(user, name="短期", days=1)
    assert get_items(raw).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(days=1, minutes=1)):
        response = get_items(raw)
    assert response.status_code == 401 and response.json()["detail"]


def test_a_revoked_token_is_refused_at_once(user):
    raw = issue_token(user, name="旧脚本")
    token = ApiToken.objects.get(user=user)
    assert revoke_token(token, by=user) is True
    assert get_items(raw).status_code == 401
    assert revoke_token(token, by=user) is False  # twice changes nothing
    assert AuditEntry.objects.filter(action="token.revoke").count() == 1


def test_a_deactivated_users_token_is_refused(user):
    raw = issue_token(user)
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert get_items(raw).status_code == 401


def test_the_account_page_lists_the_users_tokens_and_revokes_one(user):
    raw = issue_token(user, name="报表同步")
    other = issue_token(UserFactory(), name="别人的令牌")
    client = Client()
    client.force_login(user)
    page = client.get("/accounts/tokens/")
    text = page.content.decode()
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    assert "报表同步" in text and "有效" in text and "别人的令牌" not in text
    assert raw not in text  # only its hash is stored: never shown again
    mine = ApiToken.objects.get(user=user)
    response = client.post(f"/accounts/tokens/{mine.pk}/revoke/")
    assert response.status_code == 302
    assert get_items(raw).status_code == 401
    assert "已停用" in client.get("/accounts/tokens/").content.decode()
    # Someone else's token reads as missing and stays usable.
    theirs = ApiToken.objects.exclude(user=user).get()
    assert client.post(f"/accounts/tokens/{theirs.pk}/revoke/").status_code == 404
    assert get_items(other).status_code == 200


def test_the_account_page_issues_a_token_shown_once(user):
    client = Client()
    client.force_login(user)
    response = client.post("/accounts/tokens/", {"name": "数据报送", "days": "7"})
    token = ApiToken.objects.get(user=user)
    raw = next(w for w in response.content.decode().split() if "gk_" in w).split("gk_", 1)[1].split("<")[0]
    assert get_items("gk_" + raw).status_code == 200
    assert token.name == "数据报送" and token.expires_at - timezone.now() <= timedelta(days=7)
    refused = client.post("/accounts/tokens/", {"name": "太长", "days": "99999999999999999999"})
    assert refused.status_code == 200 and ApiToken.objects.filter(user=user).count() == 1


def test_the_tokens_page_needs_a_login(db):
    response = Client().get("/accounts/tokens/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_revoke_token_command_by_value_by_name_and_all(user):
    a = issue_token(user, name="甲")
    b = issue_token(user, name="乙")
    c = issue_token(user, name="乙")
    out = io.StringIO()
    call_command("revoke_token", token=a, stdout=out)
    assert "revoked 1" in out.getvalue() and get_items(a).status_code == 401
    call_command("revoke_token", "tongji", name="乙", stdout=out)
    assert get_items(b).status_code == 401 and get_items(c).status_code == 401
    listing = io.StringIO()
    call_command("revoke_token", "tongji", stdout=listing)
    assert listing.getvalue().count("revoked") == 3
    d = issue_token(user, name="丙")
    call_command("revoke_token", "tongji", all=True, stdout=out)
    assert get_items(d).status_code == 401
    with pytest.raises(CommandError):
        call_command("revoke_token", token="gk_nope")


def test_create_token_command_names_and_bounds_the_expiry(user):
    out = io.StringIO()
    call_command("create_token", "tongji", name="夜间同步", days=10, stdout=out)
    token = ApiToken.objects.get(user=user)
    assert token.name == "夜间同步" and get_items(out.getvalue().strip()).status_code == 200
    with pytest.raises(CommandError):
        call_command("create_token", "tongji", days=0)
