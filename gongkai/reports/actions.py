"""The year's paperwork (R35–R37): one transaction per action, rows locked, the wrong state or actor
refused, an audit entry in the same transaction. Pages, the API and the demo call these."""

import hashlib
import secrets
from datetime import date

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai import access
from gongkai.audit.log import record
from gongkai.catalogue.models import CatalogueItem, Category, Scope
from gongkai.disclosure import actions as disclosure
from gongkai.disclosure import board_cache
from gongkai.disclosure.models import DisclosureItem, State
from gongkai.lib import filetypes
from gongkai.lib.errors import ActionError
from gongkai.lib.text import clean_line, clean_text
from gongkai.obligations.actions import fulfil_for_item
from gongkai.obligations.models import Obligation

from . import annual, documents
from . import summary as inspection_summary
from .models import (  # noqa: F401 - AccountabilityRecord re-exported for callers
    AccountabilityKind,
    AccountabilityRecord,
    AnnualReport,
    BoardScreen,
    Carrier,
    CarrierKind,
    Filing,
    InspectionSummary,
    LeaderComment,
)

MAX_PHOTO_BYTES = 10 * 1024 * 1024
REPORT_ITEM_TITLE = "年度报告"  # the catalogue's 党务公开工作年度报告 (reference catalogue no. 43)


_require = access.require  # refuses with NotAllowed, the denial audited (SECURITY 10)


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
    report = (
        AnnualReport.objects.select_for_update(of=("self",)).select_related("item", "org").get(pk=report.pk)
    )
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


# ---- R37: inspection summary and filings upward ------------------------------------------------------


def _store_document(data: bytes) -> tuple[str, str]:
    name = default_storage.save(f"filings/{secrets.token_hex(16)}.docx", ContentFile(data))
    return name, hashlib.sha256(data).hexdigest()


def _file(*, kind, org, title, recipient, recipient_org, on, by, document: bytes, **subject) -> Filing:
    name, digest = _store_document(document)
    try:
        filing = Filing.objects.create(
            kind=kind,
            org=org,
            org_path=org.path,
            title=title,
            recipient=recipient,
            recipient_org=recipient_org,
            recipient_path=recipient_org.path if recipient_org else "",
            document_name=name,
            document_sha256=digest,
            filed_on=on,
            filed_by=by,
            **subject,
        )
    except Exception:
        default_storage.delete(name)  # a failed action leaves no file behind
        raise
    record(action=f"filing.{kind}", obj=filing, actor=by, data={"recipient": recipient, "sha256": digest})
    if recipient_org is not None:
        transaction.on_commit(lambda: _tell_recipient(filing))
    return filing


def _tell_recipient(filing: Filing) -> None:
    from django.urls import reverse

    from gongkai.notifications.actions import notify
    from gongkai.orgs.models import Membership, Role

    url = reverse("reports:filing", args=[filing.pk])
    for m in Membership.objects.filter(
        org=filing.recipient_org, role__in=[Role.INSPECTOR, Role.SECRETARY]
    ).select_related("user"):
        notify(m.user, _("收到报备：%(title)s") % {"title": filing.title}, filing.org.name, url=url)


@transaction.atomic
def draft_inspection_summary(org, year: int, *, by, conclusions) -> InspectionSummary:
    """The office writes its conclusions; the figures are computed now (and again until filed)."""
    _require(by, "summary.write", org)
    if not isinstance(year, int) or not 2000 <= year <= timezone.localdate().year:
        raise ActionError(_("年度无效。"))
    conclusions = clean_text(conclusions, field=_("总结与结论"), max_length=20_000)
    summary = InspectionSummary.objects.select_for_update().filter(org=org, year=year).first()
    if summary is not None and summary.is_filed:
        raise ActionError(_("总结已报送，不能再修改。"))
    if summary is None:
        summary = InspectionSummary(org=org, org_path=org.path, year=year, created_by=by)
    summary.conclusions = conclusions
    summary.figures = inspection_summary.compute(org, year, timezone.now())
    summary.save()
    record(action="summary.draft", obj=summary, actor=by, data={"year": year})
    return summary


def summary_title(summary) -> str:
    return _("%(org)s%(year)s年度党务公开督导检查总结报告") % {"org": summary.org.name, "year": summary.year}


def summary_docx(summary, recipient: str = "", on=None) -> bytes:
    parts = [
        (_("一、检查情况"), _("共检查党组织 %(n)s 个，开展检查 %(i)s 次，发现问题 %(f)s 个。") % {
            "n": summary.figures["inspected_orgs"], "i": summary.figures["total"]["inspections"],
            "f": summary.figures["total"]["findings"]}, inspection_summary.tables(summary.figures)),
        (_("二、总结与结论"), summary.conclusions, []),
    ]  # fmt: skip
    closing = [summary.org.name, on.strftime("%Y年%m月%d日")] if on else []
    subtitle = (_("报送：%(to)s") % {"to": recipient}) if recipient else ""
    return documents.docx(summary_title(summary), subtitle, parts, closing)


@transaction.atomic
def file_inspection_summary(summary, *, by, recipient, on: date) -> Filing:
    """File the summary upward: the figures are frozen and the DOCX stored with its digest (immutable)."""
    summary = (
        InspectionSummary.objects.select_for_update(of=("self",)).select_related("org").get(pk=summary.pk)
    )
    _require(by, "summary.write", summary.org)
    if summary.is_filed:
        raise ActionError(_("总结已报送。"))
    recipient = clean_line(recipient, field=_("报送单位"), max_length=100)
    if not isinstance(on, date) or on > timezone.localdate():
        raise ActionError(_("请填写不晚于今天的报送日期。"))
    summary.figures = inspection_summary.compute(summary.org, summary.year, timezone.now())
    filing = _file(
        kind=Filing.Kind.SUMMARY, org=summary.org, title=summary_title(summary), recipient=recipient,
        recipient_org=summary.org.parent(), on=on, by=by, document=summary_docx(summary, recipient, on),
    )  # fmt: skip
    summary.filing = filing
    summary.save(update_fields=["figures", "filing", "updated_at"])
    return filing


def _change_docx(request, on) -> tuple[str, bytes]:
    item = request.item
    parts = [
        (_("一、事项"), f"《{item.title}》（{_('索引号')}：{item.index_number}）", []),
        (_("二、类型"), request.get_kind_display(), []),
        (_("三、理由"), request.reason, []),
        (_("四、审批"), _("%(who)s 于 %(d)s 批准。") % {
            "who": request.decided_by.display_name or request.decided_by.username,
            "d": timezone.localdate(request.decided_at).isoformat()}, []),
    ]  # fmt: skip
    title = _("关于%(org)s公开事项%(kind)s的报备") % {
        "org": item.org.name,
        "kind": request.get_kind_display(),
    }
    return title, documents.docx(title, "", parts, [item.org.name, on.strftime("%Y年%m月%d日")])


@transaction.atomic
def file_change(request, *, by, on: date | None = None) -> Filing:
    """R11: an approved change, revocation or termination is filed with the leading group above."""
    from gongkai.disclosure.models import ChangeRequest

    request = (
        ChangeRequest.objects.select_for_update(of=("self",))
        .select_related("item__org", "decided_by")
        .get(pk=request.pk)
    )
    _require(by, "filing.make", request.item.org)
    if request.status != ChangeRequest.Status.APPROVED:
        raise ActionError(_("只有已批准的变更、撤销、终止申请需要报备。"))
    if Filing.objects.filter(change_request=request).exists():
        raise ActionError(_("该申请已报备。"))
    on = on or timezone.localdate()
    org = request.item.org
    upper = org.parent()
    title, document = _change_docx(request, on)
    return _file(
        kind=Filing.Kind.CHANGE, org=org, title=title, recipient=request.filed_with or (upper.name if upper else ""),
        recipient_org=upper, on=on, by=by, document=document, change_request=request,
    )  # fmt: skip


@transaction.atomic
def file_withholding_document(withholding, *, by, on: date | None = None) -> Filing:
    """R12: the withholding filed as a document with the upper organisation (which decides on it)."""
    from gongkai.disclosure.models import Withholding

    w = (
        Withholding.objects.select_for_update(of=("self",))
        .select_related("org", "catalogue_item")
        .get(pk=withholding.pk)
    )
    _require(by, "filing.make", w.org)
    if Filing.objects.filter(withholding=w).exists():
        raise ActionError(_("该事项已报备。"))
    on = on or timezone.localdate()
    upper = w.org.parent()
    title = _("关于%(org)s“%(item)s”暂不公开（不予公开）的报备") % {
        "org": w.org.name,
        "item": w.catalogue_item.title,
    }
    parts = [
        (_("一、目录事项"), f"{w.catalogue_item.title} {w.period_label}", []),
        (_("二、理由"), w.get_reason_display() + (f"（{_('暂缓至')} {w.until}）" if w.until else ""), []),
        (_("三、说明"), w.explanation, []),
    ]
    document = documents.docx(title, "", parts, [w.org.name, on.strftime("%Y年%m月%d日")])
    return _file(
        kind=Filing.Kind.WITHHOLDING, org=w.org, title=title, recipient=upper.name if upper else "",
        recipient_org=upper, on=on, by=by, document=document, withholding=w,
    )  # fmt: skip


@transaction.atomic
def acknowledge_filing(filing, *, by, note="") -> Filing:
    """The receiving side signs for the filing (签收) in Gongkai."""
    filing = Filing.objects.select_for_update(of=("self",)).select_related("recipient_org").get(pk=filing.pk)
    _require(by, "filing.acknowledge", filing)
    if filing.acknowledged_at is not None:
        raise ActionError(_("该报备已签收。"))
    filing.acknowledged_by, filing.acknowledged_at = by, timezone.now()
    filing.acknowledgement_note = clean_line(note, field=_("签收意见"), max_length=500, required=False)
    filing.save(update_fields=["acknowledged_by", "acknowledged_at", "acknowledgement_note"])
    record(action="filing.acknowledge", obj=filing, actor=by)
    return filing


# ---- R37: 领导点评 --------------------------------------------------------------------------------


@transaction.atomic
def comment_on(org, *, by, leader_title, text, published=False) -> LeaderComment:
    """A leader of the level above comments on an organisation's disclosure; optionally published."""
    _require(by, "comment.write", org)
    comment = LeaderComment.objects.create(
        org=org,
        org_path=org.path,
        leader=by,
        leader_title=clean_line(leader_title, field=_("职务"), max_length=50),
        text=clean_text(text, field=_("点评意见"), max_length=5000),
        published=bool(published),
    )
    record(action="comment.write", obj=comment, actor=by, data={"published": comment.published})
    if comment.published:
        board_cache.invalidate(org.pk)
        transaction.on_commit(lambda: board_cache.invalidate(org.pk))
    return comment


# ---- R36: the board on a screen ------------------------------------------------------------------


@transaction.atomic
def create_screen(org, *, by, name, audience) -> tuple[BoardScreen, str]:
    """A screen with its display token; the token is returned once and only its digest is kept."""
    _require(by, "screen.manage", org)
    if audience not in BoardScreen.Audience.values:
        raise ActionError(_("请选择展示范围。"))
    token = secrets.token_urlsafe(32)
    screen = BoardScreen.objects.create(
        org=org,
        name=clean_line(name, field=_("屏幕名称"), max_length=60),
        audience=audience,
        token_hash=hashlib.sha256(token.encode()).hexdigest(),
        created_by=by,
    )
    record(action="screen.create", obj=screen, actor=by, data={"audience": audience})
    return screen, token


@transaction.atomic
def revoke_screen(screen, *, by) -> BoardScreen:
    """Stop a screen now: its token opens nothing from the next request on."""
    screen = BoardScreen.objects.select_for_update(of=("self",)).select_related("org").get(pk=screen.pk)
    _require(by, "screen.manage", screen.org)
    if screen.revoked_at is not None:
        raise ActionError(_("该屏幕已停用。"))
    screen.revoked_at = timezone.now()
    screen.save(update_fields=["revoked_at"])
    record(action="screen.revoke", obj=screen, actor=by)
    return screen


@transaction.atomic
def record_screen_showing(screen, *, by, on: date) -> int:
    """R36: the items the screen shows were disclosed on it on `on` (a 电子公开栏 carrier each)."""
    _require(by, "screen.manage", screen.org)
    if screen.revoked_at is not None:
        raise ActionError(_("该屏幕已停用。"))
    items = list(access.screen_items(screen))
    for item in items:
        record_carrier(item, by=by, kind=CarrierKind.SCREEN, on=on, detail=screen.name)
    return len(items)
