"""R34: past disclosure items (published before Gongkai existed) imported from a spreadsheet.

They arrive published, with the dates and scope they had, keyed by their 索引号: the same row again is
"unchanged"; a different row under a known 索引号 is refused (a published item changes only through
R11). Written in bulk (100,000 rows in one transaction), indexed for search in the same transaction,
one audit entry for the file (by orgs.importing.apply)."""

from __future__ import annotations

import re
from datetime import date, datetime, time

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongkai import access
from gongkai.catalogue.models import Category, Scope
from gongkai.lib import bulk
from gongkai.lib.sheets import CellError, Column
from gongkai.numbering.models import Counter
from gongkai.orgs.importing import CREATE, UNCHANGED, Importer, Plan, RowPlan, _choice, choice_map

from . import ports
from .models import DisclosureItem, ItemEvent, State

_DATE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")
_INDEX = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_/.-]{0,79}$")
_GENERATED = re.compile(r"^(?P<org>.+)-(?P<year>\d{4})-\d{2}-(?P<seq>\d{5})$")


def parse_date(value: str) -> date | None:
    m = _DATE.match((value or "").strip())
    if not m:
        return None
    try:
        return date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


def _aware(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(9, 0)))


class ItemImporter(Importer):
    kind = "items"
    label = gettext_lazy("历史公开事项")
    columns = [
        Column("index_number", "索引号", True, "JLJD-SXA-2025-03-00012"),
        Column("org", "组织代码", True, "JLJD-SXA"),
        Column("title", "标题", True, "2025年第四季度党费收缴、管理和使用情况"),
        Column("category", "目录类别", True, "组织管理"),
        Column("scope", "公开范围", True, "社会公开"),
        Column("published_on", "发布日期", True, "2026-01-10"),
        Column("expires_on", "有效期至", False, ""),
        Column("doc_number", "文号", False, ""),
        Column("body", "正文", False, "本季度应缴党费……"),
    ]

    def plan(self, rows, user) -> Plan:
        plan = Plan(self.kind)
        orgs = {o.code.lower(): o for o in access.item_import_orgs(user)}
        wanted = [r.get("index_number", "") for _n, r in rows if r.get("index_number")]
        existing: dict[str, tuple] = {}
        fields = (
            "index_number",
            "org_id",
            "title",
            "category",
            "scope",
            "published_at",
            "expires_at",
            "doc_number",
            "body",
        )
        step = min(connection.features.max_query_params or 10_000, 10_000) - 99  # SQLite: 999 at most
        for start in range(0, len(wanted), step):
            for values in DisclosureItem.objects.filter(
                index_number__in=wanted[start : start + step]
            ).values_list(*fields):
                existing[values[0]] = values
        today = timezone.localdate()
        seen: dict[str, int] = {}
        # Many rows share a date: each distinct text is parsed, and each day made aware, once.
        day_of: dict[str, date | None] = {}
        moment_of: dict[date, datetime] = {}

        def day(text: str) -> date | None:
            if text not in day_of:
                day_of[text] = parse_date(text)
            return day_of[text]

        def moment(d: date) -> datetime:
            if d not in moment_of:
                moment_of[d] = _aware(d)
            return moment_of[d]

        categories = choice_map([(str(c.value), c.label) for c in Category])
        scopes = choice_map(Scope.choices)
        for number, rec in rows:
            errs: list[CellError] = []
            index = rec.get("index_number", "")
            if not index:
                errs.append(CellError(number, "索引号", _("请填写索引号。")))
            elif not _INDEX.match(index):
                errs.append(
                    CellError(number, "索引号", _("索引号只能由字母、数字和 - _ / . 组成（至多 80 位）。"))
                )
            elif index in seen:
                errs.append(CellError(number, "索引号", _("与第 %(n)s 行重复。") % {"n": seen[index]}))
            seen.setdefault(index, number)
            org = orgs.get(rec.get("org", "").lower())
            if org is None:
                errs.append(
                    CellError(
                        number,
                        "组织代码",
                        _("未知的组织代码“%(code)s”（或您无权管理）。") % {"code": rec.get("org", "")},
                    )
                )
            title = rec.get("title", "")
            if not title:
                errs.append(CellError(number, "标题", _("请填写标题。")))
            elif len(title) > 200:
                errs.append(CellError(number, "标题", _("标题不能超过 200 个字。")))
            category = _choice(rec.get("category", ""), categories)
            if category is None:
                errs.append(CellError(number, "目录类别", _("目录类别应为 1–8 或其名称。")))
            scope = _choice(rec.get("scope", ""), scopes)
            if scope is None:
                errs.append(
                    CellError(
                        number, "公开范围", _("无法识别的公开范围“%(v)s”。") % {"v": rec.get("scope", "")}
                    )
                )
            published = day(rec.get("published_on", ""))
            if published is None:
                errs.append(CellError(number, "发布日期", _("日期格式无效，应为 2026-01-31。")))
            elif published > today:
                errs.append(CellError(number, "发布日期", _("发布日期不能晚于今天。")))
            expires = None
            if rec.get("expires_on"):
                expires = day(rec["expires_on"])
                if expires is None:
                    errs.append(CellError(number, "有效期至", _("日期格式无效，应为 2026-01-31。")))
                elif published and expires <= published:
                    errs.append(CellError(number, "有效期至", _("有效期应晚于发布日期。")))
            doc_number = rec.get("doc_number", "")
            if len(doc_number) > 60:
                errs.append(CellError(number, "文号", _("文号不能超过 60 个字。")))
            body = rec.get("body", "")
            if errs:
                plan.errors.extend(errs)
                continue
            values = {
                "org": org,
                "title": title,
                "category": int(category),
                "scope": scope,
                "published_at": moment(published),
                "expires_at": moment(expires) if expires else None,
                "doc_number": doc_number,
                "body": body,
            }
            known = existing.get(index)
            if known is None:
                plan.rows.append(RowPlan(number, CREATE, index, title, values))
                continue
            same = known[1:] == (
                org.pk,
                title,
                values["category"],
                scope,
                values["published_at"],
                values["expires_at"],
                doc_number,
                body,
            )
            if same:
                plan.rows.append(RowPlan(number, UNCHANGED, index, title))
            else:
                plan.errors.append(
                    CellError(number, "索引号", _("索引号已存在且内容不同：已公开事项须按变更程序修改。"))
                )
        return plan

    def apply(self, plan: Plan, user) -> None:
        creates = [row for row in plan.rows if row.action == CREATE]
        if not creates:
            return
        with bulk.large_writes():
            items = _insert_items(creates, user)
            ports.index_new_items(items)  # R30: searchable from the moment the transaction commits
        _advance_counters((row.key, row.payload["org"].code) for row in creates)


def _insert_items(creates: list[RowPlan], user) -> list[DisclosureItem]:
    """The items as published long ago, and the history line of each, in bulk; answers the items."""
    now = timezone.now()
    fields = DisclosureItem._meta.concrete_fields
    blank = {f.attname: f.get_default() for f in fields} | {
        "state": State.PUBLISHED,
        "author_id": user.pk,
        "created_at": now,
        "updated_at": now,
    }
    # Ids first: the history lines and the search documents point at them, and nothing is read back.
    ids = bulk.reserve_ids(DisclosureItem, len(creates))
    rows = []
    for pk, row in zip(ids, creates, strict=True):
        v = row.payload
        org = v["org"]
        # R9: published long ago, so any inside-first period is over.
        public = v["published_at"] if v["scope"] == Scope.PUBLIC else None
        rows.append(
            blank
            | {
                "id": pk,
                "org_id": org.pk,
                "org_path": org.path,
                "category": v["category"],
                "title": v["title"],
                "body": v["body"],
                "published_body": v["body"],
                "doc_number": v["doc_number"],
                "scope": v["scope"],
                "index_number": row.key,
                "published_at": v["published_at"],
                "public_from": public,
                "went_public_at": public,
                "expires_at": v["expires_at"],
            }
        )
    bulk.insert(DisclosureItem, rows, with_pk=True)
    note = str(_("历史事项导入"))
    event = {"action": "publish", "from_state": "", "to_state": State.PUBLISHED, "actor_id": user.pk}
    bulk.insert(ItemEvent, [event | {"item_id": r["id"], "at": now, "note": note} for r in rows])
    # Instances as read from the database (positional: a third of the cost of keyword construction).
    names = [f.attname for f in fields]
    return [DisclosureItem.from_db(connection.alias, names, [r[n] for n in names]) for r in rows]


def _advance_counters(keys) -> None:
    """Imported 索引号 in Gongkai's own pattern: move the year's counter past them, so numbers given
    later never repeat one. `keys`: (索引号, organisation code) of each new item."""
    highest: dict[str, int] = {}
    for index, code in keys:
        m = _GENERATED.match(index)
        if m and m["org"] == code:
            key = f"index:{m['org']}:{m['year']}"
            highest[key] = max(highest.get(key, 0), int(m["seq"]))
    for key, value in highest.items():
        Counter.objects.bulk_create([Counter(key=key, value=0)], ignore_conflicts=True)
        Counter.objects.filter(key=key, value__lt=value).update(value=value)
