"""SECURITY 17 (PIPL art. 19): an application's personal part, the applicant's own description and
purpose, is blanked APPLICATION_PERSONAL_DATA_DAYS after it was answered. The number, title, dates and
answer stay for the register and the statistics."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from gongkai.audit.log import record

from .models import Application, Status


def _days() -> int:
    return int(getattr(settings, "APPLICATION_PERSONAL_DATA_DAYS", 365))


@transaction.atomic
def erase_personal_data(application, *, by=None, now=None) -> bool:
    """True when something was erased (idempotent)."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.personal_data_erased_at is not None:
        return False
    application.description, application.purpose = "", ""
    application.personal_data_erased_at = now or timezone.now()
    application.save(update_fields=["description", "purpose", "personal_data_erased_at"])
    record(action="application.erase_personal_data", obj=application, actor=by, data={"days": _days()})
    return True


def erase_expired_personal_data(now=None) -> int:
    """The daily job: applications answered more than APPLICATION_PERSONAL_DATA_DAYS ago."""
    now = now or timezone.now()
    due = Application.objects.filter(
        status=Status.ANSWERED,
        answered_at__lt=now - timedelta(days=_days()),
        personal_data_erased_at__isnull=True,
    ).values_list("pk", flat=True)
    return sum(erase_personal_data(Application(pk=pk), now=now) for pk in list(due))
