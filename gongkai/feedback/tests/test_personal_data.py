"""SECURITY 16 (encrypted at rest) and 17 (retention)."""

import pytest
import time_machine
from django.db import connection
from django.test import override_settings
from django.urls import reverse

from gongkai.audit.models import AuditEntry
from gongkai.feedback import actions, tasks
from gongkai.feedback.models import Channel, FeedbackCase

PHONE = "13812345678"
NAME = "张三丰"


def _raw(case):
    with connection.cursor() as cur:
        cur.execute("SELECT submitter_name, contact FROM feedback_feedbackcase WHERE id = %s", [case.pk])
        return cur.fetchone()


def _new(tree, people, subject="党费公开询问", contact=PHONE, name=NAME):
    return actions.record_offline(
        tree.a,
        by=people.clerk_a,
        channel=Channel.HOTLINE,
        subject=subject,
        content="想了解党费使用公开情况。",
        name=name,
        contact=contact,
    )


@pytest.fixture
def case(people, tree):
    with time_machine.travel("2025-03-03 10:00 +08:00", tick=False):
        return _new(tree, people)


def test_database_holds_only_ciphertext(case):
    name, contact = _raw(case)
    assert PHONE not in contact and "5678" not in contact and NAME not in name
    assert contact.startswith("enc1:") and name.startswith("enc1:")
    fresh = FeedbackCase.objects.get(pk=case.pk)
    assert (fresh.submitter_name, fresh.contact) == (NAME, PHONE)
    assert fresh.masked_contact == "138****5678"


def test_handler_still_reads_contact_unmasked_with_audit(client, case, people):
    client.force_login(people.clerk_a)
    body = client.get(reverse("feedback:case", args=[case.pk]), {"show": "personal"}).content.decode()
    assert PHONE in body and NAME in body
    assert AuditEntry.objects.filter(action="feedback.read_personal_data").count() == 1
    masked = client.get(reverse("feedback:case", args=[case.pk])).content.decode()
    assert PHONE not in masked and "138****5678" in masked


def test_published_reply_still_strips_the_submitters_contact(case, people):
    actions.reply_case(case, by=people.clerk_a, text=f"已答复{NAME}，电话{PHONE}。")
    case = actions.publish_reply(case, by=people.clerk_a, resolution="mask")
    assert PHONE not in case.published_reply and NAME not in case.published_reply


def test_migration_encrypts_plaintext_rows(case):
    from importlib import import_module

    from django.apps import apps

    with connection.cursor() as cur:
        cur.execute(
            "UPDATE feedback_feedbackcase SET submitter_name = %s, contact = %s WHERE id = %s",
            [NAME, PHONE, case.pk],
        )
    assert _raw(case) == (NAME, PHONE)
    migration = import_module("gongkai.feedback.migrations.0002_encrypt_personal_data")
    migration.encrypt_existing(apps, connection.schema_editor())
    name, contact = _raw(case)
    assert contact.startswith("enc1:") and PHONE not in contact and NAME not in name
    migration.encrypt_existing(apps, connection.schema_editor())  # idempotent: not encrypted twice
    assert FeedbackCase.objects.get(pk=case.pk).contact == PHONE


@override_settings(FEEDBACK_PERSONAL_DATA_DAYS=365)
def test_retention_erases_cases_answered_or_received_long_ago(client, tree, people):
    with time_machine.travel("2025-01-06 10:00 +08:00", tick=False):
        old = _new(tree, people, subject="早已答复")
        actions.reply_case(old, by=people.clerk_a, text="已按规定公开。")
        open_case = _new(tree, people, subject="尚未答复")
    with time_machine.travel("2025-12-01 10:00 +08:00", tick=False):
        recent = _new(tree, people, subject="近期答复")
        actions.reply_case(recent, by=people.clerk_a, text="已处理。")
    with time_machine.travel("2026-01-05 10:00 +08:00", tick=False):
        assert actions.erase_expired_personal_data() == 0  # 364 days: not yet
    with time_machine.travel("2026-01-07 10:00 +08:00", tick=False):
        fresh_open = _new(tree, people, subject="刚收到")
        assert tasks.erase_personal_data_daily.call_local() == 2  # the old answered one, the old open one
        assert actions.erase_expired_personal_data() == 0  # idempotent
    old.refresh_from_db()
    assert (old.submitter_name, old.contact, old.submitter) == ("", "", None)
    assert old.reply == "已按规定公开。" and old.subject == "早已答复"
    assert _raw(old) == ("", "")
    open_case.refresh_from_db()
    assert (open_case.contact, open_case.submitter_name) == ("", ""), "unanswered: counted from receipt"
    for kept in (fresh_open, recent):
        kept.refresh_from_db()
        assert (kept.contact, kept.personal_data_erased_at) == (PHONE, None)
    entry = AuditEntry.objects.filter(action="feedback.erase_personal_data").first()
    assert entry.actor is None and PHONE not in str(entry.data)
    client.force_login(people.clerk_a)
    body = client.get(reverse("feedback:case", args=[old.pk]), {"show": "personal"}).content.decode()
    assert "按保存期限清除" in body and PHONE not in body and "查看完整信息" not in body


def test_pages_with_unmasked_personal_data_are_never_cached(client, case, people):
    client.force_login(people.clerk_a)
    response = client.get(reverse("feedback:case", args=[case.pk]), {"show": "personal"})
    assert PHONE in response.content.decode()
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
