"""Every change to a disclosure item is one function here: one transaction, the row locked, the wrong
state or actor refused, an event recorded. Pages, the API and jobs all call these."""

import secrets

from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai import access
from gongkai.audit.log import record
from gongkai.catalogue.models import SCOPE_WIDTH, CatalogueItem, Scope, current_version_for
from gongkai.lib import confidentiality, filetypes, richtext, uploads, workdays
from gongkai.lib.db import locked
from gongkai.lib.errors import ActionError
from gongkai.lib.text import clean_line, clean_text
from gongkai.notifications.actions import notify_on_commit
from gongkai.numbering.models import next_number
from gongkai.orgs.models import Role

from . import board_cache, ports, windows
from .models import (
    TRANSITIONS,
    Attachment,
    BodyFormat,
    ChangeRequest,
    ConfidentialityFinding,
    DisclosureItem,
    ItemEvent,
    State,
    Withholding,
    WorkPlan,
)

MAX_ATTACHMENT_BYTES = uploads.MAX_BYTES
MAX_ATTACHMENTS = 10


def _locked(item: DisclosureItem) -> DisclosureItem:
    return locked(item, "org", "catalogue_item")


def _move(item: DisclosureItem, transition: str, *, by, note: str = "", fields=()) -> None:
    """Apply a transition of the table, or refuse it; record the event in the same transaction."""
    allowed_from, to_state = TRANSITIONS[transition]
    if item.state not in allowed_from:
        raise ActionError(_("当前状态为“%(state)s”，不能执行此操作。") % {"state": State(item.state).label})
    from_state = item.state
    item.state = to_state
    item.save(update_fields=["state", "updated_at", *fields])
    ports.index_item(item)  # R30: the index follows every state change, in this transaction
    _event(item, transition, by=by, from_state=from_state, note=note)


def _event(item, action, *, by, from_state="", note=""):
    """Every change of an item (state, text, attachments, masking) is an event: its pages' cached
    bodies go, before and after commit (a reader between the two re-caches only until commit)."""
    board_cache.invalidate(item.org_id)
    transaction.on_commit(lambda: board_cache.invalidate(item.org_id))
    ItemEvent.objects.create(
        item=item, action=action, from_state=from_state, to_state=item.state, actor=by, note=note[:500]
    )
    record(
        action=f"item.{action}", obj=item, actor=by, data={"from": from_state, "to": item.state, "note": note}
    )


def _item_url(item) -> str:
    return reverse("disclosure:work_item", args=[item.pk])


def _requests_url() -> str:
    return reverse("disclosure:requests")


def _tell(users, title: str, item, *, by, body: str = "") -> None:
    """Issue 16: the next person in the item's workflow hears of it (in-app and email, on commit)."""
    notify_on_commit(users, title, body or item.org.name, _item_url(item), skip=by)


def _validate_scope(scope: str, catalogue_item: CatalogueItem | None) -> str:
    if scope not in Scope.values:
        raise ActionError(_("公开范围无效。"))
    if catalogue_item and SCOPE_WIDTH[scope] > SCOPE_WIDTH[catalogue_item.target_scope]:
        raise ActionError(
            _("公开范围不能宽于目录规定的范围（%(scope)s）。")
            % {"scope": catalogue_item.get_target_scope_display()}
        )
    return scope


def _content(fields: dict, body_format: str = BodyFormat.MARKDOWN) -> dict:
    out = {}
    if "title" in fields:
        out["title"] = clean_line(fields["title"], field=_("标题"), max_length=200)
    if fields.get("body_format"):
        if fields["body_format"] not in BodyFormat.values:
            raise ActionError(_("正文格式无效。"))
        body_format = out["body_format"] = fields["body_format"]
    if "body" in fields:
        body = fields["body"] or ""
        if body_format == BodyFormat.HTML:  # pasted from Word/WPS: kept to headings, lists, tables
            body = richtext.clean_html(body)
        out["body"] = clean_text(body, field=_("正文"), max_length=50_000, required=False)
    if "doc_number" in fields:
        out["doc_number"] = clean_line(
            fields["doc_number"] or "", field=_("文号"), max_length=60, required=False
        )
    for key in ("period_label", "stage"):
        if key in fields:
            out[key] = clean_line(fields[key] or "", field=key, max_length=40, required=False)
    if "event_date" in fields:
        out["event_date"] = fields["event_date"]
    if "expires_at" in fields:
        out["expires_at"] = fields["expires_at"]
    return out


@transaction.atomic
def create_item(org, *, by, title, body="", catalogue_item=None, work_plan=None, scope=None, **extra):
    """A draft under a catalogue item that applies to `org`, or under its approved work plan (R8)."""
    access.require(by, "item.create", org)
    if catalogue_item is None and work_plan is None:
        raise ActionError(_("请选择目录事项；目录外事项须先报批工作方案。"))
    if catalogue_item is not None:
        version = current_version_for(org)
        applicable = version and CatalogueItem.objects.for_org(org).filter(pk=catalogue_item.pk).exists()
        if not applicable:
            raise ActionError(_("该目录事项不适用于本组织。"))
        category = catalogue_item.category
        scope = scope or catalogue_item.target_scope
    else:
        work_plan = WorkPlan.objects.get(pk=work_plan.pk)  # its status as decided, not as the caller saw it
        if work_plan.org_id != org.pk or work_plan.status != WorkPlan.Status.APPROVED:
            raise ActionError(_("目录外事项须先经目录制定单位同意工作方案。"))
        category = work_plan.category
        scope = scope or Scope.ORG_MEMBERS
    item = DisclosureItem(
        org=org,
        org_path=org.path,
        catalogue_item=catalogue_item,
        work_plan=work_plan,
        category=category,
        scope=_validate_scope(scope, catalogue_item),
        author=by,
        **_content({"title": title, "body": body, **extra}),
    )
    item.full_clean(exclude=["org_path", "author"])
    item.save()
    _event(item, "create", by=by)
    return item


@transaction.atomic
def update_item(item, *, by, scope=None, **fields):
    item = _locked(item)
    access.require(by, "item.edit", item)
    changes = _content(fields, item.body_format)
    if scope is not None:
        changes["scope"] = _validate_scope(scope, item.catalogue_item)
    for key, value in changes.items():
        setattr(item, key, value)
    item.save(update_fields=[*changes, "updated_at"])
    _event(item, "update", by=by)
    return item


@transaction.atomic
def import_body(item, uploaded, *, by):
    """Issue 16: the body filled from a Word/WPS document (DOCX: headings, lists and tables kept)."""
    item = _locked(item)
    access.require(by, "item.edit", item)
    if uploaded.size > uploads.MAX_BYTES:
        raise ActionError(_("附件不能超过 20 MB。"))
    data = uploaded.read()
    if filetypes.sniff(data) != "docx":
        raise ActionError(_("请上传 Word 文档（.docx）；WPS 文档请先另存为 .docx。"))
    try:
        body = richtext.docx_to_html(data)
    except Exception:  # a damaged file: say so, never a 500
        raise ActionError(_("无法读取该 Word 文档，请检查文件是否完整。")) from None
    item.body = clean_text(body, field=_("正文"), max_length=50_000, required=False)
    item.body_format = BodyFormat.HTML
    item.save(update_fields=["body", "body_format", "updated_at"])
    _event(
        item,
        "update",
        by=by,
        note=clean_line(uploaded.name or "", field="name", max_length=200, required=False),
    )
    return item


@transaction.atomic
def delete_draft(item, *, by) -> None:
    """Issue 16: the author deletes a draft never submitted for the first time, with its files; a draft
    with history elsewhere (sent back, a correcting version, an application's answer) is kept."""
    item = _locked(item)
    access.require(by, "item.delete", item)
    if item.events.exclude(action__in=["create", "update", "attach", "detach", "attachment_scope"]).exists():
        raise ActionError(_("该草稿已进入过审核流程，不能删除；如不再需要，请联系审核人。"))
    if item.supersedes_id:
        raise ActionError(_("变更后的新版本草稿不能删除。"))
    if apps.get_model("applications", "Application").objects.filter(created_item=item).exists():
        raise ActionError(_("该草稿由依申请公开的答复生成，不能删除。"))
    stored = list(item.attachments.values_list("stored_name", flat=True))
    record(action="item.delete_draft", obj=item, actor=by, data={"title": item.title})
    board_cache.invalidate(item.org_id)
    item.delete()
    transaction.on_commit(lambda: [default_storage.delete(name) for name in stored])


@transaction.atomic
def add_attachment(item, uploaded, *, by, keep_inside=False):
    """R13/security: type by content from an allow-list, size and count limits, a random stored name."""
    item = _locked(item)
    access.require(by, "item.edit", item)
    if item.attachments.count() >= MAX_ATTACHMENTS:
        raise ActionError(_("每个事项最多上传 %(n)s 个附件。") % {"n": MAX_ATTACHMENTS})
    try:
        upload = uploads.store(uploaded, "attachments")
    except uploads.UploadRefused as exc:
        raise ActionError(str(exc)) from None
    try:
        attachment = Attachment.objects.create(
            item=item,
            original_name=upload.original_name,
            stored_name=upload.stored_name,
            kind=upload.kind,
            size=upload.size,
            sha256=upload.sha256,
            text=upload.text,
            keep_inside=keep_inside,
        )
    except Exception:
        default_storage.delete(upload.stored_name)  # a failed action leaves no file behind
        raise
    _event(item, "attach", by=by, note=upload.original_name)
    ports.index_item(item)  # R30: attachments' text is indexed with the item (a no-op before publication)
    return attachment


@transaction.atomic
def remove_attachment(attachment, *, by):
    item = _locked(attachment.item)
    access.require(by, "item.edit", item)
    stored = attachment.stored_name
    attachment.delete()
    transaction.on_commit(lambda: default_storage.delete(stored))
    _event(item, "detach", by=by, note=attachment.original_name)
    ports.index_item(item)  # R30


@transaction.atomic
def set_keep_inside(attachment, keep_inside: bool, *, by):
    item = _locked(attachment.item)
    if item.state not in (State.DRAFT, State.SUBMITTED, State.REVIEWED):
        raise ActionError(_("已审批的事项不能再调整附件范围。"))
    if not access.can(by, "item.edit", item):
        access.require(by, "item.resolve_findings", item)
    attachment.keep_inside = keep_inside
    attachment.save(update_fields=["keep_inside"])
    _event(
        item,
        "attachment_scope",
        by=by,
        note=f"{attachment.original_name}: {'inside' if keep_inside else 'with item'}",
    )
    ports.index_item(item)  # R30: who may match its text changes with it


def _scan(item) -> None:
    """R13: (re)scan the body and each attachment's text; earlier decisions are dropped with the text."""
    item.findings.all().delete()
    rows = [
        ConfidentialityFinding(
            item=item, kind=h.kind, value=h.value[:60], start=h.start, end=h.end, context=h.context[:200]
        )
        for h in confidentiality.scan_text(item.body)
    ]
    for attachment in item.attachments.all():
        rows += [
            ConfidentialityFinding(
                item=item,
                attachment=attachment,
                kind=h.kind,
                value=h.value[:60],
                start=h.start,
                end=h.end,
                context=h.context[:200],
            )
            for h in confidentiality.scan_text(attachment.text)
        ]
    ConfidentialityFinding.objects.bulk_create(rows)


@transaction.atomic
def submit_item(item, *, by):
    item = _locked(item)
    access.require(by, "item.submit", item)
    if not item.title.strip():
        raise ActionError(_("请填写标题。"))
    _scan(item)
    _move(item, "submit", by=by)
    _tell(
        access.next_actors(item.org, {Role.REVIEWER}, "item.review", item),
        _("待审核：%(title)s") % {"title": item.title}, item, by=by,
    )  # fmt: skip
    return item


@transaction.atomic
def review_item(item, *, by, note=""):
    item = _locked(item)
    access.require(by, "item.review", item)
    item.reviewer = by
    _move(item, "review", by=by, note=note, fields=["reviewer"])
    _tell(
        access.next_actors(item.org, {Role.SECRETARY}, "item.approve", item),
        _("待审批：%(title)s") % {"title": item.title}, item, by=by,
    )  # fmt: skip
    return item


@transaction.atomic
def resolve_finding(finding, *, by, mask: bool, reason: str = ""):
    """The reviewer masks a hit (readers see the mask) or acknowledges it with a reason."""
    item = _locked(finding.item)
    access.require(by, "item.resolve_findings", item)
    if item.state not in (State.SUBMITTED, State.REVIEWED):
        raise ActionError(_("只有审核、审批中的事项可以处理保密检查结果。"))
    if mask and finding.attachment_id:
        raise ActionError(_("附件中的内容无法直接遮盖：请确认可公开，或将该附件设为仅本组织党员可见。"))
    if not mask:
        reason = clean_line(reason, field=_("理由"), max_length=300)
    finding.status = (
        ConfidentialityFinding.Status.MASKED if mask else ConfidentialityFinding.Status.ACKNOWLEDGED
    )
    finding.reason = reason
    finding.resolved_by = by
    finding.resolved_at = timezone.now()
    finding.save(update_fields=["status", "reason", "resolved_by", "resolved_at"])
    _event(
        item, "mask" if mask else "acknowledge", by=by, note=confidentiality.KIND_LABELS.get(finding.kind, "")
    )
    return finding


@transaction.atomic
def acknowledge_generated_text(item, *, lines: set[str], reason: str) -> int:
    """R13: hits in the body that lie on a line the system generated itself (the national format's row
    labels of an annual report, e.g. 属于国家秘密) are acknowledged with `reason`; typed text never is."""
    item = _locked(item)
    if item.state != State.SUBMITTED:
        raise ActionError(_("只有已提出的事项可以处理保密检查结果。"))
    done = 0
    for finding in item.findings.filter(status=ConfidentialityFinding.Status.OPEN, attachment__isnull=True):
        start = item.body.rfind("\n", 0, finding.start) + 1
        end = item.body.find("\n", finding.end)
        if item.body[start : end if end >= 0 else None] in lines:
            finding.status, finding.reason, finding.resolved_at = (
                ConfidentialityFinding.Status.ACKNOWLEDGED,
                reason,
                timezone.now(),
            )
            finding.save(update_fields=["status", "reason", "resolved_at"])
            _event(item, "acknowledge", by=None, note=reason)
            done += 1
    return done


def blocking_findings(item) -> list[ConfidentialityFinding]:
    return [f for f in item.findings.select_related("attachment", "item") if f.blocks()]


@transaction.atomic
def approve_item(item, *, by, note=""):
    """R7 + R13: the secretary approves; an open hit on text going wider blocks approval."""
    item = _locked(item)
    access.require(by, "item.approve", item)
    blocking = blocking_findings(item)
    if blocking:
        raise ActionError(
            _("保密检查发现 %(n)s 处敏感信息尚未处理（如%(kind)s），请审核人遮盖或确认后再审批。")
            % {"n": len(blocking), "kind": confidentiality.KIND_LABELS.get(blocking[0].kind, "")}
        )
    item.published_body = item.masked_body()
    item.approver = by
    _move(item, "approve", by=by, note=note, fields=["approver", "published_body"])
    _tell([item.author], _("已审批，可以公开：%(title)s") % {"title": item.title}, item, by=by)
    return item


@transaction.atomic
def send_back_item(item, *, by, reason):
    item = _locked(item)
    access.require(by, "item.send_back", item)
    reason = clean_line(reason, field=_("退回理由"), max_length=500)
    _move(item, "send_back", by=by, note=reason)
    _tell(
        [item.author], _("被退回修改：%(title)s") % {"title": item.title}, item, by=by,
        body=_("退回理由：%(reason)s") % {"reason": reason},
    )  # fmt: skip
    return item


def _index_number(item, now) -> str:
    year = timezone.localtime(now).year
    seq = next_number(f"index:{item.org.code}:{year}")
    return f"{item.org.code}-{year}-{item.category:02d}-{seq:05d}"


@transaction.atomic
def publish_item(item, *, by, now=None):
    """R9/R10: published inside at once; a public-target item goes public after its internal period;
    a short-term item expires after its period. A new version replaces the one it supersedes (R11)."""
    item = _locked(item)
    access.require(by, "item.publish", item)
    now = now or timezone.now()
    try:
        planned = windows.windows(item.catalogue_item, item.scope, now, ports.working_calendar())
    except workdays.CalendarNotCovered as exc:
        raise ActionError(
            _("公示期将跨入 %(y)s 年，工作日历尚未覆盖该年：请管理员先录入该年放假安排。") % {"y": exc.year}
        ) from None
    item.published_at = now
    if item.scope == Scope.PUBLIC:
        item.public_from = planned.public_from
    if item.expires_at is None:
        item.expires_at = planned.expires_at
    item.index_number = _index_number(item, now)
    _move(item, "publish", by=by, fields=["published_at", "public_from", "expires_at", "index_number"])
    if item.supersedes_id:
        old = _locked(item.supersedes)
        old.ended_at = now
        old.notice = item.notice
        _move(old, "supersede", by=by, note=item.notice, fields=["ended_at", "notice"])
    ports.archive_item(item, event="change" if item.supersedes_id else "publish", by=by, now=now)  # R24
    ports.fulfil_obligation(item)  # R14: publishing fulfils its obligation, in this transaction
    _tell([item.author], _("已公开：%(title)s") % {"title": item.title}, item, by=by)
    return item


@transaction.atomic
def request_change(item, *, by, kind, reason, new_title="", new_body=""):
    item = _locked(item)
    access.require(by, "item.request_change", item)
    if item.state != State.PUBLISHED:
        raise ActionError(_("只有已公开的事项可以申请变更、撤销或终止。"))
    if kind not in ChangeRequest.Kind.values:
        raise ActionError(_("申请类型无效。"))
    if item.change_requests.filter(status=ChangeRequest.Status.PENDING).exists():
        raise ActionError(_("该事项已有待批准的申请。"))
    request = ChangeRequest.objects.create(
        item=item,
        kind=kind,
        reason=clean_line(reason, field=_("理由"), max_length=500),
        new_title=clean_line(
            new_title, field=_("新标题"), max_length=200, required=kind == ChangeRequest.Kind.CHANGE
        ),
        new_body=clean_text(new_body, field=_("新正文"), max_length=50_000, required=False),
        requested_by=by,
    )
    _event(item, f"request_{kind}", by=by, note=request.reason)
    notify_on_commit(
        access.next_actors(item.org, {Role.CATALOGUE_OWNER}, "item.decide_change", item),
        _("待批准的%(kind)s申请：%(title)s") % {"kind": request.get_kind_display(), "title": item.title},
        f"{item.org.name}：{request.reason}", _requests_url(), skip=by,
    )  # fmt: skip
    return request


@transaction.atomic
def decide_change(request, *, by, approve: bool):
    """R11: the catalogue owner approves; the decision is filed with the leading group. A change opens a
    new version (a draft through the whole workflow); revocation and termination end the item now."""
    request = locked(request)
    item = _locked(request.item)
    access.require(by, "item.decide_change", item)
    if request.status != ChangeRequest.Status.PENDING:
        raise ActionError(_("该申请已处理。"))
    version = current_version_for(item.org)
    request.status = ChangeRequest.Status.APPROVED if approve else ChangeRequest.Status.REJECTED
    request.decided_by = by
    request.decided_at = timezone.now()
    request.filed_with = version.catalogue.filing_body if version else ""
    request.save(update_fields=["status", "decided_by", "decided_at", "filed_with"])
    new_version = None
    if approve and request.kind == ChangeRequest.Kind.CHANGE:
        new_version = DisclosureItem.objects.create(
            org=item.org,
            org_path=item.org_path,
            catalogue_item=item.catalogue_item,
            work_plan=item.work_plan,
            category=item.category,
            title=request.new_title,
            body=request.new_body or item.body,
            body_format=BodyFormat.MARKDOWN if request.new_body else item.body_format,
            doc_number=item.doc_number,
            scope=item.scope,
            event_date=item.event_date,
            period_label=item.period_label,
            stage=item.stage,
            version=item.version + 1,
            supersedes=item,
            notice=request.reason,
            author=request.requested_by,
        )
        _copy_attachments(item, new_version)
        # Issue 16.2: the new version is the requester's work; the approval is the owner's event below.
        _event(new_version, "create", by=request.requested_by, note=request.reason)
    elif approve:
        item.ended_at = request.decided_at
        item.notice = request.reason
        _move(item, request.kind, by=by, note=request.reason, fields=["ended_at", "notice"])
        ports.archive_item(item, event=request.kind, by=by)  # R24: the revoked/terminated version
        ports.item_withdrawn(item)  # R14: the only current long-term item gone reopens its obligation
    _event(item, "approve_change" if approve else "reject_change", by=by, note=request.get_kind_display())
    notify_on_commit(
        [request.requested_by],
        (_("%(kind)s申请已批准：%(title)s") if approve else _("%(kind)s申请未获批准：%(title)s"))
        % {"kind": request.get_kind_display(), "title": item.title},
        _("已生成变更后的新版本草稿，请修改后提交审核。") if new_version else "",
        _item_url(new_version or item), skip=by,
    )  # fmt: skip
    return new_version


def _copy_attachments(old: DisclosureItem, new: DisclosureItem) -> None:
    """The correcting version starts with the old one's files (its own copies, so removing one from
    the draft leaves the published version and the archive whole)."""
    for a in old.attachments.all():
        with default_storage.open(a.stored_name, "rb") as fh:
            data = fh.read()
        stored = default_storage.save(
            f"attachments/{secrets.token_hex(16)}{filetypes.EXTENSIONS[a.kind]}", ContentFile(data)
        )
        Attachment.objects.create(
            item=new, original_name=a.original_name, stored_name=stored, kind=a.kind, size=a.size,
            sha256=a.sha256, text=a.text, keep_inside=a.keep_inside,
        )  # fmt: skip


@transaction.atomic
def submit_work_plan(org, *, by, title, body, category):
    access.require(by, "item.create", org)
    plan = WorkPlan.objects.create(
        org=org,
        title=clean_line(title, field=_("方案名称"), max_length=200),
        body=clean_text(body, field=_("方案内容"), max_length=20_000),
        category=category,
        created_by=by,
    )
    record(action="workplan.submit", obj=plan, actor=by)
    notify_on_commit(
        access.next_actors(org, {Role.CATALOGUE_OWNER}, "workplan.decide", plan),
        _("待审核的工作方案：%(title)s") % {"title": plan.title}, org.name, _requests_url(), skip=by,
    )  # fmt: skip
    return plan


def _decide(obj, *, by, rule: str, pending: str, outcome: str, note: str, action: str):
    """An upper organisation's decision on a filing (R8, R12): once, with a note, audited."""
    obj = locked(obj, "org")
    access.require(by, rule, obj)
    if obj.status != pending:
        raise ActionError(_("该事项已处理。"))
    obj.status = outcome
    obj.decided_by, obj.decided_at = by, timezone.now()
    obj.decision_note = clean_line(note, field=_("审核意见"), max_length=500, required=False)
    obj.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    record(action=action, obj=obj, actor=by, data={"status": outcome})
    return obj


@transaction.atomic
def decide_work_plan(plan, *, by, approve: bool, note=""):
    outcome = WorkPlan.Status.APPROVED if approve else WorkPlan.Status.REJECTED
    plan = _decide(
        plan, by=by, rule="workplan.decide", pending=WorkPlan.Status.PENDING, outcome=outcome, note=note,
        action="workplan.decide",
    )  # fmt: skip
    notify_on_commit(
        [plan.created_by],
        (_("工作方案已同意：%(title)s") if approve else _("工作方案未获同意：%(title)s")) % {"title": plan.title},
        plan.decision_note, _requests_url(), skip=by,
    )  # fmt: skip
    return plan


@transaction.atomic
def file_withholding(org, catalogue_item, *, by, reason, explanation, until=None, period_label=""):
    """R12: filed (备案) with the upper organisation, which accepts or overrules it."""
    access.require(by, "item.create", org)
    if not CatalogueItem.objects.for_org(org).filter(pk=catalogue_item.pk).exists():
        raise ActionError(_("该目录事项不适用于本组织。"))
    if reason not in Withholding.Reason.values:
        raise ActionError(_("请选择不予公开的理由。"))
    if reason == Withholding.Reason.TEMPORARY and until is None:
        raise ActionError(_("暂不公开须写明暂缓至哪一天。"))
    if org.depth == 1:
        raise ActionError(_("没有上级党组织可以备案。"))
    withholding = Withholding.objects.create(
        org=org,
        catalogue_item=catalogue_item,
        period_label=clean_line(period_label, field=_("所属期间"), max_length=40, required=False),
        reason=reason,
        explanation=clean_text(explanation, field=_("说明"), max_length=5000),
        until=until,
        filed_by=by,
    )
    record(action="withholding.file", obj=withholding, actor=by, data={"reason": reason})
    notify_on_commit(
        access.next_actors(org, {Role.SECRETARY, Role.INSPECTOR}, "withholding.decide", withholding),
        _("待审核的不予公开备案：%(org)s %(title)s") % {"org": org.name, "title": catalogue_item.title},
        withholding.get_reason_display(), _requests_url(), skip=by,
    )  # fmt: skip
    return withholding


@transaction.atomic
def decide_withholding(withholding, *, by, accept: bool, note=""):
    outcome = Withholding.Status.ACCEPTED if accept else Withholding.Status.OVERRULED
    withholding = _decide(
        withholding, by=by, rule="withholding.decide", pending=Withholding.Status.FILED, outcome=outcome,
        note=note, action="withholding.decide",
    )  # fmt: skip
    ports.withholding_decided(withholding)  # R14: the compliance summary, in this transaction
    notify_on_commit(
        [withholding.filed_by],
        (_("不予公开备案已接受：%(title)s") if accept else _("不予公开备案未被接受：%(title)s"))
        % {"title": withholding.catalogue_item.title},
        withholding.decision_note, _requests_url(), skip=by,
    )  # fmt: skip
    return withholding


def settle_visibility(now=None) -> tuple[int, int]:
    """The periodic job: record the moment items went public and expired (reads never wait for it)."""
    now = now or timezone.now()
    went_public = expired = 0
    due = DisclosureItem.objects.filter(
        state=State.PUBLISHED, scope=Scope.PUBLIC, public_from__lte=now, went_public_at__isnull=True
    ).values_list("pk", flat=True)
    for pk in due.iterator():
        with transaction.atomic():
            item = DisclosureItem.objects.select_for_update().get(pk=pk)
            if item.went_public_at is None and item.state == State.PUBLISHED:
                item.went_public_at = item.public_from
                item.save(update_fields=["went_public_at"])
                _event(item, "went_public", by=None)
                went_public += 1
    for pk in (
        DisclosureItem.objects.expired(now)
        .filter(expired_recorded_at__isnull=True)
        .values_list("pk", flat=True)
    ):
        with transaction.atomic():
            item = DisclosureItem.objects.select_for_update().get(pk=pk)
            if item.expired_recorded_at is None:
                item.expired_recorded_at = item.expires_at
                item.save(update_fields=["expired_recorded_at"])
                ports.index_item(item)
                _event(item, "expired", by=None)
                expired += 1
    return went_public, expired
