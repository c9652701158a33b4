"""The demo catalogue (浏阳市基层党组织党务公开目录), item for item from reference/catalogue.md. Idempotent."""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.db import transaction

from gongkai.orgs.models import Organisation

from .models import (
    Cadence,
    Catalogue,
    CatalogueItem,
    CatalogueVersion,
    DueRule,
    Duration,
    Retention,
    Scope,
    Timing,
)

NAME = "浏阳市基层党组织党务公开目录"
OWNER = "LYSW"
FILING_BODY = "长沙市党务公开工作领导小组"
PUBLISHED = datetime(2026, 1, 5, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))

# Scopes as the reference writes them: 党内 = the organisation's members; 党内→社会 = inside first, then public.
IN, OUT, IN_OUT, COMMITTEE = "党内", "社会", "党内→社会", "委员"
SCOPES = {
    IN: (Scope.ORG_MEMBERS, 0),
    OUT: (Scope.PUBLIC, 0),
    IN_OUT: (Scope.PUBLIC, 5),  # 先党内后党外: five working days inside before it goes public
    COMMITTEE: (Scope.COMMITTEE, 0),
}
ALL = ""
VC = ",village,community,"
ORGAN = ",organ,"
ORGAN_AFF = ",organ,affiliated,"
ORGAN_AFF_SCHOOL = ",organ,affiliated,school,"

M, Q, H, Y = Cadence.MONTHLY, Cadence.QUARTERLY, Cadence.HALF_YEARLY, Cadence.YEARLY
# Short-term items stay on the board one reporting period; a 公示 states its window in working days
# (公示期不少于5个工作日), counted from the day it reaches its audience.
PERIOD = {M: 30, Q: 90, H: 180, Y: 365}
NOTICE_5 = ("wd", 5)
P, T, S = Retention.PERMANENT, Retention.Y30, Retention.Y10
# A long-term item added to the catalogue, or an organisation created, after its rollout deadline has
# this many working days from the catalogue's publication (or the organisation's creation).
LONG_TERM_ALLOWANCE = 20

MEMBERSHIP_CHAIN = "按“确定入党积极分子 → 确定发展对象 → 接收预备党员 → 预备党员转正”分阶段公开，各阶段确定后5个工作日内公开。"

# (#, category, title, description, scope, timing spec, board, types, retention)
# timing spec: None (long-term) · ("periodic", cadence, wd after the period ends)
#   · ("fixed", cadence, month of the period, day (31 = 月底), in the next period?)
#   · ("timely", wd after the event) · ("before", wd before the event) · ("staged", [(stage, wd)…])
# board: calendar days on the board, or NOTICE_5 (a 公示 of five working days), or None (the period).
# fmt: off
ITEMS = [
    (1, 1, "贯彻落实上级党组织重要决策部署情况", "上级党组织重要决策部署的传达学习、贯彻措施和落实进度。", IN, ("periodic", H, 10), None, ALL, T),
    (2, 1, "本组织重要决策及执行情况", "本组织作出的重要决策、决定及其执行情况，先在党内公开，再向社会公开。", IN_OUT, ("timely", 5), 90, ALL, T),
    (3, 1, "任期工作目标", "本届领导班子任期内的工作目标和主要任务。", OUT, None, None, ALL, P),
    (4, 1, "年度工作计划", "本年度党建工作计划，每年2月底前公开。", OUT, ("fixed", Y, 2, 31, False), None, ALL, T),
    (5, 1, "年度工作总结", "上一年度党建工作总结，年度结束后20个工作日内公开。", OUT, ("periodic", Y, 20), None, ALL, T),
    (6, 2, "理论学习计划及落实情况", "党委（党组）理论学习中心组和支部理论学习计划及落实情况。", IN, ("periodic", H, 10), None, ALL, S),
    (7, 2, "“三会一课”开展情况", "支部党员大会、支部委员会、党小组会和党课的开展情况。", IN, ("periodic", Q, 10), None, ALL, S),
    (8, 2, "主题党日活动安排", "每月主题党日的时间、地点、主题和参加对象，每月5日前公开。", IN, ("fixed", M, 1, 5, False), None, ALL, S),
    (9, 2, "党员教育培训计划及落实情况", "党员集中轮训、专题培训的计划和完成情况。", IN, ("periodic", Y, 20), None, ALL, S),
    (10, 3, "党组织设置及主要职能", "党组织的设置、隶属关系、主要职责和联系方式。", OUT, None, None, ALL, P),
    (11, 3, "党组织换届选举情况", "换届选举的时间安排、候选人产生程序和选举结果，选举后5个工作日内公开。", OUT, ("timely", 5), 30, ALL, P),
    (12, 3, "发展党员", "发展党员各环节的情况；确定发展对象、接收预备党员须公示，公示期不少于5个工作日。" + MEMBERSHIP_CHAIN, IN_OUT, ("staged", [("确定入党积极分子", 5), ("确定发展对象", 5), ("接收预备党员", 5), ("预备党员转正", 5)]), NOTICE_5, ALL, P),
    (13, 3, "党费收缴、管理和使用情况", "党员交纳党费的标准、收缴、管理和使用情况，按季度公开。", IN, ("periodic", Q, 10), None, ALL, T),
    (14, 3, "党务工作经费管理和使用情况", "党组织工作经费、党员活动阵地经费的管理和使用情况。", IN, ("periodic", Y, 20), None, ALL, T),
    (15, 3, "民主评议党员结果", "年度民主评议党员的组织情况和评议结果，年度结束后15个工作日内公开。", IN, ("periodic", Y, 15), None, ALL, T),
    (16, 3, "创先争优、评先评优推荐人选", "先进基层党组织、优秀共产党员等推荐人选，推荐人选确定后2个工作日内、作出决定前公示，公示期不少于5个工作日。", IN_OUT, ("timely", 2), NOTICE_5, ALL, T),
    (17, 3, "党员权利保障制度", "党员知情权、参与权、选举权、监督权等权利的保障制度。", IN, None, None, ALL, P),
    (18, 4, "领导班子成员职责分工", "领导班子成员的姓名、职务和分工，调整后及时更新。", OUT, None, None, ALL, P),
    (19, 4, "议事规则和决策程序", "党组织会议的议事范围、议事规则和重大事项决策程序。", OUT, None, None, ALL, P),
    (20, 4, "民主集中制执行情况", "集体领导和个人分工负责、重大事项集体决策的执行情况。", IN, ("periodic", H, 10), None, ALL, T),
    (21, 4, "民主生活会（组织生活会）召开情况及整改措施", "会议召开情况、查摆的问题和整改措施，会后15个工作日内公开。", IN, ("timely", 15), 90, ALL, T),
    (22, 4, "领导班子年度考核评价结果", "领导班子和班子成员年度考核评价的结果。", IN, ("periodic", Y, 15), None, ALL, T),
    (23, 5, "干部任前公示", "拟提拔任用干部的基本情况，拟任人选确定后2个工作日内、任职前公示，公示期不少于5个工作日。", OUT, ("timely", 2), NOTICE_5, ORGAN_AFF_SCHOOL, P),
    (24, 5, "干部轮岗交流情况", "干部轮岗交流的范围、程序和结果。", IN, ("timely", 10), 90, ORGAN_AFF, T),
    (25, 5, "干部考核奖惩情况", "干部年度考核结果和奖惩情况。", IN, ("periodic", Y, 20), None, ORGAN_AFF_SCHOOL, T),
    (26, 5, "干部监督制度执行情况", "干部个人有关事项报告、因私出国（境）管理等监督制度的执行情况。", IN, ("periodic", Y, 20), None, ORGAN_AFF, T),
    (27, 6, "党员群众意见建议及采纳情况", "通过各渠道收集的党员群众意见建议和采纳、反馈情况。", OUT, ("periodic", Q, 10), None, ALL, S),
    (28, 6, "来信来访办理情况（统计）", "来信来访的数量、类别和办理结果统计。", OUT, ("periodic", Q, 10), None, ALL, S),
    (29, 6, "矛盾纠纷排查化解情况", "辖区矛盾纠纷的排查、调处和化解情况。", IN, ("periodic", Q, 10), None, VC, S),
    (30, 6, "为民办实事项目及进展", "为民办实事项目的确定、实施进展和完成情况，分阶段公开，各阶段10个工作日内公开。", OUT, ("staged", [("项目确定", 10), ("实施进展", 10), ("完成验收", 10)]), 90, ALL, T),
    (31, 6, "涉及群众切身利益的重要事项（低保、救助等）", "低保、特困救助、临时救助等事项的对象、标准和金额，事项确定后5个工作日内公开。", OUT, ("timely", 5), 30, VC, T),
    (32, 6, "村（居）“三资”管理情况（资产、资金、资源）", "集体资产、资金、资源的管理和收支情况，财务收支按月公开，次月10个工作日内公开。", OUT, ("periodic", M, 10), None, VC, T),
    (33, 6, "“四议两公开”：决议公开、实施结果公开", "村（社区）重大事项经“四议”后5个工作日内公开决议，实施后5个工作日内公开结果。", OUT, ("staged", [("决议公开", 5), ("实施结果公开", 5)]), 30, VC, P),
    (34, 7, "党风廉政建设责任制落实情况", "党风廉政建设主体责任和监督责任的落实情况。", IN, ("periodic", H, 10), None, ALL, T),
    (35, 7, "廉洁自律规定执行情况", "领导班子成员执行廉洁自律规定的情况。", IN, ("periodic", Y, 20), None, ALL, T),
    (36, 7, "违纪党员处理情况", "违纪党员的处理决定，在班子成员范围内通报。", COMMITTEE, ("timely", 10), 90, ALL, P),
    (37, 7, "“三公”经费使用情况", "因公出国（境）费、公务用车购置及运行费、公务接待费的预算和使用情况。", OUT, ("periodic", Y, 20), None, ORGAN, T),
    (38, 8, "党务公开目录", "本组织适用的党务公开目录。", OUT, None, None, ALL, P),
    (39, 8, "党务公开承诺", "本组织和书记作出的党务公开承诺。", OUT, None, None, ALL, P),
    (40, 8, "党务公开工作年度报告", "上一年度党务公开工作情况，每年1月31日前公开。", OUT, ("fixed", Y, 1, 31, True), None, ALL, P),
]
# fmt: on


def item_fields(row) -> dict:
    """One reference row as CatalogueItem fields."""
    number, category, title, description, scope_key, spec, board, types, retention = row
    scope, min_internal = SCOPES[scope_key]
    fields = {
        "number": number,
        "category": category,
        "title": title,
        "description": description,
        "target_scope": scope,
        "min_internal_days": min_internal,
        "sector_types": types,
        "retention": retention,
        "cadence": "",
        "due_rule": "",
        "due_offset": 0,
        "stages": [],
        "period_days": None,
        "notice_days": None,
    }
    if spec is None:
        fields.update(duration=Duration.LONG, timing=Timing.NONE, due_offset=LONG_TERM_ALLOWANCE)
        return fields
    fields["duration"] = Duration.SHORT
    if board == NOTICE_5:
        fields["notice_days"] = board[1]
    else:
        fields["period_days"] = board
    kind = spec[0]
    if kind == "periodic":
        fields.update(
            timing=Timing.PERIODIC, cadence=spec[1], due_rule=DueRule.AFTER_PERIOD, due_offset=spec[2]
        )
    elif kind == "fixed":
        _kind, cadence, month, day, next_period = spec
        fields.update(
            timing=Timing.PERIODIC,
            cadence=cadence,
            due_rule=DueRule.FIXED_DAY,
            due_month=month,
            due_day=day,
            due_next_period=next_period,
        )
    elif kind in ("timely", "before"):
        rule = DueRule.AFTER_EVENT if kind == "timely" else DueRule.BEFORE_EVENT
        fields.update(timing=Timing.TIMELY, due_rule=rule, due_offset=spec[1])
    else:
        fields.update(timing=Timing.STAGED, stages=[{"name": n, "days": d} for n, d in spec[1]])
    if fields["timing"] == Timing.PERIODIC and board is None:
        fields["period_days"] = PERIOD[fields["cadence"]]
    return fields


@transaction.atomic
def load() -> None:
    owner = Organisation.objects.get(code=OWNER)
    catalogue, _ = Catalogue.objects.get_or_create(
        owner=owner, name=NAME, defaults={"filing_body": FILING_BODY}
    )
    version, created = CatalogueVersion.objects.get_or_create(
        catalogue=catalogue,
        number=1,
        defaults={"published_at": PUBLISHED, "note": "依据《中国共产党党务公开条例（试行）》制定"},
    )
    if not created:
        return  # R5: a published version is never rewritten
    items = [CatalogueItem(version=version, **item_fields(row)) for row in ITEMS]
    for item in items:
        item.clean()  # the catalogue editor's own check: each rule says what its text says
    CatalogueItem.objects.bulk_create(items)
