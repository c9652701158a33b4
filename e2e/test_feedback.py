"""Someone with only a phone leaves feedback without logging in, keeps the tracking code, and later
reads the branch's answer; the branch's clerk hears of the case and answers it."""

import re

SUBJECT = "希望在公开栏旁设置休息座椅"
CONTENT = "老党员站着看公开栏很吃力，希望在旁边设置两张座椅。"


def test_feedback_from_a_phone_with_tracking(people):
    visitor = people("visitor", width=390)
    page = visitor.go("/")
    page.click("nav >> text=意见反馈")
    page.click("a:has-text('我要留言'), a:has-text('留言')")
    page.select_option("select[name=org]", label="神仙坳社区党支部")
    page.fill("input[name=subject]", SUBJECT)
    page.fill("textarea[name=content]", CONTENT)
    page.fill("input[name=contact]", "13800000000")
    visitor.look("form")
    page.click("button:has-text('提交')")
    page.wait_for_load_state()
    code = re.search(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}", visitor.text()).group(0)
    visitor.look("code")

    clerk = people("clerk").login("lianluoyuan")
    clerk.follow(SUBJECT)
    assert CONTENT in clerk.text()
    clerk.look("case")
    clerk.page.fill("textarea[name=text] >> nth=-1", "已联系物业于12月5日前设置座椅，感谢您的建议。")
    clerk.page.click("button:has-text('答复')")
    clerk.page.wait_for_load_state()

    page = visitor.go("/feedback/track/")
    page.fill("input[name=code]", code)
    page.click("button:has-text('查询')")
    page.wait_for_load_state()
    assert "设置座椅" in visitor.text()
    assert "13800000000" not in visitor.text(), "the tracking page never repeats the contact"
    visitor.look("answer")
