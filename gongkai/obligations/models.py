from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongkai.catalogue.models import CatalogueItem, Category
from gongkai.orgs.models import Organisation


class CalendarOverride(models.Model):
    """R15: an admin's decision for one day; wins over the chinese-calendar package."""

    date = models.DateField(_("日期"), unique=True)
    is_working_day = models.BooleanField(_("是否工作日"))
    note = models.CharField(_("说明"), max_length=100, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("工作日历调整")
        verbose_name_plural = _("工作日历调整")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {'上班' if self.is_working_day else '放假'}"


class CalendarYear(models.Model):
    """R15: a year whose official schedule an admin entered in full, so it counts as covered."""

    year = models.PositiveSmallIntegerField(_("年份"), unique=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField(_("录入时间"), auto_now=True)

    class Meta:
        verbose_name = _("已录入年度放假安排")
        verbose_name_plural = _("已录入年度放假安排")
        ordering = ["-year"]

    def __str__(self) -> str:
        return str(self.year)


class Kind(models.TextChoices):
    LONG_TERM = "long_term", _("长期公开")
    PERIODIC = "periodic", _("定期公开")
    TIMELY = "timely", _("及时公开")
    STAGED = "staged", _("分阶段公开")


class Counting(models.TextChoices):
    """R14: how a deadline is counted from its start date (so a calendar change can recount it)."""

    AFTER = "after", _("之后若干个工作日")
    BY = "by", _("当日（遇休息日顺延）")
    BEFORE = "before", _("之前若干个工作日")


class Status(models.TextChoices):
    """R14. Computed from the row and today (see status.py), never stored."""

    DONE_ON_TIME = "done_on_time", _("按时完成")
    DONE_LATE = "done_late", _("逾期完成")
    OVERDUE = "overdue", _("已逾期")
    DUE_SOON = "due_soon", _("即将到期")
    WITHHELD = "withheld", _("不予公开（已备案）")
    NOT_YET_DUE = "not_yet_due", _("未到期")


STATUS_CSS = {
    Status.DONE_ON_TIME: "ok",
    Status.DONE_LATE: "warn",
    Status.OVERDUE: "bad",
    Status.DUE_SOON: "warn",
    Status.WITHHELD: "light",
    Status.NOT_YET_DUE: "light",
}


class Obligation(models.Model):
    """R14: one thing an organisation must disclose: per period, event or stage of a catalogue item."""

    org = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="obligations")
    # Denormalised so compliance groups and access filters need no join (orgs do not move).
    org_path = models.CharField(max_length=255, db_index=True, editable=False)
    sector_type = models.CharField(max_length=20, blank=True, editable=False)
    catalogue_item = models.ForeignKey(CatalogueItem, on_delete=models.PROTECT, related_name="+")
    category = models.PositiveSmallIntegerField(_("目录类别"), choices=Category.choices)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    # What makes the row unique within (org, catalogue item): "long_term", "2026-Q3", "E12"…
    key = models.CharField(max_length=40)
    year = models.PositiveSmallIntegerField(_("年度"))  # indexed first in obligation_cells
    period_label = models.CharField(_("所属期间"), max_length=40, blank=True)
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)
    event_date = models.DateField(_("事项发生日期"), null=True, blank=True)
    event_note = models.CharField(_("事项说明"), max_length=200, blank=True)
    stage = models.CharField(_("阶段"), max_length=40, blank=True)
    # The deadline counts `offset` working days after (or before) `start_date`, or is `start_date`
    # moved to a working day (R14, R15); a calendar change recounts it from these three.
    start_date = models.DateField()
    offset = models.PositiveSmallIntegerField(default=0)
    counting = models.CharField(max_length=6, choices=Counting.choices, default=Counting.AFTER)
    due_date = models.DateField(_("截止日期"), null=True, blank=True, db_index=True)
    # R15: the deadline falls in a year no calendar covers: stored as null, never guessed.
    calendar_not_covered = models.BooleanField(default=False)
    fulfilled_at = models.DateTimeField(null=True, blank=True)
    fulfilled_on = models.DateField(null=True, blank=True)
    fulfilled_item = models.ForeignKey(
        "disclosure.DisclosureItem", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("公开义务")
        verbose_name_plural = _("公开义务")
        ordering = ["due_date", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["org", "catalogue_item", "key"], name="one_obligation_per_key")
        ]
        indexes = [
            models.Index(fields=["year", "org_path"], name="obligation_year_path"),
            models.Index(fields=["fulfilled_on", "due_date"], name="obligation_open_due"),
            # Issue 17: covers compliance.compute()'s GROUP BY (year, organisation × category, with the
            # columns its counts and the access filter read), so SQLite reads the groups in index
            # order from the index alone: no temporary B-tree, no table row. It replaces the index on
            # `year` alone, which it serves too.
            models.Index(
                fields=["year", "org", "category", "sector_type", "org_path", "fulfilled_on", "due_date"],
                name="obligation_cells",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.org} · {self.catalogue_item} · {self.period_label or self.stage or self.key}"

    @property
    def is_open(self) -> bool:
        return self.fulfilled_at is None

    # `status` is annotated by status.with_status(); these read it.
    @property
    def status_label(self) -> str:
        return str(Status(self.status).label)

    @property
    def status_css(self) -> str:
        return STATUS_CSS[self.status]


class ComplianceSummary(models.Model):
    """Issue 4: the status counts of one organisation × catalogue item × year, kept by summary.py in
    the transaction of every change, so the compliance page sums a few rows instead of grouping all
    obligations. The time-dependent counts (overdue, due soon, not yet due) hold for `as_of` until
    `stale_on`, the first day one of them would change by the passing of time alone."""

    org = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    org_path = models.CharField(max_length=255, editable=False)
    sector_type = models.CharField(max_length=20, blank=True, editable=False)
    catalogue_item = models.ForeignKey(CatalogueItem, on_delete=models.CASCADE, related_name="+")
    category = models.PositiveSmallIntegerField(choices=Category.choices)
    year = models.PositiveSmallIntegerField()
    total = models.PositiveIntegerField(default=0)
    done_on_time = models.PositiveIntegerField(default=0)
    done_late = models.PositiveIntegerField(default=0)
    overdue = models.PositiveIntegerField(default=0)
    due_soon = models.PositiveIntegerField(default=0)
    withheld = models.PositiveIntegerField(default=0)
    not_yet_due = models.PositiveIntegerField(default=0)
    as_of = models.DateField()
    stale_on = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("公开义务完成情况汇总")
        verbose_name_plural = _("公开义务完成情况汇总")
        constraints = [
            models.UniqueConstraint(
                fields=["org", "catalogue_item", "year"], name="one_summary_per_org_item_year"
            )
        ]
        # No (year, org_path) index: the page reads a page of organisations by org id (the unique
        # index), and SQLite would prefer a year index and scan every row of the year.
        indexes = [
            models.Index(fields=["stale_on"], name="summary_stale_on"),
            models.Index(fields=["as_of"], name="summary_as_of"),
        ]

    def __str__(self) -> str:
        return f"{self.org_id} · {self.catalogue_item_id} · {self.year}"


class ComplianceRollup(models.Model):
    """Issue 4: the summary's counts added up for an organisation and all its descendants, per sector
    type and category, kept by summary.py from each row's change: the page's totals read a few of
    these instead of summing every summary row of the tree."""

    path = models.CharField(max_length=255)
    year = models.PositiveSmallIntegerField()
    sector_type = models.CharField(max_length=20, blank=True)
    category = models.PositiveSmallIntegerField(choices=Category.choices)
    total = models.IntegerField(default=0)
    done_on_time = models.IntegerField(default=0)
    done_late = models.IntegerField(default=0)
    overdue = models.IntegerField(default=0)
    due_soon = models.IntegerField(default=0)
    withheld = models.IntegerField(default=0)
    not_yet_due = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("公开义务完成情况合计")
        verbose_name_plural = _("公开义务完成情况合计")
        constraints = [
            models.UniqueConstraint(
                fields=["path", "year", "sector_type", "category"], name="one_rollup_per_subtree_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.path} · {self.year} · {self.sector_type} · {self.category}"
