"""Staff pages: prepare, submit, review, approve, publish, send back; change and withholding requests.
Views parse and delegate to `actions`; `access` decides what each user may see and do."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongkai import access
from gongkai.lib.errors import message_of
from gongkai.lib.pages import run_action
from gongkai.orgs.models import Organisation, Role

from . import actions, forms
from .models import Attachment, ChangeRequest, DisclosureItem, Finding, State, Withholding, WorkPlan

CREATE_ROLES = {Role.CLERK, Role.SECRETARY}


@login_required
def work_list(request):
    items = access.staff_items(request.user).select_related("org").order_by("-updated_at")
    state = request.GET.get("state", "")
    if state in State.values:
        items = items.filter(state=state)
    rows = list(items[:200])
    waiting = [
        i
        for i in rows
        if (i.state == State.SUBMITTED and access.can(request.user, "item.review", i))
        or (i.state == State.REVIEWED and access.can(request.user, "item.approve", i))
        or (i.state == State.APPROVED and access.can(request.user, "item.publish", i))
    ]
    creatable = access.staff_orgs(request.user, CREATE_ROLES).order_by("path")[:200]
    return render(
        request,
        "disclosure/work_list.html",
        {"items": rows, "waiting": waiting, "states": State.choices, "state": state, "creatable": creatable},
    )


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
    form = forms.ItemForm(request.POST or None, org=org)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            item = actions.create_item(
                org,
                by=request.user,
                catalogue_item=data["catalogue_item"],
                work_plan=data["work_plan"],
                title=data["title"],
                body=data["body"],
                scope=data["scope"] or None,
                doc_number=data["doc_number"],
                event_date=data["event_date"],
                period_label=data["period_label"],
                stage=data["stage"],
            )
        except ValidationError as exc:
            form.add_error(None, message_of(exc))
        else:
            messages.success(request, _("已保存草稿。"))
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
        for name in ("edit", "submit", "review", "approve", "publish")
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
            }
        )
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
            "edit_form": edit_form,
            "attachment_form": forms.AttachmentForm() if can["edit"] else None,
            "change_form": forms.ChangeRequestForm() if can["request_change"] else None,
            "pending_change": item.change_requests.filter(status=ChangeRequest.Status.PENDING).first(),
        },
    )


def _run_item_action(request, item, action):
    """Parse the POST for one action and call it; returns the success message."""
    user, post = request.user, request.POST
    if action == "edit":
        form = forms.EditForm(post)
        if not form.is_valid():
            raise ValidationError([e for errs in form.errors.values() for e in errs])
        data = form.cleaned_data
        actions.update_item(item, by=user, scope=data.pop("scope") or None, **data)
        return _("已保存。")
    if action == "attach":
        form = forms.AttachmentForm(post, request.FILES)
        if not form.is_valid():
            raise ValidationError([e for errs in form.errors.values() for e in errs])
        actions.add_attachment(
            item, form.cleaned_data["file"], by=user, keep_inside=form.cleaned_data["keep_inside"]
        )
        return _("附件已上传。")
    if action in ("detach", "keep-inside", "share"):
        attachment = Attachment.objects.filter(item=item, pk=post.get("attachment")).first()
        if attachment is None:
            raise Http404
        if action == "detach":
            actions.remove_attachment(attachment, by=user)
            return _("附件已删除。")
        actions.set_keep_inside(attachment, action == "keep-inside", by=user)
        return _("附件公开范围已调整。")
    if action in ("mask", "acknowledge"):
        finding = Finding.objects.filter(item=item, pk=post.get("finding")).first()
        if finding is None:
            raise Http404
        actions.resolve_finding(finding, by=user, mask=action == "mask", reason=post.get("reason", ""))
        return _("已处理。")
    if action == "send-back":
        actions.send_back_item(item, by=user, reason=post.get("reason", ""))
        return _("已退回。")
    if action == "request-change":
        form = forms.ChangeRequestForm(post)
        if not form.is_valid():
            raise ValidationError([e for errs in form.errors.values() for e in errs])
        actions.request_change(item, by=user, **form.cleaned_data)
        return _("申请已提交，待目录制定单位批准。")
    simple = {
        "submit": (actions.submit_item, _("已提交审核。")),
        "review": (actions.review_item, _("已审核通过。")),
        "approve": (actions.approve_item, _("已审批通过。")),
        "publish": (actions.publish_item, _("已公开。")),
    }
    if action not in simple:
        raise Http404
    fn, message = simple[action]
    fn(item, by=user)
    return message


@login_required
@require_POST
def item_action(request, pk, action):
    item = _staff_item(request.user, pk)
    run_action(request, lambda: _run_item_action(request, item, action), success=lambda message: message)
    return redirect("disclosure:work_item", pk=item.pk)


@login_required
def requests_page(request):
    """Decisions waiting for this user: changes (catalogue owner), work plans, withholding filings."""
    user = request.user
    changes = [
        c
        for c in ChangeRequest.objects.filter(status=ChangeRequest.Status.PENDING)
        .select_related("item__org", "requested_by")
        .order_by("requested_at")[:200]
        if access.can(user, "item.decide_change", c.item)
    ]
    plans = [
        p
        for p in WorkPlan.objects.filter(status=WorkPlan.Status.PENDING)
        .select_related("org")
        .order_by("created_at")[:200]
        if access.can(user, "workplan.decide", p)
    ]
    withholdings = [
        w
        for w in Withholding.objects.filter(status=Withholding.Status.FILED)
        .select_related("org", "catalogue_item")
        .order_by("filed_at")[:200]
        if access.can(user, "withholding.decide", w)
    ]
    mine = Withholding.objects.filter(
        access.path_q("org__path", access.grants(user).paths(access.STAFF_ROLES))
    )
    return render(
        request,
        "disclosure/requests.html",
        {
            "changes": changes,
            "plans": plans,
            "withholdings": withholdings,
            "filed": mine.select_related("org", "catalogue_item").order_by("-filed_at")[:50],
            "creatable": access.staff_orgs(user, CREATE_ROLES).order_by("path")[:200],
        },
    )


@login_required
@require_POST
def decide_request(request, kind, pk, decision):
    yes = decision == "approve"
    if decision not in ("approve", "reject"):
        raise Http404
    models = {"change": ChangeRequest, "plan": WorkPlan, "withholding": Withholding}
    if kind not in models:
        raise Http404
    obj = models[kind].objects.filter(pk=pk).first()
    if obj is None:
        raise Http404
    if kind == "change":
        if not access.can(request.user, "item.decide_change", obj.item):
            raise Http404
        run_action(
            request, lambda: actions.decide_change(obj, by=request.user, approve=yes), success=_("已处理。")
        )
    elif kind == "plan":
        if not access.can(request.user, "workplan.decide", obj):
            raise Http404
        note = request.POST.get("note", "")
        run_action(
            request,
            lambda: actions.decide_work_plan(obj, by=request.user, approve=yes, note=note),
            success=_("已处理。"),
        )
    else:
        if not access.can(request.user, "withholding.decide", obj):
            raise Http404
        note = request.POST.get("note", "")
        run_action(
            request,
            lambda: actions.decide_withholding(obj, by=request.user, accept=yes, note=note),
            success=_("已处理。"),
        )
    return redirect("disclosure:requests")


@login_required
def new_withholding(request):
    org = _creatable_org(request.user, request.GET.get("org") or request.POST.get("org") or "")
    form = forms.WithholdingForm(request.POST or None, org=org)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.file_withholding(org, data.pop("catalogue_item"), by=request.user, **data)
        except ValidationError as exc:
            form.add_error(None, message_of(exc))
        else:
            messages.success(request, _("已向上级党组织报备。"))
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
        try:
            actions.submit_work_plan(org, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, message_of(exc))
        else:
            messages.success(request, _("工作方案已报送目录制定单位审核。"))
            return redirect("disclosure:requests")
    return render(
        request, "disclosure/simple_form.html", {"form": form, "org": org, "title": _("目录外事项工作方案")}
    )
