"""R22: evaluation campaigns, the secret vote, and results published after the close."""

from django.contrib import messages
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai import access
from gongkai.lib import spreadsheet
from gongkai.lib.pages import run_action

from . import actions
from .forms import CampaignForm, VoteForm
from .models import Choice, Participation
from .results import MIN_VOTES, results


def _campaign_or_404(user, pk, now):
    return access.get_or_404(
        access.visible_campaigns(user, now).select_related("committee"), viewer=user, pk=pk
    )


def campaign_list(request):
    now = timezone.now()
    campaigns = list(
        access.visible_campaigns(request.user, now)
        .select_related("committee")
        .annotate(n_orgs=Count("orgs", distinct=True))
        .order_by("-closes_at", "-pk")[:100]
    )
    voted = set()
    if request.user.is_authenticated:
        voted = set(
            Participation.objects.filter(user=request.user, campaign__in=campaigns).values_list(
                "campaign_id", flat=True
            )
        )
    committees = []
    if request.user.is_authenticated:
        committees = list(access.orgs_where(request.user, "inspect").filter(level="committee"))
    form = None
    if committees:
        committee = committees[0]
        orgs = list(
            access.orgs_where(request.user, "inspect")
            .filter(committee.subtree_q())
            .exclude(pk=committee.pk)
            .order_by("path")
        )
        form = CampaignForm(request.POST or None)
        form.set_orgs(orgs)
        if request.method == "POST" and form.is_valid():
            d = form.cleaned_data
            done = run_action(
                request,
                lambda: actions.create_campaign(
                    committee,
                    by=request.user,
                    title=d["title"],
                    opens_at=d["opens_at"],
                    closes_at=d["closes_at"],
                    orgs=form.chosen(orgs),
                ),
                success=_("评议活动已发起。"),
                form=form,
            )
            if done.ok:
                campaign = done.value
                return redirect("oversight:campaign", campaign.pk)
    elif request.method == "POST":
        raise Http404
    return render(
        request,
        "oversight/campaigns.html",
        {"campaigns": campaigns, "voted": voted, "now": now, "form": form},
    )


def _result_lines(rows):
    yield [
        _("党组织"),
        _("参评人数"),
        str(Choice.SATISFIED.label),
        str(Choice.BASIC.label),
        str(Choice.UNSATISFIED.label),
        _("满意率"),
    ]
    for r in rows:
        # Fewer than MIN_VOTES voters: only their number, as on the page (a handful could be guessed).
        counts = [r.satisfied, r.basic, r.unsatisfied, r.rate_text] if r.shown else [None, None, None, "—"]
        yield [r.org.name, r.voters, *counts]


def campaign_detail(request, pk):
    """The ballot for members while open; results for everyone once closed."""
    now = timezone.now()
    campaign = _campaign_or_404(request.user, pk, now)
    ctx = {"campaign": campaign, "now": now, "min_votes": MIN_VOTES}
    if campaign.is_closed(now):
        orgs = list(access.visible_orgs(request.user).filter(evaluations=campaign).order_by("path"))
        rows = results(campaign, orgs)
        fmt = request.GET.get("format")
        if fmt in spreadsheet.FORMATS:  # R34: the published results as the page shows them
            return spreadsheet.response(
                _result_lines(rows), fmt, f"evaluation-{campaign.pk}", sheet=_("评议结果")
            )
        shown = [r for r in rows if r.shown]
        ctx.update(
            rows=rows,
            chart={
                "type": "bar",
                "stacked": True,
                "title": str(_("评议结果（人数）")),
                "labels": [r.org.name for r in shown],
                "series": [
                    {"label": str(Choice.SATISFIED.label), "data": [r.satisfied for r in shown]},
                    {"label": str(Choice.BASIC.label), "data": [r.basic for r in shown]},
                    {"label": str(Choice.UNSATISFIED.label), "data": [r.unsatisfied for r in shown]},
                ],
            },
        )
        return render(request, "oversight/results.html", ctx)
    if not request.user.is_authenticated:
        raise Http404
    eligible = actions.eligible_orgs(campaign, request.user)
    has_voted = Participation.objects.filter(campaign=campaign, user=request.user).exists()
    form = None
    if eligible and not has_voted and campaign.is_open(now):
        form = VoteForm(request.POST or None)
        form.fields["org"].choices = [(o.code, o.name) for o in eligible]
        if len(eligible) == 1:
            form.fields["org"].initial = eligible[0].code
        if request.method == "POST" and form.is_valid():
            org = next(o for o in eligible if o.code == form.cleaned_data["org"])
            if run_action(
                request,
                lambda: actions.vote(
                    campaign,
                    org,
                    user=request.user,
                    choice=form.cleaned_data["choice"],
                    comment=form.cleaned_data["comment"],
                ),
                success=_("感谢参加评议，您的评议已匿名记录。"),
                form=form,
            ).ok:
                return redirect("oversight:campaign", campaign.pk)
    elif request.method == "POST":
        if has_voted:
            messages.error(request, _("您已参加过本次评议，每人只能评议一次。"))
            return redirect("oversight:campaign", campaign.pk)
        raise Http404
    turnout = None
    if access.can(request.user, "oversight.view", campaign.committee):
        turnout = (
            Participation.objects.filter(campaign=campaign)
            .order_by()
            .values("org__name")
            .annotate(n=Count("pk"))
        )
    ctx.update(form=form, eligible=eligible, has_voted=has_voted, turnout=turnout)
    return render(request, "oversight/vote.html", ctx)
