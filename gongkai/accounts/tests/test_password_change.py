"""SECURITY.md 8: users change their own password; common passwords are refused even when dressed up."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client

from gongkai.audit.models import AuditEntry
from gongkai.conftest import PASSWORD, UserFactory


@pytest.mark.parametrize(
    "common", ["Password@123", "P@ssw0rd1234", "Admin@123456", "Woaini1314.", "Qwerty!2024"]
)
def test_common_passwords_are_refused_even_with_digits_and_symbols(db, common):
    with pytest.raises(ValidationError, match="常用密码"):
        validate_password(common)


def change(client, old, new, again=None):
    return client.post(
        "/accounts/password/", {"old_password": old, "new_password": new, "new_password2": again or new}
    )


def test_change_password_refuses_a_common_one_and_keeps_the_old(client, db):
    user = UserFactory()
    client.force_login(user)
    page = change(client, PASSWORD, "Password@123")
    assert page.status_code == 200 and "常用密码" in page.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_change_password_needs_the_old_one_and_matching_repeats(client, db):
    user = UserFactory()
    client.force_login(user)
    assert "原密码不正确" in change(client, "wrong", "Lake-Shore-Ox-19").content.decode()
    assert "不一致" in change(client, PASSWORD, "Lake-Shore-Ox-19", "Lake-Shore-Ox-20").content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_change_password_keeps_this_session_ends_the_others_and_is_audited(client, db):
    user = UserFactory()
    other = Client()
    other.force_login(user)
    client.force_login(user)
    response = change(client, PASSWORD, "Lake-Shore-Ox-19")
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Lake-Shore-Ox-19")
    assert user.display_name in client.get("/").content.decode()
    assert user.display_name not in other.get("/").content.decode()
    assert AuditEntry.objects.filter(action="account.password_changed", actor=user).exists()


def test_password_page_needs_a_login(client, db):
    assert client.get("/accounts/password/")["Location"].startswith("/accounts/login/")
