"""R23 + issue 16: commitments (公开承诺) are drafted by the clerk, submitted, reviewed, and approved by
the secretary, which publishes them on the board; a send-back returns them to their author with the
reason. Views parse and delegate to `actions`; `access` decides who sees and does what."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from gongkai import access
from gongkai.lib.pages import run_action

from . import actions
from .forms import CommitmentForm
from .models import OPEN_COMMITMENT, Commitment, CommitmentKind, CommitmentState


def _initial_text(orgs, code, kind) -> str:
    """The text the form starts from: the open draft of that kind, else the published version (to
    revise it), else nothing."""
    org = next((o for o in orgs if o.code == code), None)
    if org is None or kind not in CommitmentKind.values:
        return ""
    versions = Commitment.objects.filter(
        org=org, kind=kind, state__in=[CommitmentState.DRAFT, CommitmentState.PUBLISHED]
    )
    by_state = {c.state: c for c in versions}
    current = by_state.get(CommitmentState.DRAFT) or by_state.get(CommitmentState.PUBLISHED)
    return current.text if current else ""


@login_required
def index(request):
    """The organisations the user drafts for, each kind's published and open version; the draft form."""
    orgs = list(access.orgs_where(request.user, "prepare").order_by("path")[:500])
    if not orgs:
        raise Http404
    code, kind = request.GET.get("org", ""), request.GET.get("kind", "")
    form = CommitmentForm(
        request.POST or None,
        initial={"org": code, "kind": kind, "text": _initial_text(orgs, code, kind)},
    )
    form.fields["org"].choices = [(o.code, o.name) for o in orgs]
    if request.method == "POST" and form.is_valid():
        org = next(o for o in orgs if o.code == form.cleaned_data["org"])
        done = run_action(
            request,
            lambda: actions.draft_commitment(
                org, kind=form.cleaned_data["kind"], text=form.cleaned_data["text"], by=request.user
            ),
            success=_("承诺草稿已保存。请核对后提出（提交审核）：审核、审批通过后在公开栏公开。"),
            form=form,
        )
        if done.ok:
            return redirect("oversight:commitment", pk=done.value.pk)
    published, pending = {}, {}
    for c in Commitment.objects.filter(
        org__in=orgs, state__in=[CommitmentState.PUBLISHED, *OPEN_COMMITMENT]
    ).only("pk", "org_id", "kind", "state", "published_at"):
        (published if c.state == CommitmentState.PUBLISHED else pending)[(c.org_id, c.kind)] = c
    rows = [
        (o, [(k, published.get((o.pk, k)), pending.get((o.pk, k))) for k in CommitmentKind.values])
        for o in orgs
    ]
    return render(
        request,
        "oversight/commitments.html",
        {"form": form, "rows": rows, "kinds": CommitmentKind.choices},
    )


@login_required
def detail(request, pk):
    """One version: its text, who wrote, reviewed and approved it, and the step that is the user's."""
    commitment = access.get_commitment_or_404(request.user, pk)
    user, state = request.user, commitment.state
    can = {
        "edit": access.can(user, "commitment.edit", commitment),
        "submit": access.can(user, "commitment.submit", commitment),  # the rules of edit and send_back
        "review": state == CommitmentState.SUBMITTED and access.can(user, "commitment.review", commitment),
        "approve": state == CommitmentState.REVIEWED and access.can(user, "commitment.approve", commitment),
        "send_back": access.can(user, "commitment.send_back", commitment),  # hold the state themselves
    }
    on_board = None
    if state != CommitmentState.PUBLISHED:
        on_board = Commitment.objects.published().filter(org=commitment.org, kind=commitment.kind).first()
    return render(
        request,
        "oversight/commitment.html",
        {
            "c": commitment,
            "can": can,
            "on_board": on_board,
            "draft_url_query": f"org={commitment.org.code}&kind={commitment.kind}",
            "can_list": access.may_anywhere(user, "prepare"),  # the list page is the drafters'
        },
    )


def _step(run, success):
    """A POST step on one version: 404 unless the user reads its organisation's cases; the action
    itself refuses (and audits) the wrong person or state."""

    @login_required
    @require_POST
    def view(request, pk):
        commitment = access.get_commitment_or_404(request.user, pk)
        run_action(request, lambda: run(request, commitment), success=success)
        return redirect("oversight:commitment", pk=commitment.pk)

    return view


submit = _step(
    lambda request, c: actions.submit_commitment(c, by=request.user),
    gettext_lazy("已提出，等待审核。"),
)
review = _step(
    lambda request, c: actions.review_commitment(c, by=request.user),
    gettext_lazy("已审核通过，等待书记审批。"),
)
approve = _step(
    lambda request, c: actions.approve_commitment(c, by=request.user),
    gettext_lazy("已审批通过，承诺已在公开栏公开。"),
)
send_back = _step(
    lambda request, c: actions.send_back_commitment(
        c, by=request.user, reason=request.POST.get("reason", "")
    ),
    gettext_lazy("已退回拟稿人修改。"),
)
