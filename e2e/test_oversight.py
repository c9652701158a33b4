"""The leading-group office inspects a branch and orders rectification; the branch answers twice
and the whole exchange stays on the page. A member evaluates their branch once, unnamed."""

import datetime

import time_machine
from django.utils import timezone

BRANCH = "神仙坳社区党支部"


def _local(dt):
    return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")


def test_inspection_with_rectification_and_a_second_response(people):
    office = people("inspector").login("jiancha")
    page = office.go("/oversight/inspections/")
    page.select_option("select[name=org]", label=BRANCH)
    page.fill("input[name=date]", timezone.localdate().isoformat())
    page.fill("textarea[name=summary]", "检查公开栏更新情况和公开目录执行情况。")
    page.click("button[type=submit].primary")
    page.wait_for_load_state()
    page.fill("textarea[name=text]", "公开栏未公开2026年第三季度党费收缴情况。")
    page.click("form:has(textarea[name=text]) button[type=submit]")
    page.wait_for_load_state()
    office.look("finding")

    clerk = people("clerk").login("lianluoyuan")
    clerk.follow("整改通知", BRANCH)
    clerk.look("order")
    clerk.page.get_by_label("整改情况").fill("已于12月2日在公开栏补充公开第三季度党费收缴情况。")
    clerk.page.click("button:has-text('反馈整改情况')")
    clerk.page.wait_for_load_state()

    office.follow("整改情况待核验", BRANCH)
    office.page.get_by_label("核验结论").select_option("back")
    office.page.get_by_label("核验意见").fill("请附公开栏照片。")
    office.page.locator("form:has(select) button[type=submit]").click()
    office.page.wait_for_load_state()

    clerk.follow("整改被退回", BRANCH)
    clerk.page.get_by_label("整改情况").fill("已补充公开栏照片两张。")
    clerk.page.click("button:has-text('反馈整改情况')")
    clerk.page.wait_for_load_state()
    text = clerk.text()
    first, note, second = (
        text.find("12月2日在公开栏"),
        text.find("请附公开栏照片"),
        text.find("补充公开栏照片两张"),
    )
    assert -1 < first < note < second, "the whole exchange is shown, in order"
    clerk.look("exchange")


def test_evaluation_vote(people):
    office = people("inspector").login("jiancha")
    page = office.go("/oversight/evaluation/")
    now = timezone.now()
    page.fill("input[name=title]", "2026年下半年党务公开民主评议")
    page.fill("input[name=opens_at]", _local(now - datetime.timedelta(hours=1)))
    page.fill("input[name=closes_at]", _local(now + datetime.timedelta(days=7)))
    page.get_by_label(BRANCH).check()
    page.click("button:has-text('发起')")
    page.wait_for_load_state()

    member = people("member", width=390).login("dangyuan")
    member.follow("民主评议")
    member.page.get_by_label("满意", exact=True).check()
    member.look("ballot")
    member.page.click("button:has-text('提交评议')")
    member.page.wait_for_load_state()
    assert "您已参加本次评议" in member.text()
    assert "满意" not in member.page.inner_text("section.panel"), (
        "no one, not even the voter, sees the choice again"
    )
    member.look("voted")

    visitor = people("visitor", width=390)
    with time_machine.travel(now + datetime.timedelta(days=8)):
        page = visitor.go("/oversight/evaluation/")
        page.click("text=2026年下半年党务公开民主评议")
        page.wait_for_load_state()
        assert BRANCH in visitor.text()
        visitor.look("results")
