"""The year's paperwork (R35–R37): one transaction per action, rows locked, the wrong state or actor
refused, an audit entry in the same transaction. Pages, the API and the demo call these."""

import hashlib
import secrets
from datetime import date

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai import access
from gongkai.audit.log import record, record_denial
from gongkai.catalogue.models import CatalogueItem, Category, Scope
from gongkai.disclosure import actions as disclosure
from gongkai.disclosure import board_cache
from gongkai.disclosure.models import DisclosureItem, State
from gongkai.lib import filetypes
from gongkai.lib.text import clean_line, clean_text
from gongkai.obligations.actions import fulfil_for_item
from gongkai.obligations.models import Obligation

from . import annual, documents
from .models import AccountabilityKind, AccountabilityRecord, AnnualReport, Carrier, CarrierKind  # noqa: F401

MAX_PHOTO_BYTES = 10 * 1024 * 1024
REPORT_ITEM_TITLE = "年度报告"  # the catalogue's 党务公开工作年度报告 (reference catalogue no. 43)


class ActionError(ValidationError):
    """A refused action; its message is shown to the user as it is."""


def _require(user, action: str, obj) -> None:
    if not access.can(user, action, obj):
        record_denial(action=action, obj=obj, actor=user)
        raise ActionError(_("您无权执行此操作。"))


# ---- R35: the annual report ---------------------------------------------------------------------


def report_catalogue_item(org) -> CatalogueItem | None:
    """The catalogue item the report is published under: 党务公开工作年度报告 of category 8."""
    return (
        CatalogueItem.objects.for_org(org)
        .filter(category=Category.OTHER, title__contains=REPORT_ITEM_TITLE)
        .order_by("number")
        .first()
    )


@transaction.atomic
def draft_annual_report(
    org, year: int, *, by, subtree: bool, overview, problems, other_matters=""
) -> AnnualReport:
    """Write (or rewrite, while still a draft) the report of a finished year. The figures are computed
    now from the records and checked; the text and tables become the body of a disclosure item that
    then goes through review, approval and publication like any other (R7, R24)."""
    _require(by, "report.draft", org)
    today = timezone.localdate()
    if not isinstance(year, int) or not 2000 <= year < today.year:
        raise ActionError(_("只能编制已经结束的年度的年报。"))
    overview = clean_text(overview, field=_("总体情况"), max_length=20_000)
    problems = clean_text(problems, field=_("存在的主要问题及改进情况"), max_length=20_000)
    other_matters = clean_text(
        other_matters, field=_("其他需要报告的事项"), max_length=20_000, required=False
    )
    catalogue_item = report_catalogue_item(org)
    if catalogue_item is None:
        raise ActionError(_("本组织适用的公开目录中没有“党务公开工作年度报告”事项，无法发布年报。"))
    try:
        figures = annual.compute(org, year, subtree=subtree)
    except annual.FiguresDoNotAddUp as exc:
        raise ActionError(_("年报数据不平衡，不能提交：%(why)s") % {"why": exc}) from None
    report = AnnualReport.objects.select_for_update().filter(org=org, year=year, subtree=subtree).first()
    if report is not None and report.item_id and report.item.state != State.DRAFT:
        raise ActionError(_("年报已进入审核审批流程，退回修改后才能重新编制。"))
    if report is None:
        report = AnnualReport(org=org, org_path=org.path, year=year, subtree=subtree, created_by=by)
    report.overview, report.problems, report.other_matters = overview, problems, other_matters
    report.figures = figures
    title, body = documents.title_of(report), documents.markdown(report, figures)
    if report.item_id:
        disclosure.update_item(report.item, by=by, title=title, body=body)
    else:
        report.item = disclosure.create_item(
            org,
            by=by,
            title=title,
            body=body,
            catalogue_item=catalogue_item,
            scope=Scope.PUBLIC,
            period_label=f"{year}年度",  # the obligation of that year (R14)
        )
    report.save()
    record(
        action="annual_report.draft",
        obj=report,
        actor=by,
        data={"year": year, "subtree": subtree, "item": report.item_id},
    )
    return report


@transaction.atomic
def submit_annual_report(report, *, by) -> AnnualReport:
    """Submit the report's item for review (R7). The confidentiality check runs as for any item; hits on
    the tables' own row labels (属于国家秘密, 属于三类内部事务信息 …) are the national format, not marks."""
    report = AnnualReport.objects.select_for_update().select_related("item", "org").get(pk=report.pk)
    if report.item.body != documents.markdown(report, report.figures):
        raise ActionError(_("年报正文与系统统计生成的内容不一致，请重新生成草稿后再提交。"))
    disclosure.submit_item(report.item, by=by)
    disclosure.acknowledge_generated_text(
        report.item,
        lines=documents.table_lines(report.figures),
        reason=_("年报统计表的栏目名称（国家统一格式），不是密级标识"),
    )
    return report


# ---- R36: carriers ------------------------------------------------------------------------------


def _photo(uploaded) -> tuple[str, str]:
    data = uploaded.read()
    if not data:
        raise ActionError(_("照片为空文件。"))
    if len(data) > MAX_PHOTO_BYTES:
        raise ActionError(_("照片不能超过 10 MB。"))
    kind = filetypes.sniff(data)
    if kind not in filetypes.IMAGE_KINDS:
        raise ActionError(_("照片只接受 PNG、JPEG、GIF、WebP 图片。"))
    stored = default_storage.save(
        f"carriers/{secrets.token_hex(16)}{filetypes.EXTENSIONS[kind]}", ContentFile(data)
    )
    return stored, hashlib.sha256(data).hexdigest()


@transaction.atomic
def record_carrier(
    item, *, by, kind, on: date, detail="", attendance=None, doc_number="", photo=None
) -> Carrier:
    """R36: the item was also disclosed at a meeting, in a document, on the board, on a screen or by
    letter/SMS on `on`. A meeting needs its attendance, a document its number."""
    item = DisclosureItem.objects.select_for_update(of=("self",)).select_related("org").get(pk=item.pk)
    _require(by, "carrier.record", item)
    if item.published_at is None:
        raise ActionError(_("事项公开后才能登记其他公开形式。"))
    if kind not in CarrierKind.values:
        raise ActionError(_("请选择公开形式。"))
    if not isinstance(on, date) or on > timezone.localdate():
        raise ActionError(_("请填写不晚于今天的日期。"))
    detail = clean_line(detail, field=_("说明"), max_length=200, required=kind == CarrierKind.MEETING)
    doc_number = clean_line(doc_number, field=_("文号"), max_length=60, required=kind == CarrierKind.DOCUMENT)
    if kind == CarrierKind.MEETING and (not isinstance(attendance, int) or not 0 < attendance < 100_000):
        raise ActionError(_("会议公开须填写参会人数。"))
    if kind != CarrierKind.MEETING:
        attendance = None
    carrier = Carrier(
        item=item,
        org_path=item.org_path,
        kind=kind,
        on=on,
        detail=detail,
        attendance=attendance,
        doc_number=doc_number,
        recorded_by=by,
    )
    if photo is not None:
        carrier.photo_name, carrier.photo_sha256 = _photo(photo)
    try:
        carrier.save()
    except Exception:
        if carrier.photo_name:
            default_storage.delete(carrier.photo_name)  # a failed action leaves no file behind
        raise
    record(
        action="carrier.record",
        obj=carrier,
        actor=by,
        data={"item": item.pk, "kind": kind, "on": on.isoformat()},
    )
    # R36: the carrier the catalogue requires completes the item's disclosure: its obligation now.
    required = item.catalogue_item.required_carrier if item.catalogue_item_id else ""
    if kind == required and not Obligation.objects.filter(fulfilled_item=item).exists():
        fulfil_for_item(item)
    # The item page shows its carriers: drop cached copies now and after commit.
    board_cache.invalidate(item.org_id)
    transaction.on_commit(lambda: board_cache.invalidate(item.org_id))
    return carrier


@transaction.atomic
def record_board_posting(org, items, *, by, on: date, photo=None) -> int:
    """R36: the printed board was posted on `on`: one 公开栏 carrier per item on it, one photo shared."""
    _require(by, "board.record_posting", org)
    items = [i for i in items if i.org_id == org.pk]
    if not items:
        raise ActionError(_("公开栏上没有可记录的事项。"))
    stored = _photo(photo) if photo is not None else ("", "")
    for item in items:
        carrier = record_carrier(item, by=by, kind=CarrierKind.BOARD, on=on, detail=_("公开栏张贴"))
        if stored[0]:
            carrier.photo_name, carrier.photo_sha256 = stored
            carrier.save(update_fields=["photo_name", "photo_sha256"])
    return len(items)


# ---- R37: accountability ------------------------------------------------------------------------


@transaction.atomic
def record_accountability(
    org, *, by, kind, person, facts, decision, decided_on: date, finding=None
) -> AccountabilityRecord:
    """R37: 责任追究: when a rectification is ignored or a disclosure was false or late."""
    _require(by, "accountability.record", org)
    if kind not in AccountabilityKind.values:
        raise ActionError(_("请选择追责事由。"))
    if not isinstance(decided_on, date) or decided_on > timezone.localdate():
        raise ActionError(_("请填写不晚于今天的决定日期。"))
    if finding is not None and not finding.org_path.startswith(org.path):
        raise ActionError(_("所选检查发现不属于该党组织。"))
    entry = AccountabilityRecord.objects.create(
        org=org,
        org_path=org.path,
        kind=kind,
        person=clean_line(person, field=_("责任人"), max_length=100),
        facts=clean_text(facts, field=_("问题事实"), max_length=5000),
        decision=clean_text(decision, field=_("处理决定"), max_length=5000),
        decided_on=decided_on,
        finding=finding,
        recorded_by=by,
    )
    record(action="accountability.record", obj=entry, actor=by, data={"kind": kind})
    return entry
