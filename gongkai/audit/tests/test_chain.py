from datetime import timedelta

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from gongkai.audit.chain import PurgeRefused, compute_daily_heads, purge_before, verify
from gongkai.audit.log import record
from gongkai.audit.models import AuditEntry, DailyHead
from gongkai.conftest import audit_triggers_lifted


def _entries(n):
    for i in range(n):
        record(action="test.event", data={"i": i})


def _raw(sql, params=()):
    """Tamper behind the application's back. The triggers are switched off inside the test's own
    transaction (rolled back afterwards), to prove the verifier would still catch it."""
    drop, create = audit_triggers_lifted(connection) if connection.vendor == "sqlite" else ([], [])
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditentry DISABLE TRIGGER audit_append_only")
        for statement in drop:
            cursor.execute(statement)
        cursor.execute(sql, params)
        for statement in create:
            cursor.execute(statement)
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditentry ENABLE TRIGGER audit_append_only")


def _verify_fails(capsys=None) -> str:
    with pytest.raises(CommandError) as exc:
        call_command("audit_verify")
    return str(exc.value)


def test_sound_chain_verifies_and_says_how_many(db, capsys):
    _entries(5)
    call_command("audit_verify")
    assert "已校验 5 条" in capsys.readouterr().out


def test_edited_entry_is_named(db):
    _entries(5)
    _raw("UPDATE audit_auditentry SET data = %s WHERE sequence = 3", ['{"i": 99}'])
    message = _verify_fails()
    assert "第 3 条内容被改动" in message


def test_deleted_entry_is_named(db):
    _entries(5)
    _raw("DELETE FROM audit_auditentry WHERE sequence = 2")
    assert "第 2 条缺失" in _verify_fails()


def test_deleted_last_entry_is_found_through_the_head(db):
    _entries(4)
    _raw("DELETE FROM audit_auditentry WHERE sequence = 4")
    assert "第 4 条缺失" in _verify_fails()


def test_swapped_entries_are_named(db):
    _entries(5)
    _raw("UPDATE audit_auditentry SET sequence = 1000000 WHERE sequence = 2")
    _raw("UPDATE audit_auditentry SET sequence = 2 WHERE sequence = 3")
    _raw("UPDATE audit_auditentry SET sequence = 3 WHERE sequence = 1000000")
    # Entry #2 now holds #3's fields: its hash covers sequence 3, so it is the first bad one.
    assert "第 2 条" in _verify_fails()


def test_rewritten_entry_with_recomputed_hash_breaks_the_next_link(db):
    _entries(4)
    forged = AuditEntry.objects.get(sequence=2)
    forged.data = {"i": "forged"}
    _raw(
        "UPDATE audit_auditentry SET data = %s, hash = %s WHERE sequence = 2",
        ['{"i": "forged"}', forged.compute_hash()],
    )
    assert "第 3 条与前一条链接不符" in _verify_fails()


def test_model_refuses_update_and_delete(db):
    _entries(1)
    entry = AuditEntry.objects.get()
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()


def test_database_triggers_refuse_raw_update_and_delete(db):
    _entries(2)
    for sql in (
        "UPDATE audit_auditentry SET action = 'x' WHERE sequence = 1",
        "DELETE FROM audit_auditentry WHERE sequence = 1",
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(sql)
    assert verify().ok and verify().checked == 2


def test_daily_heads_are_published_for_finished_days(db, client):
    with time_machine.travel("2026-03-01 10:00 +0800", tick=False):
        _entries(3)
    with time_machine.travel("2026-03-02 09:00 +0800", tick=False):
        _entries(2)
        call_command("audit_heads")
    head = DailyHead.objects.get()
    last = AuditEntry.objects.get(sequence=3)
    assert (str(head.day), head.sequence, head.hash, head.entries) == ("2026-03-01", 3, last.hash, 3)

    page = client.get("/audit/heads/")
    assert page.status_code == 200 and last.hash in page.content.decode()
    api = client.get("/api/v1/audit/heads").json()
    assert api[0] == {"day": "2026-03-01", "sequence": 3, "hash": last.hash, "entries": 3}


def test_verify_checks_published_heads(db):
    with time_machine.travel("2026-03-01 10:00 +0800", tick=False):
        _entries(2)
    with time_machine.travel("2026-03-02 10:00 +0800", tick=False):
        compute_daily_heads()
    DailyHead.objects.update(hash="f" * 64)
    assert "已公布的链头" in verify().problem


def test_purge_refuses_entries_younger_than_180_days(db):
    _entries(2)
    with pytest.raises(PurgeRefused, match="180"):
        purge_before(timezone.localdate() - timedelta(days=10))
    with pytest.raises(CommandError, match="180"):
        call_command("audit_purge", "--before", str(timezone.localdate()))
    assert AuditEntry.objects.count() == 2


def test_purge_keeps_the_rest_of_the_chain_verifiable(db):
    with time_machine.travel("2025-01-10 10:00 +0800", tick=False):
        _entries(3)
    with time_machine.travel("2025-12-01 10:00 +0800", tick=False):
        _entries(2)
        deleted = purge_before(timezone.localdate() - timedelta(days=200))
        verdict = verify()
    assert deleted == 3
    assert verdict.ok and verdict.checked == 3  # the two kept plus the purge's own entry
    assert AuditEntry.objects.order_by("sequence").first().sequence == 4


def test_purge_cannot_take_a_young_entry_even_through_the_permit(db):
    _entries(2)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SET LOCAL gongkai.audit_purge = 'on'")
            else:
                cursor.execute("INSERT INTO audit_purge_permit (id) VALUES (1)")
            cursor.execute("DELETE FROM audit_auditentry WHERE sequence = 1")
    assert verify().ok and verify().checked == 2
