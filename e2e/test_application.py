"""A member applies for disclosure; the branch asks for 补正 and the clock stops; the member supplies
it online and the clock runs again; the branch answers; each side hears of each step."""

REQUEST = "申请公开本支部2026年党费使用明细"


def test_application_with_supplement_online(people):
    member = people("member", width=390).login("dangyuan")
    page = member.go("/apply/")
    page.click("a:has-text('提出申请')")
    page.select_option("select[name=org]", label="神仙坳社区党支部")
    page.fill("input[name=title]", REQUEST)
    page.fill("textarea[name=description]", "请公开本支部今年党费的使用明细。")
    member.look("form")
    page.click("button:has-text('提交申请')")
    page.wait_for_load_state()
    assert REQUEST in member.text()

    clerk = people("clerk").login("lianluoyuan")
    clerk.follow("收到公开申请")
    assert REQUEST in clerk.text()
    clerk.page.get_by_label("说明").fill("请说明需要公开的时间范围。")
    clerk.page.click("button:has-text('中止计时')")
    clerk.page.wait_for_load_state()
    clerk.look("paused")

    member.follow("请补正公开申请")
    assert "请说明需要公开的时间范围" in member.text()
    member.page.get_by_label("补正内容").fill("时间范围为2026年1月至11月。")
    member.page.click("button:has-text('提交补正')")
    member.page.wait_for_load_state()
    member.look("supplied")

    clerk.follow("申请人已补正")
    assert "时间范围为2026年1月至11月" in clerk.text()
    clerk.page.get_by_label("答复类型").select_option("disclosed")
    clerk.page.get_by_label("答复内容").fill("2026年1月至11月党费使用明细见附件，已在支部公开栏同步公开。")
    clerk.page.click("button:has-text('提交答复')")
    clerk.page.wait_for_load_state()
    clerk.look("answered")

    member.follow("您的公开申请已答复")
    assert "党费使用明细见附件" in member.text()
    member.look("answer")
