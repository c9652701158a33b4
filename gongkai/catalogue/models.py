from django.db import models
from django.utils.translation import gettext_lazy as _

from gongkai.orgs.models import Organisation, SectorType


class Category(models.IntegerChoices):
    """R4: the plan's eight content categories."""

    DECISIONS = 1, _("决议决定及执行")
    IDEOLOGY = 2, _("思想建设")
    ORGANISATION = 3, _("组织管理")
    LEADERSHIP = 4, _("领导班子建设")
    CADRES = 5, _("干部选任和管理")
    SERVICE = 6, _("联系服务党员群众")
    INTEGRITY = 7, _("党风廉政建设")
    OTHER = 8, _("其他")


class Scope(models.TextChoices):
    """R9: audiences, widest first."""

    PUBLIC = "public", _("社会公开")
    ALL_MEMBERS = "all_members", _("全体党员")
    ORG_TREE = "org_tree", _("本组织及下级")
    ORG_MEMBERS = "org_members", _("本组织党员")
    COMMITTEE = "committee", _("班子成员")


SCOPE_WIDTH = {
    Scope.PUBLIC: 5,
    Scope.ALL_MEMBERS: 4,
    Scope.ORG_TREE: 3,
    Scope.ORG_MEMBERS: 2,
    Scope.COMMITTEE: 1,
}
# R13: text going to these audiences leaves the organisation and must pass the confidentiality check.
WIDER_THAN_ORG = frozenset({Scope.PUBLIC, Scope.ALL_MEMBERS, Scope.ORG_TREE})


class Duration(models.TextChoices):
    LONG = "long", _("长期公开")
    SHORT = "short", _("短期公开")


class Timing(models.TextChoices):
    NONE = "none", _("长期保持")
    PERIODIC = "periodic", _("定期公开")
    TIMELY = "timely", _("及时公开")
    STAGED = "staged", _("分阶段公开")


class Cadence(models.TextChoices):
    MONTHLY = "monthly", _("每月")
    QUARTERLY = "quarterly", _("每季度")
    HALF_YEARLY = "half_yearly", _("每半年")
    YEARLY = "yearly", _("每年")


class CarrierKind(models.TextChoices):
    """R36: the forms (公开形式) an item is disclosed through besides the website."""

    MEETING = "meeting", _("会议公开")
    DOCUMENT = "document", _("文件、通报")
    BOARD = "board", _("公开栏")
    SCREEN = "screen", _("电子公开栏")
    LETTER = "letter", _("公开信、短信")


class Retention(models.TextChoices):
    PERMANENT = "permanent", _("永久")
    Y30 = "30y", _("30年")
    Y10 = "10y", _("10年")


class Catalogue(models.Model):
    """R4: a catalogue belongs to the organisation that sets it (目录制定单位)."""

    owner = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="catalogues")
    name = models.CharField(_("目录名称"), max_length=100)
    # Filing body for changes and withholding (R11), e.g. 长沙市党务公开工作领导小组.
    filing_body = models.CharField(_("备案机关"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("公开目录")
        verbose_name_plural = _("公开目录")

    def __str__(self) -> str:
        return self.name

    def current_version(self, on=None) -> "CatalogueVersion | None":
        return self.versions.filter(in_force_q(on)).order_by("-number").first()


class CatalogueVersion(models.Model):
    """R5: once published a version is immutable; items keep the version they were made under."""

    catalogue = models.ForeignKey(Catalogue, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("版本号"))
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    # R5: from this day the version is in force; obligations of earlier periods keep theirs.
    effective_from = models.DateField(_("施行日期"), null=True, blank=True)
    note = models.CharField(_("修订说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("目录版本")
        verbose_name_plural = _("目录版本")
        constraints = [models.UniqueConstraint(fields=["catalogue", "number"], name="one_version_number")]

    def __str__(self) -> str:
        return f"{self.catalogue} v{self.number}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class CatalogueItemQuerySet(models.QuerySet):
    def for_org(self, org: Organisation) -> "CatalogueItemQuerySet":
        """Items of the current published catalogue set by `org` or its nearest ancestor that sets one."""
        version = current_version_for(org)
        if version is None:
            return self.none()
        return self.filter(version=version).applicable_to(org.sector_type)

    def applicable_to(self, sector_type: str) -> "CatalogueItemQuerySet":
        if not sector_type:  # a committee: the items meant for all types
            return self.filter(sector_types="")
        return self.filter(models.Q(sector_types="") | models.Q(sector_types__contains=f",{sector_type},"))


class CatalogueItem(models.Model):
    version = models.ForeignKey(CatalogueVersion, on_delete=models.PROTECT, related_name="items")
    number = models.PositiveIntegerField(_("序号"))
    category = models.PositiveSmallIntegerField(_("目录类别"), choices=Category.choices)
    title = models.CharField(_("公开事项"), max_length=200)
    description = models.TextField(_("内容说明"), blank=True)
    # ",village,community," or "" for every type: one portable LIKE answers "applies to villages?".
    sector_types = models.CharField(_("适用组织类型"), max_length=200, blank=True)
    target_scope = models.CharField(_("公开范围"), max_length=20, choices=Scope.choices)
    duration = models.CharField(_("公开期限"), max_length=10, choices=Duration.choices)
    period_days = models.PositiveSmallIntegerField(_("公开期（天）"), null=True, blank=True)
    timing = models.CharField(_("公开时间"), max_length=10, choices=Timing.choices)
    cadence = models.CharField(_("公开周期"), max_length=12, choices=Cadence.choices, blank=True)
    due_offset = models.PositiveSmallIntegerField(_("时限（工作日）"), default=0)
    stages = models.JSONField(_("公开阶段"), default=list, blank=True)
    min_internal_days = models.PositiveSmallIntegerField(_("党内先行公开（天）"), default=0)
    retention = models.CharField(
        _("保管期限"), max_length=10, choices=Retention.choices, default=Retention.Y30
    )
    # R36: a carrier the disclosure must (also) go through, e.g. 会议公开: without it, not fulfilled.
    required_carrier = models.CharField(
        _("规定公开形式"), max_length=10, choices=CarrierKind.choices, blank=True
    )

    objects = CatalogueItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("目录事项")
        verbose_name_plural = _("目录事项")
        ordering = ["version", "category", "number"]
        constraints = [models.UniqueConstraint(fields=["version", "number"], name="one_item_number")]

    def __str__(self) -> str:
        return self.title

    @property
    def sector_type_list(self) -> list[str]:
        return [t for t in self.sector_types.split(",") if t]

    def sector_type_labels(self) -> list[str]:
        labels = dict(SectorType.choices)
        return [str(labels[t]) for t in self.sector_type_list]

    def timing_text(self) -> str:
        """The deadline rule in words, for the public catalogue page."""
        if self.timing == Timing.PERIODIC:
            return _("%(cadence)s，期满后 %(n)s 个工作日内") % {
                "cadence": self.get_cadence_display(),
                "n": self.due_offset,
            }
        if self.timing == Timing.TIMELY:
            return _("事项发生后 %(n)s 个工作日内") % {"n": self.due_offset}
        if self.timing == Timing.STAGED:
            return _("分阶段：%(stages)s") % {"stages": "、".join(self.stages)}
        return str(_("长期保持，内容变化时及时更新"))


def in_force_q(on=None, prefix: str = "") -> models.Q:
    """R5: published, and effective on `on` (today by default)."""
    from django.utils import timezone

    on = on or timezone.localdate()
    return models.Q(**{f"{prefix}published_at__isnull": False}) & (
        models.Q(**{f"{prefix}effective_from__isnull": True})
        | models.Q(**{f"{prefix}effective_from__lte": on})
    )


def current_version_for(org: Organisation, on=None) -> CatalogueVersion | None:
    """The version in force on `on` of the nearest catalogue set by `org` or an ancestor (one query)."""
    paths = [*org.ancestor_paths(), org.path]
    return (
        CatalogueVersion.objects.filter(in_force_q(on), catalogue__owner__path__in=paths)
        .select_related("catalogue__owner")
        .order_by("-catalogue__owner__depth", "-number")
        .first()
    )
