from django.core.management import call_command

from gongkai.applications.models import Application, Status
from gongkai.feedback.models import FeedbackCase


def test_demo_loads_twice(db):
    call_command("load_demo")
    call_command("load_demo")
    assert Application.objects.count() == 3
    assert Application.objects.filter(status=Status.ANSWERED).count() == 1
    assert FeedbackCase.objects.count() == 2
    assert FeedbackCase.objects.filter(published_at__isnull=False).count() == 1
