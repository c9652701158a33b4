"""R35 done-when: a year of data built through the actions; every figure of the annual report checked
against a count made here, for one organisation and for its subtree; the DOCX holds the tables."""

import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from docx import Document
from openpyxl import load_workbook

from gongkai.applications import actions as applications
from gongkai.applications.models import AnswerType
from gongkai.catalogue.models import Category, Duration, Scope, Timing
from gongkai.conftest import UserFactory, grant
from gongkai.disclosure import actions as disclosure
from gongkai.disclosure.models import ChangeRequest, State
from gongkai.disclosure.tests.factories import catalogue_item_for, make_item, owner_of_catalogue, staff
from gongkai.feedback import actions as feedback
from gongkai.feedback.models import Channel
from gongkai.orgs.models import Role
from gongkai.oversight import actions as oversight
from gongkai.reports import actions, annual, documents, tables
from gongkai.reports.models import AccountabilityKind, CarrierKind

TZ = ZoneInfo("Asia/Shanghai")
Y = 2025


def at(y, m, d, hour=10):
    return time_machine.travel(datetime(y, m, d, hour, tzinfo=TZ), tick=False)


class Year:
    """The scenario; the expected figures are written down from it by hand, not computed."""

    def __init__(self, tree, people):
        self.tree, self.people = tree, people
        a, b, a1 = tree.a, tree.b, tree.a1
        self.clerk_a, self.sec_a, self.rev_a = people.clerk_a, people.secretary_a, staff(a, Role.REVIEWER)
        self.clerk_a1, self.clerk_b = staff(a1, Role.CLERK), staff(b, Role.CLERK)
        self.quarterly = catalogue_item_for(a)  # 组织管理, public
        self.leadership = catalogue_item_for(
            a, category=Category.LEADERSHIP, title="领导班子分工", target_scope=Scope.ALL_MEMBERS,
            duration=Duration.LONG, timing=Timing.NONE, min_internal_days=0,
        )  # fmt: skip
        self.short = catalogue_item_for(
            a, category=Category.ORGANISATION, title="发展党员公示", target_scope=Scope.PUBLIC,
            duration=Duration.SHORT, period_days=7, timing=Timing.TIMELY, min_internal_days=0,
        )  # fmt: skip
        self.report_item = catalogue_item_for(
            a, category=Category.OTHER, title="党务公开工作年度报告", target_scope=Scope.PUBLIC,
            duration=Duration.SHORT, timing=Timing.PERIODIC, cadence="yearly", min_internal_days=0,
        )  # fmt: skip
        self.members_a = [grant(UserFactory(), a, Role.MEMBER) for _ in range(5)]
        self.members_b = [grant(UserFactory(), b, Role.MEMBER) for _ in range(2)]
        self.inspector = people.inspector_c

    def item(self, org, clerk, when, **kw):
        with at(*when):
            return make_item(org, kw.pop("scope", Scope.PUBLIC), state=kw.pop("state", State.PUBLISHED),
                             by_clerk=clerk, **kw)  # fmt: skip

    def build(self):
        t, a, b, a1 = self.tree, self.tree.a, self.tree.b, self.tree.a1
        # 2024: published and answered before the year: counted nowhere in 2025.
        self.item(a, self.clerk_a, (2024, 11, 5))
        with at(2024, 11, 10):
            done = applications.submit_application(a, by=self.members_a[0], title="往年申请", description="…")
        with at(2024, 11, 20):
            applications.answer_application(
                done, by=self.clerk_a, answer_type=AnswerType.DISCLOSED, text="已公开"
            )
        with at(2024, 12, 20):
            carried_in = applications.submit_application(
                a, by=self.members_a[1], title="年底申请", description="…"
            )
        # Active disclosure in 2025, organisation a.
        p1 = self.item(a, self.clerk_a, (Y, 2, 10))  # 组织管理, public
        self.item(a, self.clerk_a, (Y, 3, 10))  # 组织管理, public
        self.item(a, self.clerk_a, (Y, 3, 12), catalogue_item=self.leadership, scope=Scope.ALL_MEMBERS)
        self.item(a, self.clerk_a, (Y, 4, 1), catalogue_item=self.short)  # expires 2025-04-08
        self.item(a, self.clerk_a, (Y, 12, 29), catalogue_item=self.short)  # expires in 2026
        with at(Y, 5, 6):  # revoked in the year: published and revoked (组织管理)
            make_item(a, Scope.PUBLIC, state=State.REVOKED, by_clerk=self.clerk_a)
        with at(Y, 6, 2):  # p1 changed: a new version published
            req = disclosure.request_change(p1, by=self.clerk_a, kind=ChangeRequest.Kind.CHANGE, reason="数据更正",
                                            new_title="党费收缴情况（更正）", new_body="更正后的内容。")  # fmt: skip
            new = disclosure.decide_change(req, by=owner_of_catalogue(a), approve=True)
            disclosure.submit_item(new, by=self.clerk_a)
            disclosure.review_item(new, by=self.rev_a)
            disclosure.approve_item(new, by=self.sec_a)
            disclosure.publish_item(new, by=self.clerk_a)
        # Carriers: a meeting and the board for p1's new version, the board for another item of a.
        with at(Y, 6, 20):
            actions.record_carrier(new, by=self.clerk_a, kind=CarrierKind.MEETING, on=date(Y, 6, 18),
                                   detail="支部党员大会", attendance=23)  # fmt: skip
            actions.record_carrier(new, by=self.clerk_a, kind=CarrierKind.BOARD, on=date(Y, 6, 19))
            actions.record_carrier(
                new, by=self.clerk_a, kind=CarrierKind.BOARD, on=date(Y, 6, 20)
            )  # same item
        # Elsewhere in the tree: a1 (in a's subtree) and b (outside it).
        a1_item = self.item(a1, self.clerk_a1, (Y, 7, 1), scope=Scope.ORG_MEMBERS)
        with at(Y, 7, 3):
            actions.record_carrier(a1_item, by=self.clerk_a1, kind=CarrierKind.DOCUMENT, on=date(Y, 7, 2),
                                   doc_number="甲支发〔2025〕3号")  # fmt: skip
        self.item(b, self.clerk_b, (Y, 7, 1))
        with at(2026, 1, 3):  # a carrier recorded in the next year is not this year's
            actions.record_carrier(a1_item, by=self.clerk_a1, kind=CarrierKind.BOARD, on=date(2026, 1, 2))

        # Applications to a (5 members) and a1.
        m = self.members_a
        answers = [  # (received, answered, type, reason)
            ((Y, 1, 6), (Y, 1, 20), AnswerType.DISCLOSED, ""),
            ((Y, 2, 6), (Y, 2, 20), AnswerType.PARTIAL, ""),
            ((Y, 3, 6), (Y, 3, 20), AnswerType.REFUSED, "third_party"),
            ((Y, 3, 7), (Y, 3, 21), AnswerType.REFUSED, "internal"),
            ((Y, 4, 7), (Y, 4, 21), AnswerType.UNAVAILABLE, "not_held"),
            ((Y, 5, 7), (Y, 5, 21), AnswerType.NOT_PROCESSED, "repeated"),
            ((Y, 6, 9), (Y, 6, 20), AnswerType.DEFERRED, ""),
            ((Y, 6, 10), (Y, 6, 20), AnswerType.OTHER, ""),
            ((Y, 12, 10), (2026, 1, 6), AnswerType.DISCLOSED, ""),  # answered next year: carried out
        ]
        for i, (received, answered, answer_type, reason) in enumerate(answers):
            with at(*received):
                app = applications.submit_application(a, by=m[i % 5], title=f"申请{i}", description="内容")
            with at(*answered):
                applications.answer_application(
                    app, by=self.clerk_a, answer_type=answer_type, reason=reason, text="答复",
                    deferred_until=date(*answered) + timedelta(days=30) if answer_type == AnswerType.DEFERRED else None,
                )  # fmt: skip
        with at(Y, 12, 22):  # never answered: carried out
            applications.submit_application(a, by=m[0], title="未办结", description="内容")
        with at(Y, 1, 15):  # the one carried in from 2024, answered in 2025
            applications.answer_application(
                carried_in, by=self.clerk_a, answer_type=AnswerType.DISCLOSED, text="…"
            )
        a1_member = grant(UserFactory(), a1, Role.MEMBER)
        with at(Y, 8, 1):
            app = applications.submit_application(a1, by=a1_member, title="下级申请", description="内容")
        with at(Y, 8, 5):
            applications.answer_application(
                app, by=self.clerk_a1, answer_type=AnswerType.REFUSED, reason="state_secret", text="…"
            )

        # Feedback to a: hotline on time, letter late, visit open at year end, online next year.
        def case(channel, received, replied=None, org=a, clerk=self.clerk_a):
            with at(*received):
                c = feedback.record_offline(org, by=clerk, channel=channel, subject="意见", content="内容",
                                            received_on=date(*received))  # fmt: skip
            if replied:
                with at(*replied):
                    feedback.reply_case(c, by=clerk, text="已办理")
            return c

        case(Channel.HOTLINE, (Y, 3, 3), (Y, 3, 5))
        case(Channel.HOTLINE, (Y, 4, 1), (Y, 4, 2))
        case(Channel.LETTER, (Y, 5, 6), (Y, 7, 30))  # 15 working days long past: late
        case(Channel.VISIT, (Y, 12, 15), (2026, 1, 5))  # replied next year: open at the year's end
        case(Channel.RECEPTION_DAY, (Y, 9, 9), org=a1, clerk=self.clerk_a1)  # open, in a1
        with at(Y, 10, 10):
            feedback.submit_online(a, subject="网上留言", content="内容")

        # Oversight: an inspection of a with four findings, one of b.
        with at(Y, 5, 12):
            insp = oversight.create_inspection(a, by=self.inspector, on=date(Y, 5, 12), summary="检查公开栏")
            f_on_time = oversight.add_finding(insp, by=self.inspector, text="甲", rectification_required=True,
                                              deadline_days=10)  # fmt: skip
            f_late = oversight.add_finding(insp, by=self.inspector, text="乙", rectification_required=True,
                                           deadline_days=5)  # fmt: skip
            oversight.add_finding(
                insp, by=self.inspector, text="丙", rectification_required=True, deadline_days=5
            )
            oversight.add_finding(
                insp, by=self.inspector, text="丁", rectification_required=False, deadline_days=None
            )
        with at(Y, 5, 15):
            oversight.respond_finding(f_on_time, by=self.clerk_a, text="已整改")
            oversight.verify_finding(f_on_time, by=self.inspector, close=True)
        with at(Y, 6, 30):
            oversight.respond_finding(f_late, by=self.clerk_a, text="已整改")
            oversight.verify_finding(f_late, by=self.inspector, close=True)
        with at(Y, 9, 1):
            oversight.create_inspection(b, by=self.inspector, on=date(Y, 9, 1), summary="检查")
        # Evaluation: 5 members of a vote (3 满意, 1 基本满意, 1 不满意), 2 of b.
        with at(Y, 11, 1):
            campaign = oversight.create_campaign(
                t.committee, by=self.inspector, title="2025年度评议", opens_at=datetime(Y, 11, 1, tzinfo=TZ),
                closes_at=datetime(Y, 11, 30, tzinfo=TZ), orgs=[a, b],
            )  # fmt: skip
        with at(Y, 11, 10):
            for user, choice in zip(
                self.members_a, ["satisfied"] * 3 + ["basic", "unsatisfied"], strict=True
            ):
                oversight.vote(campaign, a, user=user, choice=choice)
            for user in self.members_b:
                oversight.vote(campaign, b, user=user, choice="satisfied")
        # Accountability: one for a, one for a1, one dated the year before.
        with at(Y, 7, 1):
            actions.record_accountability(a, by=self.inspector, kind=AccountabilityKind.IGNORED_RECTIFICATION,
                                          person="张某", facts="逾期未整改", decision="约谈", decided_on=date(Y, 7, 1),
                                          finding=None)  # fmt: skip
            actions.record_accountability(a1, by=self.inspector, kind=AccountabilityKind.LATE, person="李某",
                                          facts="未按时公开", decision="通报批评", decided_on=date(Y, 6, 30))  # fmt: skip
            actions.record_accountability(a, by=self.inspector, kind=AccountabilityKind.FALSE, person="王某",
                                          facts="内容不实", decision="批评教育", decided_on=date(2024, 12, 30))  # fmt: skip
        return self


def _cat(rows, category):
    return next(r for r in rows if r["category"] == category)


def _group(f, answer_type):
    return next(g for g in f["applications"]["results"] if g["type"] == answer_type)


def _reason(f, answer_type, reason):
    return next(r["n"] for r in _group(f, answer_type)["rows"] if r["reason"] == reason)


def _carrier(f, kind):
    return next(r["n"] for r in f["active"]["by_carrier"] if r["kind"] == kind)


def _scope(f, scope):
    return next(r["n"] for r in f["active"]["by_scope"] if r["scope"] == scope)


@pytest.fixture
def year(tree, people):
    return Year(tree, people).build()


def test_figures_of_one_organisation(year):
    f = annual.compute(year.tree.a, Y, subtree=False)
    org = _cat(f["active"]["rows"], Category.ORGANISATION)
    # Published new in 2025 under 组织管理: p1, the March one, two short ones, the revoked one = 5.
    assert (org["published"], org["changed"], org["revoked"], org["expired"]) == (5, 1, 1, 1)
    assert _cat(f["active"]["rows"], Category.LEADERSHIP)["published"] == 1
    assert f["active"]["total"] == {"published": 6, "changed": 1, "revoked": 1, "expired": 1}
    assert (
        _scope(f, Scope.PUBLIC) == 6
        and _scope(f, Scope.ALL_MEMBERS) == 1
        and _scope(f, Scope.ORG_MEMBERS) == 0
    )
    assert _carrier(f, annual.WEBSITE) == 7
    assert (_carrier(f, CarrierKind.MEETING), _carrier(f, CarrierKind.BOARD), _carrier(f, CarrierKind.DOCUMENT)) == (
        1, 1, 0,
    )  # fmt: skip

    a = f["applications"]
    assert (a["new"], a["carried_in"], a["total"], a["carried_out"]) == (10, 1, 9, 2)
    assert _group(f, AnswerType.DISCLOSED)["n"] == 2  # January's and the one carried in
    assert _group(f, AnswerType.PARTIAL)["n"] == 1
    assert _group(f, AnswerType.REFUSED)["n"] == 2
    assert (
        _reason(f, AnswerType.REFUSED, "third_party") == 1 and _reason(f, AnswerType.REFUSED, "internal") == 1
    )
    assert _reason(f, AnswerType.REFUSED, "state_secret") == 0  # a1's is not a's
    assert _reason(f, AnswerType.UNAVAILABLE, "not_held") == 1
    assert _reason(f, AnswerType.NOT_PROCESSED, "repeated") == 1
    assert (
        _reason(f, AnswerType.OTHER, AnswerType.DEFERRED) == 1 and _reason(f, AnswerType.OTHER, "other") == 1
    )
    assert a["new"] + a["carried_in"] == a["total"] + a["carried_out"]

    fb = {r["channel"]: r for r in f["feedback"]["rows"]}
    assert (fb["hotline"]["received"], fb["hotline"]["on_time"], fb["hotline"]["late"]) == (2, 2, 0)
    assert (fb["letter"]["received"], fb["letter"]["late"]) == (1, 1)
    assert (fb["visit"]["received"], fb["visit"]["open"]) == (1, 1)
    assert (fb["online"]["received"], fb["online"]["open"]) == (1, 1)
    assert fb["reception"]["received"] == 0
    assert f["feedback"]["total"] == {"received": 5, "on_time": 2, "late": 1, "open": 2}

    o = f["oversight"]
    assert (o["inspections"], o["findings"], o["ordered"], o["on_time"], o["late"], o["open"]) == (
        1,
        4,
        3,
        1,
        1,
        1,
    )
    e = o["evaluation"]
    assert (e["campaigns"], e["voters"], e["shown"]) == (1, 5, True)
    assert [c["n"] for c in e["choices"]] == [3, 1, 1]
    assert e["rate"] == "80.0%"
    assert o["accountability"]["total"] == 1


def test_figures_of_the_subtree(year):
    f = annual.compute(year.tree.a, Y, subtree=True)  # a and a1
    assert f["active"]["total"] == {"published": 7, "changed": 1, "revoked": 1, "expired": 1}
    assert _scope(f, Scope.ORG_MEMBERS) == 1
    assert (
        _carrier(f, CarrierKind.DOCUMENT) == 1 and _carrier(f, CarrierKind.BOARD) == 1
    )  # 2026's board is not
    a = f["applications"]
    assert (a["new"], a["carried_in"], a["total"], a["carried_out"]) == (11, 1, 10, 2)
    assert _reason(f, AnswerType.REFUSED, "state_secret") == 1
    assert f["feedback"]["total"] == {"received": 6, "on_time": 2, "late": 1, "open": 3}
    assert f["oversight"]["accountability"]["total"] == 2

    top = annual.compute(year.tree.committee, Y, subtree=True)  # a, a1 and b
    assert top["active"]["total"]["published"] == 8
    assert top["oversight"]["inspections"] == 2
    e = top["oversight"]["evaluation"]
    assert (e["voters"], [c["n"] for c in e["choices"]]) == (7, [5, 1, 1])
    b_alone = annual.compute(year.tree.b, Y, subtree=False)["oversight"]["evaluation"]
    assert b_alone["voters"] == 2 and b_alone["shown"] is False  # R22: two votes are not shown
    assert [c["n"] for c in b_alone["choices"]] == [None, None, None]


def test_the_same_year_gives_the_same_figures(year):
    first = annual.compute(year.tree.a, Y, subtree=True)
    with at(2026, 3, 1):  # later events do not change a finished year
        make_item(year.tree.a, state=State.REVOKED, by_clerk=year.clerk_a)
    assert annual.compute(year.tree.a, Y, subtree=True) == first


def test_identity_breaks_are_refused():
    f = {"applications": {"new": 3, "carried_in": 0, "total": 2, "carried_out": 0, "unclassified": 0,
                          "results": [{"label": "予以公开", "n": 2, "rows": []}]}}  # fmt: skip
    with pytest.raises(annual.FiguresDoNotAddUp):
        annual.check(f)


def test_report_drafted_published_archived_and_filed_as_docx(year, client):
    a = year.tree.a
    with at(2026, 1, 8):
        report = actions.draft_annual_report(
            a,
            Y,
            by=year.clerk_a,
            subtree=True,
            overview="本年度全面推行党务公开。",
            problems="公开栏更新不及时。",
        )
        item = report.item
        assert item.state == State.DRAFT and item.scope == Scope.PUBLIC and item.period_label == "2025年度"
        assert "一、本年新收申请数量 | 11" in item.body and "七、其他需要报告的事项" in item.body
        actions.submit_annual_report(report, by=year.clerk_a)
        assert not disclosure.blocking_findings(item)
        with pytest.raises(actions.ActionError):  # in the workflow: no more rewriting
            actions.draft_annual_report(a, Y, by=year.clerk_a, subtree=True, overview="改", problems="改")
        disclosure.review_item(item, by=year.rev_a)
        disclosure.approve_item(item, by=year.sec_a)
        disclosure.publish_item(item, by=year.clerk_a)
    item.refresh_from_db()
    assert item.state == State.PUBLISHED and item.is_public_now()
    assert item.title in client.get("/annual-reports/").content.decode()  # the public site (R27)
    from gongkai.archive.models import Snapshot

    assert Snapshot.objects.filter(item=item).exists()

    data = documents.docx(documents.title_of(report), "", documents.sections(report, report.figures))
    doc = Document(io.BytesIO(data))
    assert doc.paragraphs[0].text == "测试党组织甲社区党支部2025年度党务公开工作年度报告（汇总）".replace(
        "测试党组织", ""
    )
    cells = [[c.text for c in row.cells] for t in doc.tables for row in t.rows]
    assert ["一、本年新收申请数量", "11"] in cells and ["四、结转下年度继续办理", "2"] in cells
    assert ["合计", "6", "2", "1", "3"] in cells  # feedback totals by channel
    assert len(doc.tables) == len(tables.all_tables(report.figures))
    wb = load_workbook(io.BytesIO(documents.xlsx("t", tables.all_tables(report.figures))))
    assert len(wb.sheetnames) == len(doc.tables)


def test_drafting_refused_for_outsiders_and_unfinished_years(year):
    with at(2026, 1, 8), pytest.raises(actions.ActionError):
        actions.draft_annual_report(
            year.tree.a, Y, by=year.people.member_a, subtree=False, overview="x", problems="y"
        )
    with at(2025, 12, 8), pytest.raises(actions.ActionError):
        actions.draft_annual_report(
            year.tree.a, Y, by=year.clerk_a, subtree=False, overview="x", problems="y"
        )


def test_a_mark_typed_by_the_office_still_blocks_approval(year):
    with at(2026, 1, 8):
        report = actions.draft_annual_report(
            year.tree.a, Y, by=year.clerk_a, subtree=False, overview="详见机密文件。", problems="无"
        )
        actions.submit_annual_report(report, by=year.clerk_a)
    blocking = disclosure.blocking_findings(report.item)
    assert [f.value for f in blocking] == ["机密"]
