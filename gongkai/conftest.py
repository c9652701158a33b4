"""Shared test helpers: small factories over the real models, on the real database of the run."""

import functools
import itertools
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import factory
import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.cache import caches
from django.test import Client

from gongkai import access
from gongkai.accounts.models import ApiToken, User
from gongkai.orgs.models import Level, Membership, Organisation, Role, SectorType

# Tests write into a temporary folder (gongkai/settings_test.py), never into the checkout's var/.
WORKING_VAR = Path(__file__).resolve().parent.parent / "var"
_VAR_BEFORE = pytest.StashKey[set]()

PASSWORD = "Test-Passw0rd!"
_codes = itertools.count(1)


@functools.cache
def _password_hash() -> str:
    # Argon2 is slow by design: hash the shared test password once, not once per user.
    return make_password(PASSWORD)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Sequence(lambda n: f"测试用户{n}")
    password = factory.LazyFunction(_password_hash)


def make_org(
    parent=None, *, level=Level.BRANCH, sector_type=SectorType.COMMUNITY, name=None, code=None, **kw
):
    """An organisation under `parent` (or a new root), through treebeard's API."""
    n = next(_codes)
    fields = {
        "code": code or f"T{n:04d}",
        "name": name or f"测试党组织{n}",
        "level": level,
        "sector_type": "" if level == Level.COMMITTEE else sector_type,
        **kw,
    }
    if parent is None:
        return Organisation.objects.add_root(fields)
    return Organisation.objects.add_child(Organisation.objects.get(pk=parent.pk), fields)


TZ = ZoneInfo("Asia/Shanghai")


def moment(y, m, d, hour=10) -> datetime:
    """A moment in Beijing time."""
    return datetime(y, m, d, hour, tzinfo=TZ)


def at(y, m, d, hour=10):
    """Travel to a local moment (tick=False: deadlines do not drift during a test)."""
    return time_machine.travel(moment(y, m, d, hour), tick=False)


def bearer(user) -> dict:
    """Request headers carrying a fresh API token of `user`."""
    return {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(user)}"}


def grant(user, org, *roles):
    for role in roles:
        Membership.objects.get_or_create(user=user, org=org, role=role)
    access.forget(user)
    return user


def _files_under(folder: Path) -> set[Path]:
    return {p for p in folder.rglob("*") if p.is_file()} if folder.exists() else set()


def pytest_sessionstart(session):
    session.config.stash[_VAR_BEFORE] = _files_under(WORKING_VAR)


def pytest_sessionfinish(session, exitstatus):
    written = sorted(_files_under(WORKING_VAR) - session.config.stash.get(_VAR_BEFORE, set()))
    if written:
        names = ", ".join(str(p.relative_to(WORKING_VAR)) for p in written[:5])
        print(f"\nThe tests wrote {len(written)} file(s) into the working var/: {names}")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pass_second_factor(client, user) -> None:
    """Mark the client's session as having passed the second factor (SECURITY.md 7), as a staff user's
    session is after entering a TOTP code. Staff pages need it; for members it changes nothing."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_static.models import StaticDevice

    device, _ = StaticDevice.objects.get_or_create(user=user, name="test", defaults={"confirmed": True})
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


_password_only_login = Client.force_login


def login_without_second_factor(client, user) -> None:
    """A session after the password step only (what the second-factor tests start from)."""
    _password_only_login(client, user)


@pytest.fixture(autouse=True)
def _force_login_passes_second_factor(monkeypatch):
    """`client.force_login(user)` stands for a completed login, second factor included."""

    def force_login(self, user, backend=None):
        _password_only_login(self, user, backend)
        pass_second_factor(self, user)

    monkeypatch.setattr(Client, "force_login", force_login)


@pytest.fixture
def staff_client(client):
    """`staff_client(user)`: the test client logged in as `user`, second factor passed."""

    def login(user):
        client.force_login(user)
        return client

    return login


def audit_triggers_lifted(connection):
    """SQL around a statement that must pass the SQLite audit triggers (tests only): drop, then re-create."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_auditentry'"
        )
        triggers = cursor.fetchall()
    return [f"DROP TRIGGER {name}" for name, _ in triggers], [sql for _, sql in triggers]


@pytest.fixture(autouse=True, scope="session")
def _sqlite_flush_passes_audit_triggers():
    """Transactional tests end with a flush, a DELETE on SQLite (TRUNCATE, which triggers ignore, on
    PostgreSQL): let it past the append-only triggers, and put them back."""
    from django.db.backends.sqlite3.base import DatabaseWrapper  # base first: operations imports it

    DatabaseOperations = DatabaseWrapper.ops_class

    original = DatabaseOperations.sql_flush

    def sql_flush(self, style, tables, **kwargs):
        statements = original(self, style, tables, **kwargs)
        if "audit_auditentry" not in tables:
            return statements
        drop, create = audit_triggers_lifted(self.connection)
        return drop + list(statements) + create

    DatabaseOperations.sql_flush = sql_flush
    yield
    DatabaseOperations.sql_flush = original


@pytest.fixture(autouse=True)
def _fresh_cache():
    for alias in settings.CACHES:
        caches[alias].clear()
    yield
    for alias in settings.CACHES:
        caches[alias].clear()


@pytest.fixture
def tree(db):
    """committee ─┬─ branch_a ── child_a
    └─ branch_b"""
    committee = make_org(level=Level.COMMITTEE, name="测试街道党工委", code="TC")
    branch_a = make_org(committee, name="甲社区党支部", code="TA")
    branch_b = make_org(committee, name="乙社区党支部", code="TB")
    child_a = make_org(branch_a, name="甲社区第一党小组支部", code="TA1")
    return type("Tree", (), {"committee": committee, "a": branch_a, "b": branch_b, "a1": child_a})


@pytest.fixture
def people(tree):
    """One person per viewer kind the access rules care about."""
    mk = UserFactory
    return type(
        "People",
        (),
        {
            "member_a": grant(mk(), tree.a, Role.MEMBER),
            "member_b": grant(mk(), tree.b, Role.MEMBER),
            "member_a1": grant(mk(), tree.a1, Role.MEMBER),
            "committee_a": grant(mk(), tree.a, Role.MEMBER, Role.COMMITTEE_MEMBER),
            "clerk_a": grant(mk(), tree.a, Role.CLERK),
            "secretary_a": grant(mk(), tree.a, Role.SECRETARY),
            "reviewer_c": grant(mk(), tree.committee, Role.REVIEWER),
            "inspector_c": grant(mk(), tree.committee, Role.INSPECTOR),
            "auditor_c": grant(mk(), tree.committee, Role.AUDITOR),
            "outsider": mk(),
        },
    )
