"""Demo disclosure items, made through the real actions so every state, scope, event and audit entry is
what the workflow produces. Idempotent: skipped when the demo organisations already have items."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from gongkai import access
from gongkai.catalogue.models import CatalogueItem, Scope
from gongkai.orgs.models import Membership, Organisation, Role

from . import actions
from .models import ChangeRequest, DisclosureItem, ItemEvent, State, Withholding

TZ = ZoneInfo("Asia/Shanghai")


def at(y, m, d, hour=9):
    return datetime(y, m, d, hour, 0, tzinfo=TZ)


FEES_Q3 = """根据党费收缴、使用和管理有关规定，现将本支部2026年第三季度党费收缴、管理和使用情况公开如下。

| 项目 | 金额（元） |
|---|---|
| 上季度结余 | 1,826.40 |
| 本季度收缴党费 | 3,912.00 |
| 按规定上缴街道党工委 | 2,738.40 |
| 订阅党报党刊 | 560.00 |
| 本季度结余 | 2,440.00 |

本季度应交党费党员 38 名，实交 38 名，均按时足额交纳。党费使用经支部委员会集体研究，账目由街道党工委组织办审核。

如有疑问，请于公开之日起 10 个工作日内向支部委员会反映。"""

FEES_Q1 = FEES_Q3.replace("第三季度", "第一季度").replace("3,912.00", "3,886.00")

DIVISION = """## 神仙坳社区党支部领导班子成员分工

- **吴建国**（支部书记）：主持支部全面工作，是党务公开工作第一责任人。
- **周晓燕**（支部副书记、党务公开联络员）：负责党员教育管理、党务公开日常工作。
- **李明华**（组织委员）：负责发展党员、党费收缴和组织生活。
- **陈丽**（宣传委员）：负责理论学习、宣传思想和精神文明建设。
- **刘志强**（纪检委员）：负责党风廉政建设和监督工作。

分工如有调整，将及时更新公开。"""

RULES = """## 神仙坳社区党支部议事规则

1. 支部委员会会议原则上每月召开一次，须有半数以上委员到会方可召开。
2. 涉及党员发展、党费使用、评先评优等重要事项，须经支部委员会集体讨论决定。
3. 涉及居民切身利益的重大事项，按“四议两公开”程序办理。
4. 表决实行少数服从多数，会议情况记入会议记录。"""

CANDIDATES = """经支部委员会研究，拟确定张某某、李某某等2名同志为发展对象，现予以公示。

| 姓名 | 性别 | 出生年月 | 学历 | 申请入党时间 | 确定为积极分子时间 |
|---|---|---|---|---|---|
| 张某某 | 男 | 1994年5月 | 大专 | 2024年3月 | 2024年9月 |
| 李某某 | 女 | 1998年11月 | 本科 | 2024年4月 | 2024年10月 |

公示期为5个工作日。公示期间，党员和群众可通过来信、来电、来访等方式向支部委员会或街道党工委组织办反映情况。
联系电话：0731-83012345。"""

ALLOWANCE = """经居民申请、入户调查、民主评议，街道审核，以下家庭拟纳入城乡居民最低生活保障，现予公示。

| 户主 | 家庭人口 | 保障金额（元/月） | 身份证号 |
|---|---|---|---|
| 王某某 | 2 | 860 | 430181198503123425 |

公示期为7天。如有异议，请向社区居委会反映。"""

PROMISE = """神仙坳社区党支部郑重承诺：

1. 按照党务公开目录，及时、准确、规范公开党务信息；
2. 先党内后党外，严格执行审核、审批程序；
3. 认真听取党员群众意见建议，做到件件有回音；
4. 主动接受党员群众和上级党组织监督。

支部书记：吴建国"""

DECISION = """经支部委员会研究，决定于2026年9月开展社区老旧楼道照明改造，资金来源为社区党组织服务群众经费。

实施进度将按季度公开。"""

MEETINGS = """2026年第三季度，支部召开党员大会 3 次、支部委员会 6 次、党小组会 9 次，书记讲党课 1 次。
党员参会率 92%。"""

MEETINGS_FIXED = MEETINGS.replace("92%", "94%") + "\n\n（因统计口径调整，党员参会率更正为 94%。）"

DISCIPLINE = """经支部委员会研究并报街道纪工委同意，给予王某某同志党内警告处分。

本通报在支部委员会范围内传达，请各委员引以为戒。"""


def _user(username):
    return get_user_model().objects.get(username=username)


def _staff(org, prefix):
    """A clerk and a secretary for a demo organisation: existing demo members take the roles."""
    clerk, secretary = _user(f"{prefix}-02"), _user(f"{prefix}-01")
    Membership.objects.get_or_create(
        user=clerk, org=org, role=Role.CLERK, defaults={"title": "党务公开联络员"}
    )
    Membership.objects.get_or_create(user=secretary, org=org, role=Role.SECRETARY, defaults={"title": "书记"})
    access.forget(clerk)
    access.forget(secretary)
    return clerk, secretary


class Flow:
    def __init__(self, org, clerk, secretary, reviewer):
        self.org, self.clerk, self.secretary, self.reviewer = org, clerk, secretary, reviewer
        self.rules = {r.number: r for r in CatalogueItem.objects.for_org(org)}

    def item(self, number, title, body, *, upto=State.PUBLISHED, when=None, mask=False, scope=None, **extra):
        item = actions.create_item(
            self.org,
            by=self.clerk,
            title=title,
            body=body,
            catalogue_item=self.rules[number],
            scope=scope,
            **extra,
        )
        steps = [
            (State.SUBMITTED, lambda i: actions.submit_item(i, by=self.clerk)),
            (State.REVIEWED, lambda i: self._review(i, mask)),
            (State.APPROVED, lambda i: actions.approve_item(i, by=self.secretary, note="同意公开")),
            (State.PUBLISHED, lambda i: actions.publish_item(i, by=self.clerk, now=when)),
        ]
        for state, step in steps:
            if upto == State.DRAFT:
                break
            item = step(item)
            if state == upto:
                break
        if when is not None:
            _backdate(item, when)
        return item

    def _review(self, item, mask):
        item = actions.review_item(item, by=self.reviewer, note="已审核，内容属实")
        for finding in item.findings.all():
            actions.resolve_finding(finding, by=self.reviewer, mask=mask, reason="公示所需，已核实")
        return item


def _backdate(item, when):
    """Events of a backdated item: spread over the days before its publication (the audit log keeps
    the real times)."""
    events = list(ItemEvent.objects.filter(item=item).order_by("pk"))
    for n, event in enumerate(events):
        event.at = when - timedelta(hours=2 * (len(events) - 1 - n))
    ItemEvent.objects.bulk_update(events, ["at"])


@transaction.atomic
def load() -> None:
    if DisclosureItem.objects.filter(org__is_demo=True).exists():
        return
    now = timezone.now()
    sxa = Organisation.objects.get(code="JLJD-SXA")
    street = Organisation.objects.get(code="JLJD")
    reviewer, owner, inspector = _user("shenhe"), _user("mulu"), _user("jiancha")
    s = Flow(sxa, _user("lianluoyuan"), _user("shuji"), reviewer)

    # Long-term, public: on the board for good.
    s.item(18, "神仙坳社区党支部领导班子成员分工", DIVISION, when=at(2026, 3, 2))
    s.item(19, "神仙坳社区党支部议事规则和决策程序", RULES, when=at(2026, 3, 2, 10))
    s.item(39, "神仙坳社区党支部2026年党务公开承诺", PROMISE, when=at(2026, 3, 5))
    # Periodic, inside the organisation; the first quarter has expired into the archive.
    s.item(
        13,
        "2026年第一季度党费收缴、管理和使用情况",
        FEES_Q1,
        when=at(2026, 4, 14),
        period_label="2026年第一季度",
    )
    s.item(
        13,
        "2026年第三季度党费收缴、管理和使用情况",
        FEES_Q3,
        when=at(2026, 10, 15),
        period_label="2026年第三季度",
    )
    # Public target: one past its internal period, one still inside it.
    s.item(
        2,
        "关于实施社区老旧楼道照明改造的决定",
        DECISION,
        when=now - timedelta(days=30),
        event_date=(now - timedelta(days=33)).date(),
    )
    s.item(
        12,
        "关于确定张某某等2名同志为发展对象的公示",
        CANDIDATES,
        when=now - timedelta(days=2),
        stage="确定发展对象",
    )
    # The reviewer masked an ID number: readers see the mask.
    s.item(
        31,
        "2026年11月城乡居民最低生活保障对象公示",
        ALLOWANCE,
        when=now - timedelta(days=1),
        mask=True,
        event_date=(now - timedelta(days=3)).date(),
    )
    # Narrower audiences than the catalogue's: all members; the committee only.
    s.item(
        5,
        "神仙坳社区党支部2025年度工作总结",
        "2025年度支部工作总结（全文）……",
        scope=Scope.ALL_MEMBERS,
        when=at(2026, 1, 28),
        period_label="2025年度",
    )
    s.item(
        36,
        "关于给予王某某同志党内警告处分的通报",
        DISCIPLINE,
        when=at(2026, 10, 10),
        event_date=date(2026, 9, 28),
    )
    # Every workflow state.
    s.item(
        15,
        "2026年度民主评议党员结果",
        "评议工作将于12月开展，结果届时公开。",
        upto=State.DRAFT,
        period_label="2026年度",
    )
    s.item(
        8,
        "2026年12月主题党日活动安排",
        "12月主题党日：学习贯彻党的二十届四中全会精神。",
        upto=State.SUBMITTED,
        period_label="2026年12月",
    )
    s.item(
        6,
        "2026年下半年理论学习计划落实情况",
        "下半年共组织集中学习 6 次。",
        upto=State.REVIEWED,
        period_label="2026年下半年",
    )
    s.item(
        27,
        "2026年第三季度党员群众意见建议及采纳情况",
        "本季度收到意见建议 12 条，已采纳 9 条。",
        upto=State.APPROVED,
        period_label="2026年第三季度",
    )
    sent_back = s.item(
        28,
        "2026年第三季度来信来访办理情况",
        "本季度来信来访 5 件。",
        upto=State.SUBMITTED,
        period_label="2026年第三季度",
    )
    actions.send_back_item(sent_back, by=reviewer, reason="请补充办理结果和满意率统计。")

    # R11: a change approved by the catalogue owner opens a new version; a revocation leaves a notice.
    meetings = s.item(
        7, "2026年第三季度“三会一课”开展情况", MEETINGS, when=at(2026, 10, 12), period_label="2026年第三季度"
    )
    request = actions.request_change(
        meetings,
        by=s.clerk,
        kind=ChangeRequest.Kind.CHANGE,
        reason="党员参会率统计有误，予以更正。",
        new_title="2026年第三季度“三会一课”开展情况（更正）",
        new_body=MEETINGS_FIXED,
    )
    new = actions.decide_change(request, by=owner, approve=True)
    new = actions.submit_item(new, by=s.clerk)
    new = actions.review_item(new, by=reviewer)
    new = actions.approve_item(new, by=s.secretary)
    actions.publish_item(new, by=s.clerk, now=at(2026, 10, 21))
    wrong = s.item(
        2,
        "关于调整社区议事协商会议时间的决定",
        "社区议事协商会议调整为每月第一个周五召开。",
        when=at(2026, 5, 8),
    )
    request = actions.request_change(
        wrong,
        by=s.clerk,
        kind=ChangeRequest.Kind.REVOKE,
        reason="该决定未经支部委员会集体讨论，程序不符合议事规则，予以撤销。",
    )
    actions.decide_change(request, by=owner, approve=True)

    # R12: a withholding filed upward and waiting for the street committee.
    actions.file_withholding(
        sxa,
        s.rules[29],
        by=s.clerk,
        reason=Withholding.Reason.PRIVACY,
        period_label="2026年第三季度",
        explanation="本季度排查的矛盾纠纷均涉及家庭婚姻和邻里隐私，当事人不同意公开，拟以统计数据在党内通报。",
    )

    # Other organisations of the plan, with their own clerks and secretaries.
    xk = Organisation.objects.get(code="JLJD-XK")
    v = Flow(xk, *_staff(xk, "jljd-xk"), reviewer)
    v.item(
        32,
        "2026年10月新开村“三资”管理情况",
        "10月村集体经济收入 8.6 万元，支出 3.2 万元，明细见村务公开栏。",
        when=at(2026, 11, 12),
        period_label="2026年10月",
    )
    v.item(
        33,
        "关于新开村组级道路硬化项目的“四议两公开”决议公开",
        "经村党支部提议、村“两委”商议、党员大会审议、村民代表会议决议，实施组级道路硬化 2.3 公里。",
        when=at(2026, 11, 20),
        stage="决议公开",
    )
    v.item(
        11,
        "新开村党支部换届选举结果公告",
        "新一届支部委员会由 5 名委员组成。",
        when=at(2026, 4, 2),
        event_date=date(2026, 3, 28),
    )
    withheld = actions.file_withholding(
        xk,
        v.rules[31],
        by=v.clerk,
        reason=Withholding.Reason.TEMPORARY,
        until=date(2027, 1, 31),
        explanation="临时救助对象名单正在复核，复核完成后公开。",
    )
    actions.decide_withholding(withheld, by=inspector, accept=True, note="同意暂缓至复核完成。")

    jg = Organisation.objects.get(code="JLJD-JG1")
    o = Flow(jg, *_staff(jg, "jljd-jg1"), reviewer)
    o.item(
        37,
        "集里街道机关2025年度“三公”经费使用情况",
        "2025年度“三公”经费支出 12.4 万元，比上年下降 8%。",
        when=at(2026, 2, 6),
        period_label="2025年度",
    )
    o.item(
        23,
        "干部任前公示（刘某某同志）",
        "刘某某，男，1986年6月生，拟任街道社会事务办副主任。公示期5个工作日。",
        when=now - timedelta(days=3),
        event_date=(now - timedelta(days=5)).date(),
    )

    # The street committee: an item for itself and every organisation below it.
    c = Flow(street, *_staff_street(street), reviewer)
    c.item(
        4,
        "中共集里街道工作委员会2026年党建工作计划",
        "2026年街道党建工作要点……",
        scope=Scope.ORG_TREE,
        when=at(2026, 2, 25),
        period_label="2026年度",
    )


def _staff_street(street):
    clerk, secretary = _user("jljd-jw-02"), _user("jljd-jg2-01")
    Membership.objects.get_or_create(
        user=clerk, org=street, role=Role.CLERK, defaults={"title": "党务公开联络员"}
    )
    Membership.objects.get_or_create(
        user=secretary, org=street, role=Role.SECRETARY, defaults={"title": "书记"}
    )
    access.forget(clerk)
    access.forget(secretary)
    return clerk, secretary
