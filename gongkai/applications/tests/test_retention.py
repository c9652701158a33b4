"""SECURITY 17: an application's personal part is blanked a configured time after the answer."""

import time_machine
from django.test import override_settings

from gongkai.applications import actions, tasks
from gongkai.applications.models import AnswerType, Application
from gongkai.audit.models import AuditEntry


def _answered(tree, people, purpose):
    application = actions.submit_application(
        tree.a, by=people.member_a, title="党费使用明细", description="我家的困难补助情况", purpose=purpose
    )
    actions.answer_application(
        application, by=people.clerk_a, answer_type=AnswerType.DISCLOSED, text="已公开。"
    )
    return application


@override_settings(APPLICATION_PERSONAL_DATA_DAYS=100)
def test_answered_applications_lose_the_applicants_words_after_the_period(client, tree, people):
    with time_machine.travel("2025-03-03 10:00 +08:00", tick=False):
        old = _answered(tree, people, purpose="办理低保")
        still_open = actions.submit_application(tree.a, by=people.member_a, title="x", description="开放中")
    with time_machine.travel("2025-05-01 10:00 +08:00", tick=False):
        recent = _answered(tree, people, purpose="了解情况")
    with time_machine.travel("2025-06-12 10:00 +08:00", tick=False):  # 101 days after the first answer
        assert tasks.erase_personal_data_daily.call_local() == 1
        assert tasks.erase_personal_data_daily.call_local() == 0
    old.refresh_from_db()
    assert (old.description, old.purpose) == ("", "") and old.title == "党费使用明细"
    assert old.answer_text == "已公开。" and old.personal_data_erased_at is not None
    for kept in (recent, still_open):
        kept.refresh_from_db()
        assert kept.description and kept.personal_data_erased_at is None
    entry = AuditEntry.objects.get(action="application.erase_personal_data")
    assert entry.object_id == str(old.pk) and entry.actor is None
    client.force_login(people.member_a)
    page = client.get(f"/apply/{old.pk}/").content.decode()
    assert "按保存期限清除" in page and "我家的困难补助情况" not in page
    assert Application.objects.filter(personal_data_erased_at__isnull=False).count() == 1
