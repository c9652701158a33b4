"""Demo organisations, people and the leading group, as the plan names them. Idempotent."""

import functools
import random

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction

from .actions import save_site_profile
from .models import LeadingGroupMember, Level, Membership, Organisation, Role, SectorType, SiteProfile

DEMO_PASSWORD = "Gongkai@2026"

ROOT = ("LYSW", "中共浏阳市委员会", Level.COMMITTEE, "")
STREET = ("JLJD", "中共集里街道工作委员会", Level.COMMITTEE, "")
STREET_ADDRESS, STREET_PHONE = "湖南省长沙市浏阳市集里街道", "0731-83000000"
# The site's information, as the plan's website reads (header and footer).
SITE = {"name": "集里街道党务公开网", "organiser": "集里街道党务公开工作领导小组办公室"}
# (code, name, level, sector type, children)
BRANCHES = [
    ("JLJD-JW", "集里街道纪工委（党风廉政办）党支部", Level.BRANCH, SectorType.ORGAN, []),
    ("JLJD-JG1", "集里街道机关第一党支部", Level.BRANCH, SectorType.ORGAN, []),
    ("JLJD-JG2", "集里街道机关第二党支部", Level.BRANCH, SectorType.ORGAN, []),
    ("JLJD-SXA", "神仙坳社区党支部", Level.BRANCH, SectorType.COMMUNITY, []),
    ("JLJD-JS", "金沙社区党支部", Level.BRANCH, SectorType.COMMUNITY, []),
    (
        "JLJD-XD",
        "湘都社区党总支",
        Level.GENERAL_BRANCH,
        SectorType.COMMUNITY,
        [
            ("JLJD-XD1", "湘都社区第一党支部", Level.BRANCH, SectorType.COMMUNITY, []),
            ("JLJD-XD2", "湘都社区第二党支部", Level.BRANCH, SectorType.COMMUNITY, []),
        ],
    ),
    ("JLJD-XK", "新开村党支部", Level.BRANCH, SectorType.VILLAGE, []),
    ("JLJD-LH", "礼花村党支部", Level.BRANCH, SectorType.VILLAGE, []),
    ("JLJD-ZX", "集里中学党支部", Level.BRANCH, SectorType.SCHOOL, []),
    ("JLJD-XX", "集里中心小学党支部", Level.BRANCH, SectorType.SCHOOL, []),
    ("JLJD-WS", "集里街道社区卫生服务中心党支部", Level.BRANCH, SectorType.AFFILIATED, []),
    ("JLJD-WH", "集里街道综合文化站党支部", Level.BRANCH, SectorType.AFFILIATED, []),
    ("JLJD-YH", "浏阳市湘花烟花制造有限公司党支部", Level.BRANCH, SectorType.NON_PUBLIC, []),
    ("JLJD-JX", "湖南集里机械有限公司党支部", Level.BRANCH, SectorType.NON_PUBLIC, []),
    ("JLJD-ZYZ", "集里街道志愿者协会党支部", Level.BRANCH, SectorType.SOCIAL, []),
    ("JLJD-SH", "集里街道商会党支部", Level.BRANCH, SectorType.SOCIAL, []),
]

# One login per role (README lists them); all share DEMO_PASSWORD.
DEMO_LOGINS = [
    ("dangyuan", "李明华", Role.MEMBER, "JLJD-SXA", ""),
    ("lianluoyuan", "周晓燕", Role.CLERK, "JLJD-SXA", "党务公开联络员"),
    ("shuji", "吴建国", Role.SECRETARY, "JLJD-SXA", "支部书记"),
    ("shenhe", "肖丽", Role.REVIEWER, "JLJD", "组织委员"),
    ("mulu", "邓志强", Role.CATALOGUE_OWNER, "LYSW", "市委组织部科长"),
    ("dudao", "彭卫东", Role.SUPERVISOR, "JLJD", "主任科员"),
    ("jiancha", "胡海波", Role.INSPECTOR, "JLJD", "领导小组办公室主任"),
    ("shenji", "谭秀英", Role.AUDITOR, "JLJD", "审计专员"),
]

LEADING_GROUP = [
    ("阳主任", "街道党工委书记", LeadingGroupMember.Position.LEADER),
    ("高主任", "街道办事处主任", LeadingGroupMember.Position.DEPUTY),
    ("张主任", "街道党工委副书记", LeadingGroupMember.Position.DEPUTY),
    ("黄科长", "组织办科长", LeadingGroupMember.Position.MEMBER),
    ("胡主任", "纪工委党风廉政办主任", LeadingGroupMember.Position.MEMBER),
    ("肖副主任", "党政办副主任", LeadingGroupMember.Position.MEMBER),
    ("陈主任", "社会事务办主任", LeadingGroupMember.Position.MEMBER),
    ("吴书记", "神仙坳社区党支部书记", LeadingGroupMember.Position.MEMBER),
    ("刘科长", "宣传办科长", LeadingGroupMember.Position.MEMBER),
    ("唐主任", "纪工委党风廉政办副主任", LeadingGroupMember.Position.MEMBER),
    ("胡主任", "纪工委党风廉政办主任", LeadingGroupMember.Position.OFFICE_DIRECTOR),
    ("唐主任", "纪工委党风廉政办副主任", LeadingGroupMember.Position.OFFICE_DEPUTY),
]

SURNAMES = "王李张刘陈杨黄赵吴周徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红玉兰春梅海燕文斌辉鹏飞俊波宇浩凯婷雪琳晨欣怡子涵思雨佳慧嘉宏亮"


def _org(code, name, level, sector, parent):
    org = Organisation.objects.filter(code=code).first()
    if org:
        return org
    fields = {"code": code, "name": name, "level": level, "sector_type": sector, "is_demo": True}
    if parent is None:
        return Organisation.objects.add_root(fields)
    return Organisation.objects.add_child(Organisation.objects.get(pk=parent.pk), fields)


@functools.cache
def _demo_password_hash() -> str:
    # Argon2 is slow by design: the demo's one password is hashed once, not once per person.
    return make_password(DEMO_PASSWORD)


def _user(username, name, rng=None):
    User = get_user_model()
    user, created = User.objects.get_or_create(username=username, defaults={"display_name": name})
    if created:
        user.password = _demo_password_hash()
        if rng is not None:
            user.phone = "1" + rng.choice("3578") + "".join(rng.choice("0123456789") for _ in range(9))
        user.save()
    return user


def _member_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


@transaction.atomic
def load() -> None:
    rng = random.Random(2026)  # fixed seed: the same names on every machine
    root = _org(*ROOT, None)
    street = _org(*STREET, root)

    def add(specs, parent):
        for code, name, level, sector, children in specs:
            org = _org(code, name, level, sector, parent)
            add(children, org)

    add(BRANCHES, street)

    for org in Organisation.objects.filter(level=Level.BRANCH, is_demo=True):
        for i in range(1, 11):
            user = _user(f"{org.code.lower()}-{i:02d}", _member_name(rng), rng)
            Membership.objects.get_or_create(user=user, org=org, role=Role.MEMBER)
            if i <= 3:  # the branch committee (支部委员会)
                Membership.objects.get_or_create(user=user, org=org, role=Role.COMMITTEE_MEMBER)

    for username, name, role, code, title in DEMO_LOGINS:
        user = _user(username, name)
        org = Organisation.objects.get(code=code)
        Membership.objects.get_or_create(user=user, org=org, role=role, defaults={"title": title})
        if role != Role.MEMBER and org.level == Level.BRANCH:
            Membership.objects.get_or_create(user=user, org=org, role=Role.MEMBER)

    office = Organisation.objects.get(code="JLJD-JW")
    for order, (name, title, position) in enumerate(LEADING_GROUP):
        LeadingGroupMember.objects.get_or_create(
            committee=street,
            name=name,
            position=position,
            defaults={"title": title, "order": order, "office": office if "office" in position else None},
        )

    User = get_user_model()
    admin = User.objects.filter(username="admin").first()
    if admin is None:
        admin = User.objects.create_superuser("admin", "", DEMO_PASSWORD, display_name="系统管理员")

    # The site's identity (issue 14): data the superuser sets, here through the same action.
    if not street.address and not street.phone:
        street.address, street.phone = STREET_ADDRESS, STREET_PHONE
        street.save(update_fields=["address", "phone"])
    if admin.is_superuser and not SiteProfile.objects.exists():
        save_site_profile(street, by=admin, **SITE)
