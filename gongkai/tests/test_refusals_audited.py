"""SECURITY 10: an action refused to its actor raises NotAllowed and leaves a "denied" audit entry, in
every app (the refused action's own transaction rolls back; the denial is written after it)."""

from datetime import date

import pytest

from gongkai.audit.log import collect_denials
from gongkai.audit.models import AuditEntry
from gongkai.lib.errors import NotAllowed


def _refused(action, call, actor, org):
    with collect_denials():
        with pytest.raises(NotAllowed):
            call()
    denial = AuditEntry.objects.get(result="denied")
    assert (denial.action, denial.actor_id, denial.org_path) == (action, actor.pk, org.path)


def test_applications_refusal_is_audited(people, tree):
    from gongkai.applications.actions import submit_application

    def call():
        submit_application(tree.b, by=people.member_a, title="会议纪要", description="第三季度")

    _refused("application.create", call, people.member_a, tree.b)


def test_feedback_refusal_is_audited(people, tree):
    from gongkai.feedback.actions import record_offline

    def call():
        record_offline(tree.a, by=people.member_a, channel="hotline", subject="路灯", content="不亮")

    _refused("feedback.record", call, people.member_a, tree.a)


def test_obligations_refusal_is_audited(people, tree):
    from gongkai.catalogue.models import Timing
    from gongkai.disclosure.tests.factories import catalogue_item_for
    from gongkai.obligations.actions import register_event

    rule = catalogue_item_for(tree.committee, timing=Timing.TIMELY)

    def call():
        register_event(tree.a, rule, by=people.member_a, event_date=date.today(), note="")

    _refused("obligation.register_event", call, people.member_a, tree.a)


def test_oversight_refusal_is_audited(people, tree):
    from gongkai.oversight.actions import create_inspection

    def call():
        create_inspection(tree.a, by=people.clerk_a, on=date.today(), summary="检查")

    _refused("oversight.inspect", call, people.clerk_a, tree.a)


def test_disclosure_refusal_is_audited(people, tree):
    from gongkai.disclosure.actions import create_item

    _refused("item.create", lambda: create_item(tree.b, by=people.clerk_a, title="x"), people.clerk_a, tree.b)
