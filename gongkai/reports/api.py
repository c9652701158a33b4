"""Statistics routes, mounted at the API root: they keep the paths they had under their areas."""

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.errors import HttpError

from gongkai import access
from gongkai.accounts.bearer import TOKEN_REQUIRED
from gongkai.lib import params
from gongkai.lib.params import Day

from . import stats

router = Router(tags=["reports"])


class StatsQuery(Schema):
    org: str
    start: Day | None = None
    end: Day | None = None


def _stats(request, q: StatsQuery) -> dict:
    if not request.auth or not request.auth.is_authenticated:
        raise HttpError(401, _("请先登录。"))
    org = access.orgs_where(request.auth, "read_cases").filter(code=q.org).first()
    if org is None:
        raise Http404
    try:
        start, end = params.parse_period(q.start, q.end)
    except ValidationError as exc:
        raise HttpError(400, " ".join(exc.messages)) from None
    return stats.compute(org, start, end)


@router.get("/applications/stats", auth=TOKEN_REQUIRED, summary="依申请公开和意见反馈统计（按组织及期间）")
def application_stats(request, q: Query[StatsQuery]):
    return _stats(request, q)


@router.get(
    "/feedback/stats", auth=TOKEN_REQUIRED, summary="意见反馈统计（同 /applications/stats 的 feedback 部分）"
)
def feedback_stats(request, q: Query[StatsQuery]):
    return _stats(request, q)["feedback"]
