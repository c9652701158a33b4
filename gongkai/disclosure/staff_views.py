"""Staff pages: prepare, submit, review, approve, publish, send back; change and withholding requests.
Views parse and delegate to `actions`; `access` decides what each user may see and do."""

import functools

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from gongkai import access
from gongkai.lib import params, spreadsheet
from gongkai.lib.pages import run_action
from gongkai.orgs.models import Organisation

from . import actions, forms, ports
from .models import (
    Attachment,
    BodyFormat,
    ChangeRequest,
    ConfidentialityFinding,
    DisclosureItem,
    State,
    Withholding,
    WorkPlan,
)
from .windows import window_warnings


@login_required
def work_list(request):
    items = access.staff_items(request.user).select_related("org").order_by("-updated_at")
    state = request.GET.get("state", "")
    if state in State.values:
        items = items.filter(state=state)
    fmt = request.GET.get("format")
    if fmt in spreadsheet.FORMATS:  # R34: the same rows the list shows, all of them
        return spreadsheet.response(_item_lines(items), fmt, "items", sheet=_("公开事项"))
    rows = list(items[:200])
    # Filtered before the slice: a decision of this user's is never cut by others' rows.
    waiting = list(access.items_awaiting(request.user).select_related("org").order_by("updated_at")[:200])
    creatable = access.orgs_where(request.user, "prepare").order_by("path")[:200]
    return render(
        request,
        "disclosure/work_list.html",
        {"items": rows, "waiting": waiting, "states": State.choices, "state": state, "creatable": creatable},
    )


def _item_lines(items):
    yield [
        _("索引号"),
        _("组织代码"),
        _("党组织"),
        _("目录类别"),
        _("标题"),
        _("公开范围"),
        _("状态"),
        _("发布日期"),
        _("更新时间"),
    ]
    for i in items.iterator(chunk_size=2000):
        yield [
            i.index_number,
            i.org.code,
            i.org.name,
            str(i.get_category_display()),
            i.title,
            str(i.get_scope_display()),
            str(i.get_state_display()),
            timezone.localtime(i.published_at).date() if i.published_at else None,
            timezone.localtime(i.updated_at).replace(tzinfo=None, microsecond=0),
        ]


def _creatable_org(user, code) -> Organisation:
    org = access.get_org_or_404(user, code)
    if not access.can(user, "item.create", org):
        raise Http404
    return org


@login_required
def new_item(request):
    code = request.GET.get("org") or request.POST.get("org")
    if not code:
        return redirect("disclosure:work_list")
    org = _creatable_org(request.user, code)
    # R14: started from an obligation, the draft states its period (or event, stage) explicitly.
    initial = {
        k: request.GET[k]
        for k in ("catalogue_item", "period_label", "stage", "event_date")
        if k in request.GET
    }
    form = forms.ItemForm(request.POST or None, org=org, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = run_action(
            request,
            lambda: actions.create_item(
                org,
                by=request.user,
                catalogue_item=data["catalogue_item"],
                work_plan=data.get("work_plan"),
                title=data["title"],
                body=data["body"],
                scope=data["scope"] or None,
                doc_number=data["doc_number"],
                event_date=data["event_date"],
                period_label=data["period_label"],
                stage=data["stage"],
                body_format=data["body_format"] or BodyFormat.MARKDOWN,
            ),
            success=_("已保存草稿。"),
            form=form,
        )
        if done.ok:
            item = done.value
            return redirect("disclosure:work_item", pk=item.pk)
    return render(request, "disclosure/item_form.html", {"form": form, "org": org})


def _staff_item(user, pk) -> DisclosureItem:
    item = access.get_item_or_404(
        user, pk, access.staff_items(user).select_related("org", "catalogue_item", "work_plan")
    )
    return item


@login_required
def work_item(request, pk):
    item = _staff_item(request.user, pk)
    user = request.user
    findings = list(item.findings.select_related("attachment", "item"))
    can = {
        name: access.can(user, f"item.{name}", item)
        for name in ("edit", "submit", "review", "approve", "publish", "delete")
    }
    can["send_back"] = item.state in (State.SUBMITTED, State.REVIEWED) and access.can(
        user, "item.send_back", item
    )
    can["resolve"] = item.state in (State.SUBMITTED, State.REVIEWED) and access.can(
        user, "item.resolve_findings", item
    )
    can["request_change"] = item.state == State.PUBLISHED and access.can(user, "item.request_change", item)
    edit_form = None
    if can["edit"]:
        edit_form = forms.EditForm(
            initial={
                "title": item.title,
                "body": item.body,
                "scope": item.scope,
                "doc_number": item.doc_number,
                "event_date": item.event_date,
                "period_label": item.period_label,
                "stage": item.stage,
                "body_format": item.body_format,
            }
        )
        # The editing surface starts from what readers see (sanitised), in either stored format.
        edit_form.fields["body"].widget.attrs["data-html"] = item.rendered(item.body)
    return render(
        request,
        "disclosure/work_item.html",
        {
            "item": item,
            "findings": findings,
            "blocking": [f for f in findings if f.blocks()],
            "attachments": item.attachments.all(),
            "events": item.events.select_related("actor"),
            "can": can,
            # R14: which obligation publishing will fulfil (never guessed), and windows it cannot give.
            "fulfils": ports.obligation_for_item(item) if item.state != State.PUBLISHED else None,
            "window_warnings": window_warnings(item, timezone.now(), ports.working_calendar())
            if item.state in (State.SUBMITTED, State.REVIEWED, State.APPROVED)
            else [],
            "edit_form": edit_form,
            "attachment_form": forms.AttachmentForm() if can["edit"] else None,
            "import_form": forms.ImportBodyForm() if can["edit"] else None,
            "change_form": forms.ChangeRequestForm() if can["request_change"] else None,
            "pending_change": item.change_requests.filter(status=ChangeRequest.Status.PENDING).first(),
        },
    )


def _valid(form):
    """The form's cleaned data, or its errors as the refusal run_action shows."""
    if not form.is_valid():
        raise ValidationError([e for errs in form.errors.values() for e in errs])
    return form.cleaned_data


def item_action(fn):
    """One POST on an item of the user's work: the item (404 unless the user works on it), the action
    run with run_action (its refusal or `fn`'s success text shown), then back to the item's page."""

    @login_required
    @require_POST
    @functools.wraps(fn)
    def view(request, pk):
        item = _staff_item(request.user, pk)
        run_action(request, lambda: fn(request, item), success=lambda text: text)
        return redirect("disclosure:work_item", pk=item.pk)

    return view


def _attachment(request, item) -> Attachment:
    return access.get_or_404(
        Attachment.objects.filter(item=item), pk=params.parse_id(request.POST.get("attachment"))
    )


def _finding(request, item) -> ConfidentialityFinding:
    return access.get_or_404(
        ConfidentialityFinding.objects.filter(item=item), pk=params.parse_id(request.POST.get("finding"))
    )


@item_action
def edit_item(request, item):
    data = _valid(forms.EditForm(request.POST))
    actions.update_item(item, by=request.user, scope=data.pop("scope") or None, **data)
    return _("已保存。")


@item_action
def import_body(request, item):
    data = _valid(forms.ImportBodyForm(request.POST, request.FILES))
    actions.import_body(item, data["docx"], by=request.user)
    return _("已从 Word 文档导入正文，请核对预览。")


@item_action
def attach(request, item):
    data = _valid(forms.AttachmentForm(request.POST, request.FILES))
    actions.add_attachment(item, data["file"], by=request.user, keep_inside=data["keep_inside"])
    return _("附件已上传。")


@item_action
def detach(request, item):
    actions.remove_attachment(_attachment(request, item), by=request.user)
    return _("附件已删除。")


@item_action
def keep_inside(request, item):
    actions.set_keep_inside(_attachment(request, item), True, by=request.user)
    return _("附件公开范围已调整。")


@item_action
def share(request, item):
    actions.set_keep_inside(_attachment(request, item), False, by=request.user)
    return _("附件公开范围已调整。")


@item_action
def mask(request, item):
    actions.resolve_finding(
        _finding(request, item), by=request.user, mask=True, reason=request.POST.get("reason", "")
    )
    return _("已处理。")


@item_action
def acknowledge(request, item):
    finding = _finding(request, item)
    actions.resolve_finding(finding, by=request.user, mask=False, reason=request.POST.get("reason", ""))
    return _("已处理。")


def _step(action, done):
    """The view of one workflow step (R7) that needs nothing but the item."""

    def step(request, item):
        action(item, by=request.user)
        return done

    step.__name__ = action.__name__
    return item_action(step)


submit = _step(actions.submit_item, gettext_lazy("已提交审核。"))
review = _step(actions.review_item, gettext_lazy("已审核通过。"))
approve = _step(actions.approve_item, gettext_lazy("已审批通过。"))
publish = _step(actions.publish_item, gettext_lazy("已公开。"))


@item_action
def send_back(request, item):
    actions.send_back_item(item, by=request.user, reason=request.POST.get("reason", ""))
    return _("已退回。")


@item_action
def request_change(request, item):
    actions.request_change(item, by=request.user, **_valid(forms.ChangeRequestForm(request.POST)))
    return _("申请已提交，待目录制定单位批准。")


@login_required
def delete_draft(request, pk):
    """Issue 16: GET asks for confirmation (what will be deleted, 确认删除 / 取消) and deletes nothing;
    POST deletes (the action refuses, and audits, anyone but the author of a draft never reviewed)."""
    item = _staff_item(request.user, pk)
    if request.method != "POST":
        if not access.can(request.user, "item.delete", item):
            messages.error(request, _("只有草稿的拟稿人可以删除尚未提出的草稿。"))
            return redirect("disclosure:work_item", pk=item.pk)
        return render(
            request,
            "disclosure/delete_draft.html",
            {"item": item, "attachments": list(item.attachments.order_by("pk"))},
        )
    done = run_action(request, lambda: actions.delete_draft(item, by=request.user), success=_("草稿已删除。"))
    if done.ok:
        return redirect("disclosure:work_list")
    return redirect("disclosure:work_item", pk=item.pk)


@login_required
def requests_page(request):
    """Decisions waiting for this user: changes (catalogue owner), work plans, withholding filings."""
    user = request.user
    # Each queue is filtered by access before it is sliced (an owner never loses theirs to others').
    changes = list(
        access.change_requests_to_decide(user)
        .select_related("item__org", "requested_by")
        .order_by("requested_at")[:200]
    )
    plans = list(
        access.work_plans_to_decide(user).select_related("org", "created_by").order_by("created_at")[:200]
    )
    withholdings = list(
        access.withholdings_to_decide(user).select_related("org", "catalogue_item").order_by("filed_at")[:200]
    )
    mine = access.visible_withholdings(user)
    return render(
        request,
        "disclosure/requests.html",
        {
            "changes": changes,
            "plans": plans,
            "withholdings": withholdings,
            "filed": mine.select_related("org", "catalogue_item").order_by("-filed_at")[:50],
            "my_plans": access.work_plans_requested(user).select_related("org").order_by("-created_at")[:50],
            "creatable": access.orgs_where(user, "prepare").order_by("path")[:200],
        },
    )


# The decisions of the queue: what is decided, and the rule that says who decides (R8, R11, R12).
DECISIONS = {
    "change": (ChangeRequest, "item.decide_change"),
    "plan": (WorkPlan, "workplan.decide"),
    "withholding": (Withholding, "withholding.decide"),
}


@login_required
@require_POST
def decide_request(request, kind, pk, decision):
    if kind not in DECISIONS or decision not in ("approve", "reject"):
        raise Http404
    model, rule = DECISIONS[kind]
    obj = access.get_or_404(model.objects, pk=pk)
    if not access.can(request.user, rule, obj.item if kind == "change" else obj):
        raise Http404
    yes, note, user = decision == "approve", request.POST.get("note", ""), request.user
    decide = {
        "change": lambda: actions.decide_change(obj, by=user, approve=yes),
        "plan": lambda: actions.decide_work_plan(obj, by=user, approve=yes, note=note),
        "withholding": lambda: actions.decide_withholding(obj, by=user, accept=yes, note=note),
    }[kind]
    run_action(request, decide, success=_("已处理。"))
    return redirect("disclosure:requests")


@login_required
def new_withholding(request):
    org = _creatable_org(request.user, request.GET.get("org") or request.POST.get("org") or "")
    form = forms.WithholdingForm(request.POST or None, org=org)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if run_action(
            request,
            lambda: actions.file_withholding(org, data.pop("catalogue_item"), by=request.user, **data),
            success=_("已向上级党组织报备。"),
            form=form,
        ).ok:
            return redirect("disclosure:requests")
    return render(
        request,
        "disclosure/simple_form.html",
        {"form": form, "org": org, "title": _("不予公开（暂不公开）备案")},
    )


@login_required
def new_work_plan(request):
    org = _creatable_org(request.user, request.GET.get("org") or request.POST.get("org") or "")
    form = forms.WorkPlanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if run_action(
            request,
            lambda: actions.submit_work_plan(org, by=request.user, **form.cleaned_data),
            success=_("工作方案已报送目录制定单位审核。"),
            form=form,
        ).ok:
            return redirect("disclosure:requests")
    return render(
        request, "disclosure/simple_form.html", {"form": form, "org": org, "title": _("目录外事项工作方案")}
    )
