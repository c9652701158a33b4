"""Issue 14: the set-up API, token-scoped to what the token's user manages."""

import io

import pytest
from openpyxl import Workbook

from gongkai.accounts.models import ApiToken
from gongkai.orgs.models import Membership, Organisation, Role

pytestmark = pytest.mark.django_db


def auth(user):
    return {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(user)}"}


def test_secretary_builds_their_subtree_and_nothing_else(client, tree, people):
    h = auth(people.secretary_a)
    codes = {o["code"] for o in client.get("/api/v1/setup/orgs", **h).json()}
    assert codes == {"TA", "TA1"}
    r = client.post(
        "/api/v1/setup/orgs",
        {
            "code": "TA2",
            "name": "甲二支部",
            "level": "branch",
            "sector_type": "community",
            "parent_code": "TA",
        },
        content_type="application/json",
        **h,
    )
    assert r.status_code == 201 and r.json()["parent_code"] == "TA"
    r = client.post(
        "/api/v1/setup/orgs",
        {"code": "TB2", "name": "乙二", "level": "branch", "sector_type": "community", "parent_code": "TB"},
        content_type="application/json",
        **h,
    )
    assert r.status_code == 404
    r = client.post(
        "/api/v1/setup/orgs/TA2/people",
        {"username": "api-user", "display_name": "接口人", "roles": ["member", "clerk"]},
        content_type="application/json",
        **h,
    )
    assert r.status_code == 201 and "/accounts/setup/" in r.json()["setup_url"]
    person = r.json()["id"]
    r = client.post(
        "/api/v1/setup/orgs/TA2/roles",
        {"user_id": person, "role": "inspector"},
        content_type="application/json",
        **h,
    )
    assert r.status_code == 403 and "超出自己权限" in r.json()["detail"]
    assert client.get("/api/v1/setup/orgs/TB/people", **h).status_code == 404
    assert client.get("/api/v1/setup/orgs").status_code == 401
    assert set(Membership.objects.filter(user_id=person).values_list("role", flat=True)) == {
        Role.MEMBER,
        Role.CLERK,
    }


def test_import_upload_preview_apply(client, tree, people):
    h = auth(people.secretary_a)
    wb = Workbook()
    wb.active.append(["组织代码", "党员编号", "姓名"])
    wb.active.append(["TA", "X1", "甲"])
    wb.active.append(["TB", "X2", "乙"])
    buf = io.BytesIO()
    wb.save(buf)
    import base64

    body = {"file_name": "m.xlsx", "content_base64": base64.b64encode(buf.getvalue()).decode()}
    r = client.post("/api/v1/setup/imports/members", body, content_type="application/json", **h)
    assert r.status_code == 201
    body = r.json()
    assert body["counts"]["create"] == 1 and body["errors"][0]["row"] == 3
    r = client.post(
        f"/api/v1/setup/imports/batches/{body['id']}/apply", {}, content_type="application/json", **h
    )
    assert r.status_code == 400 and "未导入任何内容" in r.json()["detail"]
    assert not Membership.objects.filter(code="X1").exists()


def test_moving_through_the_api(client, tree, people):
    h = auth(people.inspector_c)
    r = client.post(
        "/api/v1/setup/orgs/TA1/move", {"parent_code": "TB"}, content_type="application/json", **h
    )
    assert r.status_code == 200 and r.json()["parent_code"] == "TB"
    assert Organisation.objects.get(code="TA1").path.startswith(tree.b.path)
