"""R35: the report's figures laid out as the tables of the national format, once, for the page, the
published body, the XLSX and the DOCX alike."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

_ORDINALS = "一二三四五六七八九十"


@dataclass
class Table:
    section: str  # the heading the table sits under (二、主动公开情况 …)
    title: str
    header: list[str]
    rows: list[list]


def key_figures(f: dict) -> Table:
    """一、总体情况: the year's key figures shown beside the office's text."""
    a, t = f["applications"], f["active"]["total"]
    o = f["oversight"]
    return Table(
        _("一、总体情况"),
        _("本年度主要数据"),
        [_("项目"), _("数量")],
        [
            [_("新公开事项"), t["published"]],
            [_("变更事项"), t["changed"]],
            [_("撤销、终止事项"), t["revoked"]],
            [_("收到公开申请"), a["new"]],
            [_("收到意见反馈"), f["feedback"]["total"]["received"]],
            [_("开展督导检查"), o["inspections"]],
            [_("责任追究"), o["accountability"]["total"]],
        ],
    )


def active(f: dict) -> list[Table]:
    a = f["active"]
    section = _("二、主动公开情况")
    by_category = [[r["label"], r["published"], r["changed"], r["revoked"], r["expired"]] for r in a["rows"]]
    t = a["total"]
    by_category.append([_("合计"), t["published"], t["changed"], t["revoked"], t["expired"]])
    return [
        Table(
            section,
            _("（一）按目录类别"),
            [_("目录类别"), _("新公开"), _("变更"), _("撤销、终止"), _("公开期满")],
            by_category,
        ),
        Table(
            section,
            _("（二）按公开范围"),
            [_("公开范围"), _("事项数")],
            [[r["label"], r["n"]] for r in a["by_scope"]],
        ),
        Table(
            section,
            _("（三）按公开形式"),
            [_("公开形式"), _("事项数")],
            [[r["label"], r["n"]] for r in a["by_carrier"]],
        ),
    ]


def applications(f: dict) -> Table:
    """The applications table of 国办公开办函〔2021〕30号, its rows in the format's order."""
    a = f["applications"]
    rows = [
        [_("一、本年新收申请数量"), a["new"]],
        [_("二、上年结转申请数量"), a["carried_in"]],
        [_("三、本年度办理结果"), ""],
    ]
    for i, group in enumerate(a["results"]):
        rows.append([f"（{_ORDINALS[i]}）{group['label']}", group["n"]])
        for j, reason in enumerate(group["rows"], start=1):
            rows.append([f"　　{j}．{reason['label']}", reason["n"]])
    rows.append([f"（{_ORDINALS[len(a['results'])]}）{_('总计')}", a["total"]])
    rows.append([_("四、结转下年度继续办理"), a["carried_out"]])
    return Table(_("三、收到和处理申请情况"), _("收到和处理党务公开申请情况"), [_("项目"), _("申请数")], rows)


def feedback(f: dict) -> Table:
    fb = f["feedback"]
    rows = [[r["label"], r["received"], r["on_time"], r["late"], r["open"]] for r in fb["rows"]]
    t = fb["total"]
    rows.append([_("合计"), t["received"], t["on_time"], t["late"], t["open"]])
    return Table(
        _("四、意见反馈办理情况"),
        _("按渠道统计"),
        [_("渠道"), _("收到"), _("按期答复"), _("逾期答复"), _("年底未答复")],
        rows,
    )


def oversight(f: dict) -> Table:
    o = f["oversight"]
    e = o["evaluation"]
    rows = [
        [_("开展督导检查（次）"), o["inspections"]],
        [_("发现问题（个）"), o["findings"]],
        [_("责令限期整改（个）"), o["ordered"]],
        [_("　　按期整改到位"), o["on_time"]],
        [_("　　逾期整改到位"), o["late"]],
        [_("　　年底尚未整改到位"), o["open"]],
        [_("开展民主评议（次）"), e["campaigns"]],
        [_("参加评议党员（人）"), e["voters"]],
    ]
    rows += [[f"　　{c['label']}", "—" if c["n"] is None else c["n"]] for c in e["choices"]]
    rows.append([_("满意率（满意与基本满意）"), e["rate"]])
    rows.append([_("责任追究（件）"), o["accountability"]["total"]])
    rows += [[f"　　{r['label']}", r["n"]] for r in o["accountability"]["rows"]]
    return Table(_("五、监督检查情况"), _("督导检查、评议和责任追究"), [_("项目"), _("数量")], rows)


def all_tables(f: dict) -> list[Table]:
    return [key_figures(f), *active(f), applications(f), feedback(f), oversight(f)]
