"""Issue 14, done when: a new office meets Gongkai with an empty database and one superuser. Through the
pages, the superuser (password, then setting up the second factor) creates the committee and two
branches, imports 200 members from an XLSX, appoints a clerk, a secretary and the committee's reviewer,
hands each a one-time link, and sets the catalogue; the clerk (password, second factor) prepares an
item, the reviewer and the secretary decide it (four eyes), the clerk publishes it, and it is on the
branch's public board."""

import io

from openpyxl import Workbook

TITLE = "东村党支部领导班子分工"
NEW_PASSWORD = "Xinjie-Dongcun-7319"  # what each newcomer chooses on their set-up link


def _members_xlsx() -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "党员"
    ws.append(["组织代码", "党员编号", "姓名", "登录名", "手机号码", "角色"])
    for i in range(200):
        ws.append(["XJ-A" if i < 120 else "XJ-B", f"M{i:03d}", f"党员{i:03d}", f"m{i:03d}", "", "党员"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _submit(page, label):
    page.click(f"button[type=submit]:has-text('{label}')")
    page.wait_for_load_state()


def test_a_new_office_sets_itself_up_and_publishes(empty_site, people):
    admin = people("admin").login("admin")  # the password, then the authenticator is set up
    page = admin.page
    page.click("nav >> text=组织管理")
    page.wait_for_load_state()
    assert "尚无党组织" in admin.text()
    admin.look("empty")

    # The committee, then its two branches (R1).
    page.click("text=设立顶层党组织")
    page.fill("input[name=code]", "XJ")
    page.fill("input[name=name]", "中共新街道工作委员会")
    page.select_option("select[name=level]", "committee")
    admin.look("new-committee")
    _submit(page, "设立")
    assert "已设立中共新街道工作委员会" in admin.text()
    for code, name in (("XJ-A", "东村党支部"), ("XJ-B", "西村党支部")):
        admin.go("/manage/XJ/")
        page.click("text=设立下级组织")
        page.fill("input[name=code]", code)
        page.fill("input[name=name]", name)
        page.select_option("select[name=level]", "branch")
        page.select_option("select[name=sector_type]", "village")
        _submit(page, "设立")
        assert f"已设立{name}" in admin.text()
    admin.go("/manage/")
    assert "东村党支部" in admin.text() and "西村党支部" in admin.text()
    admin.look("tree")

    # 200 members from a spreadsheet: a preview first, then one transaction (R34).
    page.click("text=批量导入")
    page.click("nav[aria-label=导入类型] >> text=党员和工作人员")
    page.set_input_files(
        "input[name=file]",
        files=[{"name": "党员名册.xlsx", "mimeType": "application/octet-stream", "buffer": _members_xlsx()}],
    )
    admin.look("import")
    _submit(page, "上传并预览")
    assert page.inner_text("#count-create") == "200" and page.inner_text("#count-errors") == "0"
    admin.look("import-preview")
    _submit(page, "确认导入")
    assert "导入完成：新增 200 条" in admin.text()
    admin.look("imported")

    # Appointments (R2), each with a one-time link to set a password.
    links = {}
    for username, org, role in (
        ("m000", "XJ-A", "clerk"),
        ("m001", "XJ-A", "secretary"),
        ("m002", "XJ", "reviewer"),
    ):
        admin.go("/manage/XJ-A/")
        page.click(f"#people-table >> text=党员{username[1:]}")
        page.wait_for_load_state()
        page.select_option("select[name=org]", org)
        page.select_option("select[name=role]", role)
        _submit(page, "授予")
        _submit(page, "生成设置密码链接")
        links[username] = page.input_value("input.copy")
        assert "/accounts/setup/" in links[username]
    admin.look("appointed")

    # The catalogue the branches disclose by (R4), set by the superuser for the committee.
    page.click("nav >> text=目录管理")
    page.wait_for_load_state()
    page.select_option("select[name=owner]", "XJ")
    page.fill("input[name=name]", "新街道党务公开目录")
    page.fill("input[name=filing_body]", "新街道党务公开工作领导小组")
    admin.look("new-catalogue")
    _submit(page, "创建")
    _submit(page, "新建修订草稿")
    page.select_option("select[name=category]", "4")
    page.fill("input[name=title]", "领导班子分工")
    page.select_option("select[name=target_scope]", "public")
    page.select_option("select[name=duration]", "long")
    page.select_option("select[name=timing]", "none")
    _submit(page, "保存到草稿")
    assert "目录事项已保存到草稿" in admin.text()
    admin.look("catalogue-draft")
    _submit(page, "发布")
    assert "目录第 1 版已发布" in admin.text()
    admin.look("catalogue-published")

    def newcomer(name, username):
        person = people(name, width=390 if name == "secretary" else 1280)
        person.page.goto(links[username])
        person.page.wait_for_load_state()
        person.page.fill("input[name=new_password1]", NEW_PASSWORD)
        person.page.fill("input[name=new_password2]", NEW_PASSWORD)
        if name == "clerk":  # the same page for each newcomer: looked at once
            person.look("set-password")
        _submit(person.page, "设置密码")
        assert "密码已设置" in person.text()
        return person.login(username, NEW_PASSWORD)

    # The clerk prepares and submits an item (R6–R7).
    clerk = newcomer("clerk", "m000")
    clerk.look("workbench")
    page = clerk.page
    page.click("nav >> text=事项办理")
    page.click("button:has-text('新建')")
    page.wait_for_load_state()
    page.select_option("select[name=catalogue_item]", index=1)
    page.fill("input[name=title]", TITLE)
    page.locator(".rich-editor").click()
    page.keyboard.type("书记：主持支部全面工作。组织委员：负责组织发展和党员教育管理。")
    clerk.look("new-item")
    page.click("button[type=submit].primary")
    page.wait_for_load_state()
    page.click("text=提出（提交审核）")
    page.wait_for_load_state()
    clerk.look("submitted")
    item_page = page.url.removeprefix(clerk.base)

    # Four eyes: the committee's reviewer, then the branch secretary.
    reviewer = newcomer("reviewer", "m002")
    reviewer.follow(TITLE)
    reviewer.page.click("text=审核通过")
    reviewer.page.wait_for_load_state()
    secretary = newcomer("secretary", "m001")
    secretary.follow(TITLE)
    secretary.look("approve")
    secretary.page.click("text=审批通过")
    secretary.page.wait_for_load_state()

    clerk.go(item_page)
    clerk.page.click("text=公开实施")
    clerk.page.wait_for_load_state()
    clerk.look("published")

    # Anyone now reads it on the branch's board (R27).
    public = people("public", width=390)
    public.go("/orgs/XJ-A/board/")
    assert TITLE in public.text()
    public.look("board")
