"""Statistics across applications and feedback per organisation (with its descendants) and period;
they feed the annual report (R35)."""

from datetime import date, datetime, time

from django.db.models import Count, Q
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.applications.models import AnswerType, Application, Status
from gongkai.feedback.models import Channel, FeedbackCase, Kind
from gongkai.lib import spreadsheet


def _bounds(start: date, end: date):
    tz = timezone.get_current_timezone()
    return datetime.combine(start, time.min, tz), datetime.combine(end, time.max, tz)


def compute(org, start: date, end: date) -> dict:
    """Two aggregate queries whatever the size of the tree."""
    lo, hi = _bounds(start, end)
    today = timezone.localdate()
    apps = Application.objects.filter(org.subtree_q("org_path"), received_at__range=(lo, hi))
    a = apps.aggregate(
        received=Count("pk"),
        answered=Count("pk", filter=Q(status=Status.ANSWERED)),
        on_time=Count("pk", filter=Q(answered_late=False)),
        late=Count("pk", filter=Q(answered_late=True)),
        open=Count("pk", filter=~Q(status=Status.ANSWERED)),
        overdue=Count("pk", filter=~Q(status=Status.ANSWERED) & Q(due_date__lt=today)),
        **{f"type_{t}": Count("pk", filter=Q(answer_type=t)) for t in AnswerType.values},
    )
    cases = FeedbackCase.objects.filter(org.subtree_q("org_path"), received_at__range=(lo, hi))
    f = cases.aggregate(
        received=Count("pk"),
        replied=Count("pk", filter=Q(replied_at__isnull=False)),
        on_time=Count("pk", filter=Q(replied_late=False)),
        late=Count("pk", filter=Q(replied_late=True)),
        published=Count("pk", filter=Q(published_at__isnull=False)),
        **{f"channel_{c}": Count("pk", filter=Q(channel=c)) for c in Channel.values},
        **{f"kind_{k}": Count("pk", filter=Q(kind=k)) for k in Kind.values},
    )
    return {
        "org": org.code,
        "start": start.isoformat(),
        "end": end.isoformat(),
        "applications": {
            "received": a["received"],
            "answered": a["answered"],
            "on_time": a["on_time"],
            "late": a["late"],
            "open": a["open"],
            "overdue": a["overdue"],
            "by_answer_type": {t: a[f"type_{t}"] for t in AnswerType.values},
        },
        "feedback": {
            "received": f["received"],
            "replied": f["replied"],
            "on_time": f["on_time"],
            "late": f["late"],
            "published": f["published"],
            "by_channel": {c: f[f"channel_{c}"] for c in Channel.values},
            "by_kind": {k: f[f"kind_{k}"] for k in Kind.values},
        },
    }


def rows(stats: dict) -> list[tuple[str, str, int]]:
    """The statistics as (section, item, count) rows, labelled in Chinese, for pages and exports."""
    a, f = stats["applications"], stats["feedback"]
    out = [
        (_("依申请公开"), _("收到申请"), a["received"]),
        (_("依申请公开"), _("已答复"), a["answered"]),
        (_("依申请公开"), _("按期答复"), a["on_time"]),
        (_("依申请公开"), _("逾期答复"), a["late"]),
        (_("依申请公开"), _("尚未答复"), a["open"]),
        (_("依申请公开"), _("已超期未答复"), a["overdue"]),
    ]
    out += [(_("答复类型"), str(AnswerType(t).label), n) for t, n in a["by_answer_type"].items()]
    out += [
        (_("意见反馈"), _("收到反馈"), f["received"]),
        (_("意见反馈"), _("已答复"), f["replied"]),
        (_("意见反馈"), _("按期答复"), f["on_time"]),
        (_("意见反馈"), _("逾期答复"), f["late"]),
        (_("意见反馈"), _("公开答复"), f["published"]),
    ]
    out += [(_("反馈渠道"), str(Channel(c).label), n) for c, n in f["by_channel"].items()]
    out += [(_("反馈类别"), str(Kind(k).label), n) for k, n in f["by_kind"].items()]
    return out


def export(stats: dict, fmt: str, org_name: str) -> HttpResponse:
    title = _("%(org)s %(start)s 至 %(end)s 依申请公开和意见反馈统计") % {
        "org": org_name,
        "start": stats["start"],
        "end": stats["end"],
    }
    lines = [[title], [_("类别"), _("项目"), _("数量")], *rows(stats)]
    filename = f"stats-{stats['org']}-{stats['start']}-{stats['end']}"
    return spreadsheet.response(lines, fmt, filename, sheet=_("统计"))
