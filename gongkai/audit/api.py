from datetime import date

from ninja import Query, Router, Schema

from .models import DailyHead

router = Router(tags=["audit"])


class HeadOut(Schema):
    day: date
    sequence: int
    hash: str
    entries: int


@router.get("/heads", response=list[HeadOut], auth=None, summary="每日审计链头（公开）")
def heads(request, limit: int = Query(90, ge=1, le=1000)):
    """The chain head at the end of each finished day, newest first (R26). Keep them: a later
    `audit_verify` proves the history up to each head was not rewritten."""
    limit = max(1, min(limit, 1000))
    return list(DailyHead.objects.order_by("-day")[:limit])
