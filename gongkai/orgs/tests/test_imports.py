"""R34: imports preview every row and error, write nothing while any row is wrong, and are idempotent."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from gongkai.accounts.models import User
from gongkai.conftest import UserFactory
from gongkai.disclosure.models import DisclosureItem
from gongkai.orgs.models import ImportBatch, Membership, Organisation, Role
from gongkai.search.models import SearchDoc

pytestmark = pytest.mark.django_db


def xlsx(rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def upload(client, kind, data, name="data.xlsx"):
    r = client.post("/manage/import/", {"kind": kind, "file": SimpleUploadedFile(name, data)})
    assert r.status_code == 302, r.content.decode()[:500]
    return r["Location"]


MEMBER_HEADER = ["组织代码", "党员编号", "姓名", "手机号码", "角色"]


def test_members_import_preview_apply_and_reapply_changes_nothing(client, tree, people):
    client.force_login(people.secretary_a)
    rows = [MEMBER_HEADER] + [["TA", f"A{i:03d}", f"党员{i}", "", "党员"] for i in range(1, 31)]
    rows.append(["TA1", "B001", "王五", "13800000000", "党员、党务公开联络员"])
    preview = upload(client, "members", xlsx(rows))
    page = client.get(preview)
    assert page.context["counts"] == {"create": 31, "update": 0, "unchanged": 0}
    assert not Membership.objects.filter(code="A001").exists()  # the preview writes nothing
    r = client.post(preview + "apply/")
    assert r.status_code == 302
    assert Membership.objects.filter(org=tree.a, role=Role.MEMBER).exclude(code="").count() == 30
    wang = Membership.objects.get(org=tree.a1, code="B001").user
    assert set(Membership.objects.filter(user=wang).values_list("role", flat=True)) == {
        Role.MEMBER,
        Role.CLERK,
    }
    users, memberships = User.objects.count(), Membership.objects.count()

    again = upload(client, "members", xlsx(rows))
    assert client.get(again).context["counts"] == {"create": 0, "update": 0, "unchanged": 31}
    client.post(again + "apply/")
    assert (User.objects.count(), Membership.objects.count()) == (users, memberships)
    assert ImportBatch.objects.filter(applied_at__isnull=False).count() == 2


def test_hostile_rows_are_all_reported_and_nothing_is_written(client, tree, people):
    client.force_login(people.secretary_a)
    rows = [
        MEMBER_HEADER,
        ["TA", "A001", "张三", "", "党员"],
        ["NOPE", "A002", "李四", "", "党员"],  # unknown organisation
        ["TA", "A001", "张三二", "", "党员"],  # duplicate member
        ["TA", "A003", "=cmd|' /C calc'!A0", "", "党员"],  # a formula
        ["TB", "A004", "赵六", "", "党员"],  # a sibling the secretary does not manage
        ["TA", "A005", "钱七", "", "领导小组办公室"],  # a role wider than their own
    ]
    preview = upload(client, "members", xlsx(rows))
    page = client.get(preview)
    errors = [(e.row, e.column) for e in page.context["plan"].errors]
    assert (3, "组织代码") in errors and (4, "党员编号") in errors and (5, "姓名") in errors
    assert (6, "组织代码") in errors and (7, "角色") in errors
    html = page.content.decode()
    assert "未知的组织代码" in html and "重复的党员" in html and "公式" in html
    assert "确认导入" not in html
    client.post(preview + "apply/")
    assert not Membership.objects.exclude(code="").exists()


def test_bad_dates_a_renamed_file_and_a_huge_file_are_refused(client, tree, people):
    client.force_login(people.clerk_a)
    header = ["索引号", "组织代码", "标题", "目录类别", "公开范围", "发布日期"]
    preview = upload(
        client,
        "items",
        xlsx([header, ["TA-2025-03-00001", "TA", "党费", "组织管理", "社会公开", "2025-13-45"]]),
    )
    assert "日期格式无效" in client.get(preview).content.decode()
    preview = upload(client, "items", b"MZ\x90\x00 this is not a spreadsheet" * 10, name="virus.xlsx")
    assert "无法识别的文件" in client.get(preview).content.decode()
    big = SimpleUploadedFile("big.xlsx", b"PK\x03\x04" + b"0" * (50 * 1024 * 1024))
    r = client.post("/manage/import/", {"kind": "items", "file": big})
    assert r.status_code in (200, 413)
    assert not ImportBatch.objects.filter(file_name="big.xlsx").exists()
    assert not DisclosureItem.objects.exists()


def test_past_items_import_is_published_searchable_and_idempotent(client, tree, people):
    client.force_login(people.clerk_a)
    header = ["索引号", "组织代码", "标题", "目录类别", "公开范围", "发布日期", "有效期至", "正文"]
    rows = [
        header,
        [
            "TA-2025-03-00007",
            "TA",
            "2025年第四季度党费收缴情况",
            "组织管理",
            "社会公开",
            "2025-01-10",
            "",
            "党费收缴正文",
        ],
        ["TA1-2024-01", "TA1", "2024年度组织生活会情况", "1", "本组织党员", "2024/12/20", "", ""],
    ]
    preview = upload(client, "items", xlsx(rows), name="items.xlsx")
    client.post(preview + "apply/")
    item = DisclosureItem.objects.get(index_number="TA-2025-03-00007")
    assert item.state == "published" and item.published_at.date().isoformat() == "2025-01-10"
    assert SearchDoc.objects.filter(item=item).exists()
    assert client.get(f"/items/{item.pk}/").status_code == 200
    from gongkai.numbering.models import Counter

    assert Counter.objects.get(key="index:TA:2025").value == 7  # numbers given later never repeat it
    again = upload(client, "items", xlsx(rows), name="items.xlsx")
    assert client.get(again).context["counts"]["unchanged"] == 2
    client.post(again + "apply/")
    assert DisclosureItem.objects.count() == 2
    other = [header, ["TA-2025-03-00007", "TA", "改过的标题", "组织管理", "社会公开", "2025-01-10", "", ""]]
    assert "按变更程序" in client.get(upload(client, "items", xlsx(other))).content.decode()


def test_orgs_import_from_csv_and_templates(client, tree):
    admin = UserFactory(is_superuser=True)
    client.force_login(admin)
    csv_data = "组织代码,名称,层级,组织类型,上级组织代码\nNEWC,新党委,党委,,\nNEWC-1,一支部,党支部,社区,NEWC\n".encode(
        "gbk"
    )
    preview = upload(client, "orgs", csv_data, name="orgs.csv")
    assert client.get(preview).context["counts"]["create"] == 2
    client.post(preview + "apply/")
    child = Organisation.objects.get(code="NEWC-1")
    assert child.path.startswith(Organisation.objects.get(code="NEWC").path)
    r = client.get("/manage/import/template/members.xlsx")
    assert r.status_code == 200 and r["Content-Disposition"].endswith('.xlsx"')
    assert (
        client.get("/manage/import/template/members.csv")
        .content.decode("utf-8-sig")
        .startswith("组织代码,党员编号")
    )


def test_someone_elses_batch_is_404(client, tree, people):
    client.force_login(people.secretary_a)
    preview = upload(client, "members", xlsx([MEMBER_HEADER, ["TA", "A1", "张", "", ""]]))
    client.force_login(people.inspector_c)
    assert client.get(preview).status_code == 404
    assert client.post(preview + "apply/").status_code == 404
