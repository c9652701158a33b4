"""A clerk prepares an item with an attachment; the reviewer, then the secretary, decide; it is
published and read by a member; each hand-off reaches the next person."""

import io

TITLE = "神仙坳社区2026年11月主题党日活动安排"


def _png() -> bytes:
    import segno

    buffer = io.BytesIO()
    segno.make("gongkai e2e").save(buffer, kind="png", scale=4)
    return buffer.getvalue()


def test_clerk_reviewer_secretary_publish(people):
    clerk = people("clerk").login("lianluoyuan")
    clerk.look("workbench")
    page = clerk.page
    page.click("nav >> text=事项办理")
    page.click("button:has-text('新建')")
    page.select_option("select[name=catalogue_item]", index=1)
    page.fill("input[name=title]", TITLE)
    page.fill(
        "textarea[name=body]", "11月28日上午9时在社区党群服务中心开展主题党日活动，内容为学习党务公开条例。"
    )
    clerk.look("new-item")
    page.click("button[type=submit].primary")
    page.wait_for_load_state()
    assert TITLE in clerk.text()
    page.set_input_files(
        "input[name=file]", files=[{"name": "活动安排.png", "mimeType": "image/png", "buffer": _png()}]
    )
    page.click("form[enctype='multipart/form-data'] button")
    page.wait_for_load_state()
    assert "活动安排.png" in clerk.text()
    page.click("text=提出（提交审核）")
    page.wait_for_load_state()
    clerk.look("submitted")

    reviewer = people("reviewer").login("shenhe")
    reviewer.follow(TITLE)
    reviewer.look("review")
    reviewer.page.click("text=审核通过")
    reviewer.page.wait_for_load_state()

    secretary = people("secretary").login("shuji")
    secretary.follow(TITLE)
    secretary.page.click("text=审批通过")
    secretary.page.wait_for_load_state()
    secretary.page.click("text=公开实施")
    secretary.page.wait_for_load_state()
    secretary.look("published")
    clerk.told(TITLE, "公开")

    member = people("member", width=390).login("dangyuan")
    member.go("/member/")
    member.page.click(f"text={TITLE}")
    member.page.wait_for_load_state()
    assert "活动安排.png" in member.text()
    member.look("reads")
