from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node


class Level(models.TextChoices):
    COMMITTEE = "committee", _("党委")
    GENERAL_BRANCH = "general_branch", _("党总支")
    BRANCH = "branch", _("党支部")


class SectorType(models.TextChoices):
    ORGAN = "organ", _("机关")
    COMMUNITY = "community", _("社区")
    VILLAGE = "village", _("村")
    SCHOOL = "school", _("学校")
    AFFILIATED = "affiliated", _("处直单位")
    NON_PUBLIC = "non_public", _("非公有制经济组织")
    SOCIAL = "social", _("社会组织")


class Organisation(MP_Node):
    """R1: a node of the organisation tree; `path` (materialised) answers ancestor/descendant queries."""

    code = models.SlugField(_("组织代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    short_name = models.CharField(_("简称"), max_length=50, blank=True)
    level = models.CharField(_("层级"), max_length=20, choices=Level.choices)
    sector_type = models.CharField(_("类型"), max_length=20, choices=SectorType.choices, blank=True)
    # Listed on the public site; a hidden organisation is seen only by its members and staff above it.
    is_public = models.BooleanField(_("对外公开"), default=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    is_demo = models.BooleanField(default=False, editable=False)
    # R1: a closed organisation keeps its history and archive but leaves the boards and owes nothing new.
    closed_on = models.DateField(_("撤销日期"), null=True, blank=True)
    closed_reason = models.CharField(_("撤销原因"), max_length=200, blank=True)

    # No node_order_by: treebeard would renumber the siblings' paths on every insert, and paths are
    # copied into rows that cannot be rewritten (the audit chain). New children go last; see orgs/paths.py.

    class Meta:
        verbose_name = _("党组织")
        verbose_name_plural = _("党组织")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(level="committee") | models.Q(sector_type=""),
                name="committee_has_no_sector_type",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_closed(self) -> bool:
        return self.closed_on is not None

    def ancestor_paths(self) -> list[str]:
        """Paths of the ancestors, root first, computed from the materialised path (no query)."""
        step = self.steplen
        return [self.path[:i] for i in range(step, len(self.path), step)]

    def subtree_q(self, field: str = "path") -> models.Q:
        """Rows whose organisation path lies in this organisation's subtree (itself included): for
        narrowing what access.py already answered; who may see what is decided there only (R32)."""
        return models.Q(**{f"{field}__startswith": self.path})

    def parent(self) -> "Organisation | None":
        """The organisation directly above, by path (one query; None for a root)."""
        if self.depth <= 1:
            return None
        return Organisation.objects.filter(path=self.path[: -self.steplen]).first()


class Role(models.TextChoices):
    MEMBER = "member", _("党员")
    COMMITTEE_MEMBER = "committee_member", _("班子成员")
    CLERK = "clerk", _("党务公开联络员")
    SECRETARY = "secretary", _("书记")
    REVIEWER = "reviewer", _("审核人")
    CATALOGUE_OWNER = "catalogue_owner", _("目录制定单位")
    SUPERVISOR = "supervisor", _("联系督导")
    INSPECTOR = "inspector", _("领导小组办公室")
    AUDITOR = "auditor", _("审计")


# R2: the roles that open the staff pages. What each one reaches is decided in gongkai/access.py
# (CASE_ROLES read cases down the tree; a supervisor only their assignments; a catalogue owner only
# catalogue matters); member and committee member apply to their own organisation only.
STAFF_ROLES = frozenset(
    {
        Role.CLERK,
        Role.SECRETARY,
        Role.REVIEWER,
        Role.CATALOGUE_OWNER,
        Role.SUPERVISOR,
        Role.INSPECTOR,
        Role.AUDITOR,
    }
)


class Membership(models.Model):
    """R2: a role a person holds in an organisation."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    org = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
    title = models.CharField(_("职务"), max_length=50, blank=True)
    # R34: a member's number within the organisation (党员编号), the natural key of member imports.
    code = models.CharField(_("党员编号"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("组织角色")
        verbose_name_plural = _("组织角色")
        constraints = [
            models.UniqueConstraint(fields=["user", "org", "role"], name="one_role_per_org"),
            models.UniqueConstraint(
                fields=["org", "code"],
                condition=models.Q(role="member") & ~models.Q(code=""),
                name="one_member_code_per_org",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.org} · {self.get_role_display()}"


class LeadingGroupMember(models.Model):
    """R3: the leading group (领导小组) and its office, as the plan names them."""

    class Position(models.TextChoices):
        LEADER = "leader", _("组长")
        DEPUTY = "deputy", _("副组长")
        MEMBER = "member", _("成员")
        OFFICE_DIRECTOR = "office_director", _("办公室主任")
        OFFICE_DEPUTY = "office_deputy", _("办公室副主任")

    committee = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="leading_group")
    name = models.CharField(_("姓名"), max_length=50)
    title = models.CharField(_("职务"), max_length=100, blank=True)
    position = models.CharField(_("组内职务"), max_length=20, choices=Position.choices)
    office = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("办公室所在单位"),
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("领导小组成员")
        verbose_name_plural = _("领导小组成员")
        ordering = ["committee", "order"]

    def __str__(self) -> str:
        return f"{self.get_position_display()} {self.name}"


class PathChange(models.Model):
    """R1: an organisation branch moved from `old_path` to `new_path`. Rows that cannot be rewritten
    (audit entries, hash-chained) keep the old path; this history lets the policy module map them to
    where the organisation is now. Paths are never reused, so an old path always means this branch."""

    org = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    old_path = models.CharField(max_length=255, db_index=True)
    new_path = models.CharField(max_length=255, db_index=True)
    at = models.DateTimeField()

    class Meta:
        verbose_name = _("组织调整记录")
        verbose_name_plural = _("组织调整记录")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.old_path} → {self.new_path}"


PATH_CHANGES_KEY = "gongkai:orgs:path-changes"


def path_changes() -> list[tuple[str, str]]:
    """Every move (old path, new path), newest first; cached (a move is rare, audit reads are not):
    dropped when a move commits, and kept at most a minute where workers do not share the cache."""
    from django.core.cache import cache

    changes = cache.get(PATH_CHANGES_KEY)
    if changes is None:
        changes = list(PathChange.objects.order_by("-at", "-pk").values_list("old_path", "new_path"))
        cache.set(PATH_CHANGES_KEY, changes, 60)
    return changes


def historical_prefixes(paths: list[str]) -> list[str]:
    """Old paths whose rows now belong under `paths`: each move whose branch lies (or landed) inside
    one of them, followed back through earlier moves. One query; the history is short."""
    changes = path_changes()
    found: set[str] = set(paths)
    extra: list[str] = []
    grew = True
    while grew and changes:
        grew = False
        for old, new in changes:
            for prefix in list(found):
                if new.startswith(prefix):
                    candidate = old  # the moved branch landed inside this subtree
                elif prefix.startswith(new):
                    candidate = old + prefix[len(new) :]  # this subtree moved with the branch
                else:
                    continue
                if not any(candidate.startswith(f) for f in found):
                    found.add(candidate)
                    extra.append(candidate)
                    grew = True
    return extra


class ImportBatch(models.Model):
    """R34: an uploaded spreadsheet between its preview and its application (kept for the record)."""

    kind = models.CharField(_("导入类型"), max_length=20)
    file_name = models.CharField(_("文件名"), max_length=200)
    sha256 = models.CharField(max_length=64)
    data = models.BinaryField()
    # The file's rows as read at upload (lib.sheets.pack), when it read without an error: its preview
    # and its application plan from them instead of parsing the file again (100,000 rows: seconds).
    rows = models.BinaryField(null=True, blank=True, editable=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(null=True, blank=True)
    result = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("导入批次")
        verbose_name_plural = _("导入批次")
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return f"{self.kind} · {self.file_name}"


class SiteProfile(models.Model):
    """The site's identity (issue 14): the committee that runs it (主办单位), its name and the office
    that runs it day to day (承办). One row; address and phone are the host organisation's own. Read
    through orgs/site.py (cached), changed through orgs.actions.save_site_profile only."""

    host = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("主办单位")
    )
    name = models.CharField(_("网站名称"), max_length=50, blank=True)
    organiser = models.CharField(_("承办单位"), max_length=100, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("网站信息")
        verbose_name_plural = _("网站信息")
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="one_site_profile")]

    def __str__(self) -> str:
        return self.name or self.host.name
