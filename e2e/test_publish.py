"""A clerk prepares an item with an attachment; the reviewer, then the secretary, decide; it is
published and read by a member; each hand-off reaches the next person."""

import io

TITLE = "神仙坳社区2026年11月主题党日活动安排"
WORD_PASTE = (
    '<p class="MsoNormal" style="mso-line-height-rule:exactly"><span style="font-family:仿宋">活动安排如下：</span></p>'
    '<table class="MsoTableGrid" border="1"><tr><td><p class="MsoNormal">时间</p></td><td><p>内容</p></td></tr>'
    "<tr><td><p>9:00</p></td><td><p>学习党务公开条例</p></td></tr></table>"
)


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
    # The clerk pastes from Word: the table is kept, Word's styling is not.
    page.locator(".rich-editor").click()
    page.keyboard.type("11月28日上午9时在社区党群服务中心开展主题党日活动。")
    page.evaluate(
        """html => {
            const data = new DataTransfer();
            data.setData("text/html", html);
            document.querySelector(".rich-editor").dispatchEvent(
                new ClipboardEvent("paste", {clipboardData: data, bubbles: true, cancelable: true}));
        }""",
        WORD_PASTE,
    )
    clerk.look("new-item")
    page.click("button[type=submit].primary")
    page.wait_for_load_state()
    assert TITLE in clerk.text()
    page.set_input_files(
        "form:has(button:has-text('上传')) input[type=file]",
        files=[{"name": "活动安排.png", "mimeType": "image/png", "buffer": _png()}],
    )
    page.click("button:has-text('上传')")
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
    table = member.page.locator("main table:has-text('学习党务公开条例')")
    assert table.count() == 1, "the table pasted from Word reaches the reader as a table"
    assert "mso" not in member.page.content() and "仿宋" not in member.page.content()
    member.look("reads")
