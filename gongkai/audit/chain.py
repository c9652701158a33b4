"""Walking, checking, summarising and purging the chain (R26). Constant memory: entries are streamed."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .log import record
from .models import GENESIS, AuditEntry, ChainAnchor, ChainHead, DailyHead, chain_anchor

RETENTION_DAYS = 180


@dataclass
class Verdict:
    checked: int
    problem: str = ""
    sequence: int | None = None

    @property
    def ok(self) -> bool:
        return not self.problem


def verify(using: str = "default", chunk_size: int = 2000) -> Verdict:
    """Recompute every hash and check each link and the gap-free sequence from the anchor on; the first
    bad entry is named. Published daily heads of kept entries must match too."""
    anchor = chain_anchor(using)
    heads = dict(
        DailyHead.objects.using(using).filter(sequence__gt=anchor.sequence).values_list("sequence", "hash")
    )
    expected_seq, prev_hash, checked = anchor.sequence + 1, anchor.hash, 0
    entries = AuditEntry.objects.using(using).order_by("sequence").iterator(chunk_size=chunk_size)
    for entry in entries:
        if entry.sequence > expected_seq:
            return Verdict(checked, _("第 %(n)s 条缺失（已被删除）") % {"n": expected_seq}, expected_seq)
        if entry.sequence < expected_seq:
            return Verdict(checked, _("第 %(n)s 条重复") % {"n": entry.sequence}, entry.sequence)
        if entry.compute_hash() != entry.hash:
            return Verdict(
                checked, _("第 %(n)s 条内容被改动（哈希不符）") % {"n": entry.sequence}, entry.sequence
            )
        if entry.prev_hash != prev_hash:
            return Verdict(
                checked,
                _("第 %(n)s 条与前一条链接不符（被删除或调换）") % {"n": entry.sequence},
                entry.sequence,
            )
        if entry.sequence in heads and heads[entry.sequence] != entry.hash:
            return Verdict(
                checked, _("第 %(n)s 条与已公布的链头不符") % {"n": entry.sequence}, entry.sequence
            )
        expected_seq, prev_hash, checked = entry.sequence + 1, entry.hash, checked + 1
    head = ChainHead.objects.using(using).filter(pk=1).first()
    if head is not None and (head.sequence, head.hash) != (expected_seq - 1, prev_hash):
        if head.sequence >= expected_seq:
            return Verdict(checked, _("第 %(n)s 条缺失（链尾被删除）") % {"n": expected_seq}, expected_seq)
        return Verdict(checked, _("链头记录与最后一条不符"), expected_seq - 1)
    return Verdict(checked)


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    start = timezone.make_aware(datetime.combine(day, time.min))
    return start, start + timedelta(days=1)


def compute_daily_heads(today: date | None = None) -> int:
    """Store the head of every finished day that has entries and no head yet (today is still open)."""
    today = today or timezone.localdate()
    last = DailyHead.objects.order_by("-day").first()
    first_entry = AuditEntry.objects.order_by("sequence").only("at").first()
    if first_entry is None:
        return 0
    day = last.day + timedelta(days=1) if last else timezone.localdate(first_entry.at)
    made = 0
    while day < today:
        start, end = _day_bounds(day)
        todays = AuditEntry.objects.filter(at__gte=start, at__lt=end)
        tail = todays.order_by("-sequence").only("sequence", "hash").first()
        if tail is not None:
            DailyHead.objects.get_or_create(
                day=day, defaults={"sequence": tail.sequence, "hash": tail.hash, "entries": todays.count()}
            )
            made += 1
        day += timedelta(days=1)
    return made


class PurgeRefused(Exception):
    pass


def purge_before(cutoff: date, now: datetime | None = None) -> int:
    """Delete entries dated before `cutoff`; the last deleted entry becomes the anchor, so the rest still
    verifies. Refused when the cutoff is younger than 180 days (Cybersecurity Law) or the chain is bad."""
    now = now or timezone.now()
    oldest_allowed = timezone.localdate(now) - timedelta(days=RETENTION_DAYS)
    if cutoff > oldest_allowed:
        raise PurgeRefused(
            _("审计日志至少保存 %(d)s 天：只能清理 %(date)s 以前的记录。")
            % {"d": RETENTION_DAYS, "date": oldest_allowed.isoformat()}
        )
    verdict = verify()
    if not verdict.ok:
        raise PurgeRefused(_("审计链校验未通过，拒绝清理：%(p)s") % {"p": verdict.problem})
    start, _end = _day_bounds(cutoff)
    with transaction.atomic():
        ChainHead.objects.get_or_create(pk=1)
        ChainHead.objects.select_for_update().get(pk=1)  # no appends while the anchor moves
        last = AuditEntry.objects.filter(at__lt=start).order_by("-sequence").first()
        if last is None:
            return 0
        connection = connections["default"]
        with connection.cursor() as cursor:
            # The one path through the append-only triggers (migrations 0004 and 0005).
            if connection.vendor == "postgresql":
                cursor.execute("SET LOCAL gongkai.audit_purge = 'on'")
            else:
                cursor.execute("INSERT INTO audit_purge_permit (id) VALUES (1)")
            table = AuditEntry._meta.db_table
            cursor.execute(f"DELETE FROM {table} WHERE sequence <= %s", [last.sequence])
            deleted = cursor.rowcount
            if connection.vendor == "sqlite":
                cursor.execute("DELETE FROM audit_purge_permit")
        ChainAnchor.objects.update_or_create(
            pk=1, defaults={"sequence": last.sequence, "hash": last.hash, "purged_at": now}
        )
        record(action="audit.purge", data={"before": cutoff.isoformat(), "through": last.sequence})
    return deleted


__all__ = ["GENESIS", "Verdict", "verify", "compute_daily_heads", "purge_before", "PurgeRefused"]
