"""Synthetic data for load tests: a tree of organisations and many disclosure items, reproducible from a
seed. Rows are bulk-inserted with every derived field filled the way the actions would fill it."""

import random
import time
from collections import Counter as Tally
from datetime import date, datetime, timedelta
from datetime import time as dtime
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from gongkai.catalogue import demo as catalogue_demo
from gongkai.catalogue.models import Catalogue, CatalogueItem, CatalogueVersion, Scope
from gongkai.disclosure import windows
from gongkai.disclosure.models import DisclosureItem, State
from gongkai.lib import bulk, workdays
from gongkai.numbering.models import Counter
from gongkai.orgs.demo import GIVEN, SURNAMES
from gongkai.orgs.models import Level, Membership, Organisation, Role, SectorType

TZ = ZoneInfo("Asia/Shanghai")
FIRST_DAY = date(2022, 1, 1)
LAST_DAY = date(2026, 11, 15)  # fixed, so a seed gives the same data on any day
REFERENCE = datetime(2026, 11, 20, 12, 0, tzinfo=TZ)
BATCH = 5000

PLACES = (
    "金沙 湘都 神仙 礼花 新开 白沙 石门 枫林 桃源 柏加 永和 沙市 官渡 达浒 社港 淳口 高坪 大瑶 澄潭 文家 荷花 "
    "集里 关口 淮川 古港 葛家 张坊 小河 镇头 普迹 北盛 龙伏 洞阳 永安 沿溪 中和 蕉溪 杨花 青草 清江 太平 "
    "长兴 东华 黄泥 株树 梅田 双江 五星 和平 新华 胜利 光明 红旗 向阳 龙泉 凤凰 麻园 秀山 溪江 大围 石柱"
).split()
INDUSTRIES = "烟花 机械 电子 食品 建材 生物科技 纺织 物流 陶瓷 新材料".split()
BRANCH_NAMES = {
    SectorType.VILLAGE: ["{p}村党支部", "{p}村党总支第{n}党支部"],
    SectorType.COMMUNITY: ["{p}社区党支部", "{p}社区第{n}党支部"],
    SectorType.ORGAN: ["{t}机关第{n}党支部", "{t}纪工委党支部"],
    SectorType.SCHOOL: ["{p}中学党支部", "{p}中心小学党支部"],
    SectorType.AFFILIATED: ["{p}卫生院党支部", "{p}综合文化站党支部", "{p}农业综合服务中心党支部"],
    SectorType.NON_PUBLIC: ["浏阳市{p}{i}有限公司党支部", "湖南{p}{i}股份有限公司党支部"],
    SectorType.SOCIAL: ["{p}志愿者协会党支部", "{p}商会党支部", "{p}老年协会党支部"],
}
SECTOR_WEIGHTS = {
    SectorType.VILLAGE: 30,
    SectorType.COMMUNITY: 25,
    SectorType.ORGAN: 12,
    SectorType.SCHOOL: 10,
    SectorType.AFFILIATED: 8,
    SectorType.NON_PUBLIC: 10,
    SectorType.SOCIAL: 5,
}
STATE_WEIGHTS = {
    State.PUBLISHED: 70,
    State.DRAFT: 8,
    State.SUBMITTED: 5,
    State.REVIEWED: 4,
    State.APPROVED: 3,
    State.SUPERSEDED: 5,  # generated in pairs with the version that replaced it
    State.REVOKED: 3,
    State.TERMINATED: 2,
}
NARROWER = {  # a narrower audience than the catalogue's, now and then (R9 allows it)
    Scope.PUBLIC: [Scope.ALL_MEMBERS, Scope.ORG_TREE, Scope.ORG_MEMBERS],
    Scope.ORG_MEMBERS: [Scope.COMMITTEE],
    Scope.COMMITTEE: [],
}
CATEGORY_TEXT = {
    1: [
        "党组织认真贯彻落实上级党组织决策部署，结合实际研究制定具体措施，明确责任分工和完成时限。",
        "坚持重大事项集体研究决定，严格执行议事规则，决策事项均按程序提交会议讨论。",
    ],
    2: [
        "坚持把政治理论学习摆在首位，通过集中学习、专题研讨、线上学习等方式组织党员学习党的创新理论。",
        "严格落实“三会一课”制度，结合主题党日开展学习教育，党员参学率保持在较高水平。",
    ],
    3: [
        "严格按照党章和有关规定开展组织工作，坚持标准、严格程序，确保各项工作规范有序。",
        "党费收缴、管理和使用严格执行有关规定，账目清楚，按期公开，接受党员监督。",
    ],
    4: [
        "领导班子坚持民主集中制，分工明确、责任清晰，班子成员按照分工履行职责。",
        "认真开展批评与自我批评，对查摆出的问题逐项制定整改措施，明确整改时限。",
    ],
    5: [
        "严格执行干部选拔任用有关规定，坚持事业为上、人岗相适，全程接受监督。",
        "认真落实干部考核和监督管理制度，考核结果作为干部使用和奖惩的重要依据。",
    ],
    6: [
        "畅通党员群众意见建议渠道，对收集到的意见建议逐条登记、限时办理、及时反馈。",
        "围绕群众急难愁盼问题办实事，实行项目化管理，定期公开进展情况。",
    ],
    7: [
        "压紧压实党风廉政建设主体责任，班子成员严格履行“一岗双责”。",
        "坚持以案示警、以案促改，组织党员干部开展警示教育，筑牢拒腐防变思想防线。",
    ],
    8: [
        "按照党务公开目录要求，及时、准确、规范公开党务信息，主动接受党员群众监督。",
        "健全党务公开工作机制，明确联络员职责，公开内容经审核、审批后发布。",
    ],
}
MEASURES = [
    "召开支部委员会专题研究部署",
    "组织党员集中学习讨论",
    "建立工作台账，实行销号管理",
    "明确责任人和完成时限",
    "通过公开栏、微信群同步公开",
    "邀请党员代表参与监督",
    "开展入户走访，听取群众意见",
    "对照问题清单逐项整改",
]
TOPICS = [
    "村（社区）环境卫生整治",
    "老旧小区提质改造",
    "农村道路硬化",
    "防汛抗旱工作",
    "烟花爆竹安全生产",
    "疫情防控常态化",
    "基层治理网格化",
    "乡村振兴产业发展",
    "文明城市创建",
    "困难群众帮扶",
]
PROJECTS = [
    "小区停车位改造",
    "村组道路亮化",
    "农贸市场提质",
    "社区养老服务站建设",
    "饮水安全提升",
    "游园绿化",
]
PENALTIES = ["党内警告", "党内严重警告", "撤销党内职务"]
CN_Q = "一二三四"
PERIOD_BACK = {"monthly": 20, "quarterly": 45, "half_yearly": 90, "yearly": 200}
NOTICES = {
    State.REVOKED: "原公开内容有误，经目录制定单位批准撤销。",
    State.TERMINATED: "相关事项已调整，经目录制定单位批准终止公开。",
    State.SUPERSEDED: "原公开内容部分数据有误，经目录制定单位批准予以更正。",
}
CADENCE_LABEL = {
    "monthly": lambda d: f"{d.year}年{d.month}月",
    "quarterly": lambda d: f"{d.year}年第{CN_Q[(d.month - 1) // 3]}季度",
    "half_yearly": lambda d: f"{d.year}年{'上' if d.month <= 6 else '下'}半年",
    "yearly": lambda d: f"{d.year}年度",
}


def org_path(parent_path: str, depth: int, number: int) -> str:
    """treebeard's materialised path of the `number`-th child (1-based) at `depth`."""
    return Organisation._get_path(parent_path, depth, number)


class Generator:
    def __init__(self, seed: int, out=None):
        self.rng = random.Random(seed)
        self.seed = seed
        self.out = out

    def say(self, text):
        if self.out:
            self.out.write(text)

    # ---- organisations ----------------------------------------------------------------------

    def orgs(self, n: int) -> list[Organisation]:
        """One root committee, a committee per ~40 branches, branches spread evenly below."""
        rng = self.rng
        prefix = f"SYN{self.seed}"
        if Organisation.objects.filter(code__startswith=f"{prefix}-").exists():
            raise CommandError(f"已有种子 {self.seed} 生成的数据；请换一个 --seed，或使用新的数据库。")
        last_root = Organisation.objects.filter(depth=1).order_by("-path").first()
        root_number = (int(last_root.path[: Organisation.steplen], 36) + 1) if last_root else 1
        n_committees = max(1, min(n - 1, (n - 1) // 40))
        n_branches = max(0, n - 1 - n_committees)
        root = Organisation(
            path=org_path("", 1, root_number),
            depth=1,
            numchild=n_committees,
            code=f"{prefix}-0",
            name="中共合成演示市委员会",
            level=Level.COMMITTEE,
            sector_type="",
        )
        rows = [root]
        committees = []
        for c in range(n_committees):
            place = PLACES[c % len(PLACES)]
            suffix = "" if c < len(PLACES) else str(c // len(PLACES) + 1)
            kind = "镇委员会" if c % 3 else "街道工作委员会"
            committees.append(
                Organisation(
                    path=org_path(root.path, 2, c + 1),
                    depth=2,
                    numchild=0,
                    code=f"{prefix}-C{c + 1:04d}",
                    name=f"中共{place}{suffix}{kind}",
                    short_name=f"{place}{suffix}{'镇' if c % 3 else '街道'}",
                    level=Level.COMMITTEE,
                    sector_type="",
                )
            )
        rows += committees
        sectors, weights = list(SECTOR_WEIGHTS), list(SECTOR_WEIGHTS.values())
        for b in range(n_branches):
            parent = committees[b % n_committees]
            parent.numchild += 1
            sector = rng.choices(sectors, weights)[0]
            name = rng.choice(BRANCH_NAMES[sector]).format(
                p=rng.choice(PLACES), t=parent.short_name, n=rng.randint(1, 5), i=rng.choice(INDUSTRIES)
            )
            rows.append(
                Organisation(
                    path=org_path(parent.path, 3, parent.numchild),
                    depth=3,
                    numchild=0,
                    code=f"{prefix}-{b + 1:05d}",
                    name=name,
                    level=Level.BRANCH,
                    sector_type=sector,
                    phone=f"0731-8{rng.randint(3000000, 3999999)}",
                )
            )
        Organisation.objects.bulk_create(rows, batch_size=BATCH)
        return list(Organisation.objects.filter(code__startswith=f"{prefix}-").order_by("path"))

    def catalogue(self, root: Organisation) -> list[CatalogueItem]:
        catalogue = Catalogue.objects.create(
            owner=root, name="合成数据党务公开目录", filing_body=catalogue_demo.FILING_BODY
        )
        version = CatalogueVersion.objects.create(
            catalogue=catalogue, number=1, published_at=datetime(2021, 12, 1, tzinfo=TZ)
        )
        CatalogueItem.objects.bulk_create(
            CatalogueItem(version=version, **catalogue_demo.item_fields(row)) for row in catalogue_demo.ITEMS
        )
        return list(version.items.order_by("number"))

    def people(self, root: Organisation):
        User = get_user_model()
        users = []
        for role, name in (
            (Role.CLERK, "合成联络员"),
            (Role.REVIEWER, "合成审核人"),
            (Role.SECRETARY, "合成书记"),
        ):
            user = User(username=f"syn{self.seed}-{role}", display_name=name)
            user.set_unusable_password()
            user.save()
            Membership.objects.create(user=user, org=root, role=role)
            users.append(user)
        return users

    # ---- items ------------------------------------------------------------------------------

    def name(self) -> str:
        rng = self.rng
        return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))

    def title(self, rule: CatalogueItem, org: Organisation, day: date, stage: str, period: str) -> str:
        rng, n, y = self.rng, rule.number, day.year
        who = self.name()
        k = rng.randint(2, 5)
        special = {
            2: lambda: f"关于{rng.choice(TOPICS)}工作的决定及执行情况",
            11: lambda: f"{org.name}换届选举结果公告",
            12: lambda: {
                "确定入党积极分子": f"关于确定{who}等{k}名同志为入党积极分子的公告",
                "确定发展对象": f"关于确定{who}等{k}名同志为发展对象的公示",
                "接收预备党员": f"关于接收{who}等{k}名同志为预备党员的公示",
            }.get(stage, f"关于{who}同志预备党员转正的公告"),
            16: lambda: f"关于推荐{who}同志为{y}年度优秀共产党员的公示",
            21: lambda: f"{y}年度组织生活会召开情况及整改措施",
            23: lambda: f"干部任前公示（{who}同志）",
            24: lambda: f"关于{who}等{k}名同志轮岗交流的通报",
            30: lambda: f"{y}年为民办实事项目：{rng.choice(PROJECTS)}（{stage}）",
            31: lambda: f"{y}年{day.month}月{rng.choice(['城乡低保', '临时救助', '特困供养'])}对象公示",
            33: lambda: f"关于{rng.choice(PROJECTS)}的“四议两公开”{stage}",
            36: lambda: f"关于给予{who[0]}某某同志{rng.choice(PENALTIES)}处分的通报",
        }
        if n in special:
            return special[n]()
        if rule.timing == "none":
            return f"{org.name}{rule.title}"
        if period:
            return (
                f"{period}{rule.title.removeprefix('年度')}"
                if period.endswith("年度")
                else period + rule.title
            )
        return f"{org.name}{rule.title}"

    def body(self, rule: CatalogueItem, org: Organisation, title: str, published: date) -> str:
        rng = self.rng
        paragraphs = [
            "根据《中国共产党党务公开条例（试行）》和党务公开目录要求，现将有关情况"
            + ("公示如下。" if "公示" in title or "公告" in title else f"公开如下：{title}。"),
            "## 一、基本情况",
            rng.choice(CATEGORY_TEXT[rule.category]),
            "## 二、主要措施",
            "\n".join(f"{i}. {m}；" for i, m in enumerate(rng.sample(MEASURES, 3), 1)),
        ]
        if rule.number == 13:
            paid, used = rng.randint(3000, 30000), rng.randint(500, 8000)
            paragraphs.append(
                f"| 项目 | 金额（元） |\n|---|---|\n| 本期收缴 | {paid}.00 |\n| 上缴上级 | {paid * 7 // 10}.00 |\n"
                f"| 本期使用 | {used}.00 |"
            )
        if "公示" in rule.description and rule.notice_days:  # the window the public sees, both dates
            when = datetime.combine(published, dtime(10), TZ)
            planned = windows.windows(rule, rule.target_scope, when, workdays.EMPTY)
            start = (planned.public_from or when).date() + timedelta(days=0 if planned.public_from else 1)
            end = timezone.localdate(planned.expires_at) - timedelta(days=1)
            paragraphs.append(
                f"公示期：{start:%Y年%m月%d日}至{end:%Y年%m月%d日}。公示期间如有意见，可通过来信、来电、"
                f"来访等方式向{org.name}反映。联系电话：{org.phone or '0731-83000000'}。"
            )
        paragraphs.append(f"{org.name}\n{published:%Y年%m月%d日}")
        return "\n\n".join(paragraphs)

    def items_for(self, org, rules, count, users, next_id, seqs):
        """`count` item rows (dicts of column values) of one organisation, in publication order so
        index numbers run with time."""
        rng = self.rng
        clerk, reviewer, secretary = users
        span = (LAST_DAY - FIRST_DAY).days
        states, state_weights = list(STATE_WEIGHTS), list(STATE_WEIGHTS.values())
        drafts = [
            (
                FIRST_DAY + timedelta(days=rng.randrange(span)),
                rng.choice(rules),
                rng.choices(states, state_weights)[0],
            )
            for _ in range(count)
        ]
        drafts.sort(key=lambda d: d[0])
        out = []
        for day, rule, state in drafts:
            if len(out) >= count:
                break
            if state == State.SUPERSEDED and count - len(out) < 2:
                state = State.PUBLISHED  # a superseded item comes with its new version: two rows
            stage = rng.choice(rule.stage_names) if rule.stages else ""
            period = ""
            if rule.cadence:  # the period just ended (the year's plan: this year)
                back = 0 if rule.number == 4 else PERIOD_BACK[rule.cadence]
                period = CADENCE_LABEL[rule.cadence](max(day - timedelta(days=back), FIRST_DAY))
            scope = rule.target_scope
            if NARROWER[scope] and rng.random() < 0.1:
                scope = rng.choice(NARROWER[scope])
            created = datetime.combine(day, dtime(rng.randint(8, 17), rng.randrange(60)), TZ)
            published = created + timedelta(days=rng.randint(0, 6), minutes=rng.randrange(600))
            title = self.title(rule, org, day, stage, period)[:200]
            item = dict(DEFAULTS)
            item.update(
                id=next_id,
                org_id=org.pk,
                org_path=org.path,
                catalogue_item_id=rule.pk,
                category=rule.category,
                title=title,
                body=self.body(rule, org, title, published.date()),
                scope=scope,
                state=state,
                event_date=day,
                period_label=period,
                stage=stage,
                author_id=clerk.pk,
                created_at=created,
                updated_at=created,
            )
            next_id += 1
            out.append(item)
            if state in (State.DRAFT, State.SUBMITTED):
                continue
            item["reviewer_id"] = reviewer.pk
            if state == State.REVIEWED:
                continue
            # published_body stays empty: reader_body() falls back to body, which has nothing to mask
            item["approver_id"] = secretary.pk
            if state == State.APPROVED:
                continue
            self.publish(item, rule, org, published, seqs)
            if state in (State.REVOKED, State.TERMINATED):
                item["ended_at"] = item["updated_at"] = published + timedelta(days=rng.randint(1, 60))
                item["notice"] = NOTICES[state]
            if state == State.SUPERSEDED:  # the version that replaced it, published the day it ended
                ended = published + timedelta(days=rng.randint(1, 30))
                item.update(ended_at=ended, updated_at=ended, notice=NOTICES[state])
                new = dict(item)
                new.update(
                    id=next_id,
                    state=State.PUBLISHED,
                    version=2,
                    supersedes_id=item["id"],
                    title=f"{title}（更正）"[:200],
                    ended_at=None,
                    notice=NOTICES[state],
                    created_at=ended,
                    expires_at=None,
                    public_from=None,
                    went_public_at=None,
                    expired_recorded_at=None,
                )
                self.publish(new, rule, org, ended, seqs)
                next_id += 1
                out.append(new)
        return out, next_id

    def publish(self, item, rule, org, when, seqs):
        """What publish_item() and settle_visibility() would have set."""
        item["published_at"] = item["updated_at"] = when
        planned = windows.windows(rule, item["scope"], when, workdays.EMPTY)  # as publish_item() sets
        if item["scope"] == Scope.PUBLIC:
            item["public_from"] = planned.public_from
            item["went_public_at"] = item["public_from"] if item["public_from"] <= REFERENCE else None
        if planned.expires_at:
            item["expires_at"] = planned.expires_at
            item["expired_recorded_at"] = item["expires_at"] if item["expires_at"] <= REFERENCE else None
        year = when.year
        seqs[(org.code, year)] += 1
        item["index_number"] = f"{org.code}-{year}-{item['category']:02d}-{seqs[(org.code, year)]:05d}"


DEFAULTS = {f.attname: (None if f.null else f.get_default()) for f in DisclosureItem._meta.concrete_fields}


class Command(BaseCommand):
    help = "Generate synthetic organisations and disclosure items (reproducible with --seed) for load tests."

    def add_arguments(self, parser):
        parser.add_argument("--orgs", type=int, default=100)
        parser.add_argument("--items", type=int, default=10_000)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, orgs, items, seed, **options):
        if orgs < 2 or items < 0:
            raise CommandError("--orgs 至少为 2，--items 不能为负数。")
        started = time.monotonic()
        stats = generate(orgs, items, seed, out=self.stdout)
        self.stdout.write(
            f"generated {stats['orgs']} organisations and {stats['items']} items "
            f"in {time.monotonic() - started:.1f}s"
        )


def generate(n_orgs: int, n_items: int, seed: int, out=None) -> dict:
    gen = Generator(seed, out)
    with transaction.atomic():
        orgs = gen.orgs(n_orgs)
        root = orgs[0]
        rules = gen.catalogue(root)
        users = gen.people(root)
    applicable = {}
    for org in orgs:
        applicable[org.pk] = (
            [r for r in rules if not r.sector_types or f",{org.sector_type}," in r.sector_types]
            if org.sector_type
            else [r for r in rules if not r.sector_types]
        )
    # Branches carry most items; committees a few.
    weights = [1 if o.level == Level.COMMITTEE else 8 for o in orgs]
    counts = Tally(gen.rng.choices(range(len(orgs)), weights, k=n_items))
    next_id = (DisclosureItem.objects.aggregate(m=Max("id"))["m"] or 0) + 1
    seqs: Tally = Tally()
    buffer, written = [], 0
    for i, org in enumerate(orgs):
        rows, next_id = gen.items_for(org, applicable[org.pk], counts.get(i, 0), users, next_id, seqs)
        buffer += rows
        if len(buffer) >= BATCH or i == len(orgs) - 1:
            with transaction.atomic():
                # Rows carry their ids: the index numbers and links are made before the insert.
                bulk.insert(DisclosureItem, buffer, with_pk=True)
            written += len(buffer)
            buffer = []
            if out and written and written % 100_000 < BATCH:
                out.write(f"  {written} items")
    Counter.objects.bulk_create(
        [Counter(key=f"index:{code}:{year}", value=n) for (code, year), n in seqs.items()], batch_size=BATCH
    )
    with connection.cursor() as cursor:  # explicit ids: move PostgreSQL's sequence past them
        for sql in connection.ops.sequence_reset_sql(no_style(), [DisclosureItem]):
            cursor.execute(sql)
    return {"orgs": len(orgs), "items": written}
