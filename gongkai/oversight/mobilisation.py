"""R19/R20: each branch's 动员部署 (实施细则, mobilisation meeting, training): recording it, and the
figures the dashboard shows for the plan's organisations."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai import access
from gongkai.audit.log import record
from gongkai.lib import filetypes
from gongkai.lib.errors import ActionError

from .models import Mobilisation


def _require(ok: bool, message: str) -> None:
    if not ok:
        raise ActionError(message)


RULES_KINDS = {"pdf", "docx"}
MAX_RULES_BYTES = 20 * 1024 * 1024
MAX_ATTENDANCE = 100_000


@transaction.atomic
def record_mobilisation(
    org,
    year: int,
    *,
    meeting_on: date | None = None,
    meeting_attendance: int | None = None,
    training_on: date | None = None,
    training_attendance: int | None = None,
    rules=None,
    by,
) -> Mobilisation:
    """Record (or correct) the organisation's 动员部署 for `year`; a new 实施细则 replaces the old one."""
    access.require(by, "mobilisation.record", org, message=_("只有本组织的联络员或书记可以登记动员部署。"))
    today = timezone.localdate()
    for day, label in ((meeting_on, _("动员会日期")), (training_on, _("培训日期"))):
        _require(day is None or day <= today, _("%(f)s不能晚于今天。") % {"f": label})
        _require(day is None or day.year == year, _("%(f)s应在 %(y)s 年内。") % {"f": label, "y": year})
    for n, label in ((meeting_attendance, _("动员会参加人数")), (training_attendance, _("培训参加人数"))):
        _require(n is None or 0 < n <= MAX_ATTENDANCE, _("%(f)s无效。") % {"f": label})
    _require((meeting_on is None) == (meeting_attendance is None), _("动员会的日期和参加人数须一并填写。"))
    _require((training_on is None) == (training_attendance is None), _("培训的日期和参加人数须一并填写。"))
    Mobilisation.objects.get_or_create(org=org, year=year, defaults={"updated_by": by})
    m = Mobilisation.objects.select_for_update().get(org=org, year=year)
    m.meeting_on, m.meeting_attendance = meeting_on, meeting_attendance
    m.training_on, m.training_attendance = training_on, training_attendance
    m.updated_by = by
    old = None
    if rules is not None:
        if rules.size > MAX_RULES_BYTES:
            raise ActionError(_("实施细则文件不能超过 20 MB。"))
        data = rules.read()
        kind = filetypes.sniff(data)
        _require(kind in RULES_KINDS, _("实施细则只接受 PDF 或 DOCX 文件。"))
        old = m.rules_stored
        m.rules_stored = default_storage.save(
            f"mobilisation/{secrets.token_hex(16)}{filetypes.EXTENSIONS[kind]}", ContentFile(data)
        )
        transaction.on_commit(lambda: old and default_storage.delete(old))
        m.rules_name = (rules.name or "实施细则")[:200]
        m.rules_kind, m.rules_sha256 = kind, hashlib.sha256(data).hexdigest()
    m.save()
    record(
        action="oversight.mobilisation",
        obj=m,
        actor=by,
        org_path=org.path,
        data={
            "year": year,
            "rules": bool(m.rules_stored),
            "meeting": bool(meeting_on),
            "training": bool(training_on),
        },
    )
    return m


@dataclass
class Figures:
    total: int
    rules: int
    meeting: int
    training: int
    attendance: int


def figures(orgs, year: int) -> tuple[Figures, dict[int, Mobilisation]]:
    """How many of `orgs` (already access-filtered) recorded each part, and each one's record."""
    org_ids = [o.pk for o in orgs]
    records = {m.org_id: m for m in Mobilisation.objects.filter(org_id__in=org_ids, year=year)}
    ms = records.values()
    return (
        Figures(
            total=len(org_ids),
            rules=sum(1 for m in ms if m.rules_stored),
            meeting=sum(1 for m in ms if m.meeting_on),
            training=sum(1 for m in ms if m.training_on),
            attendance=sum((m.meeting_attendance or 0) + (m.training_attendance or 0) for m in ms),
        ),
        records,
    )
