"""Issue 14, done when: from an empty database and a superuser, a new office creates its committee and
two branches, imports 200 members from an XLSX, appoints a clerk and a secretary (and a reviewer),
sets its catalogue, and that clerk publishes an item — every step through the pages, every staff login
through the password and the second factor (no force_login)."""

import base64
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django_otp.oath import totp
from openpyxl import Workbook

from gongkai.accounts.models import User
from gongkai.conftest import PASSWORD, UserFactory
from gongkai.disclosure.models import DisclosureItem, State
from gongkai.orgs.models import Membership, Organisation

pytestmark = pytest.mark.django_db


def ok(response):
    assert response.status_code in (200, 302), response.content.decode()[:800]
    return response


def person_id(username):
    return User.objects.get(username=username).pk


def appoint(admin, username, org_code, role):
    ok(admin.post(f"/manage/people/{person_id(username)}/grant/", {"org": org_code, "role": role}))


def sign_in(username) -> Client:
    """A staff login as it happens: the password, then (SECURITY 7) the authenticator is set up from the
    key the enrolment page shows and its code entered; only then do the staff pages open."""
    person = Client()
    r = ok(person.post("/accounts/login/", {"username": username, "password": PASSWORD}))
    assert person.get(r["Location"])["Location"].startswith("/accounts/second-factor/enrol/")
    page = person.get("/accounts/second-factor/enrol/").content.decode()
    secret = re.search(r'<code class="otp-secret">([A-Z2-7 ]+)</code>', page)[1].replace(" ", "")
    code = f"{totp(base64.b32decode(secret)):06d}"
    done = ok(person.post("/accounts/second-factor/enrol/", {"token": code}))
    assert "验证码不正确" not in done.content.decode()
    assert person.get("/accounts/security/").status_code == 200, "the second factor is passed"
    return person


def login_via_setup_link(admin, username) -> Client:
    pk = person_id(username)
    ok(admin.post(f"/manage/people/{pk}/status/", {"op": "link"}))
    link = re.search(
        r'value="http://testserver(/accounts/setup/[^"]+)"',
        admin.get(f"/manage/people/{pk}/").content.decode(),
    )[1]
    person = Client()
    form = person.get(link, follow=True)
    form_url = form.redirect_chain[-1][0]
    assert re.search(r'<ul id="pw-help" class="muted"><li>', form.content.decode()), (
        "the rules, before typing"
    )
    ok(person.post(form_url, {"new_password1": PASSWORD, "new_password2": PASSWORD}))
    return sign_in(username)


def test_a_new_office_sets_itself_up_and_publishes():
    assert not Organisation.objects.exists()
    UserFactory(is_superuser=True, is_staff=True, username="admin")
    admin = sign_in("admin")
    empty = admin.get("/manage/").content.decode()
    assert "尚无党组织" in empty and "format=csv" not in empty  # nothing to export yet

    ok(
        admin.post(
            "/manage/new/",
            {"code": "XJ", "name": "中共新街道工作委员会", "level": "committee", "is_public": "on"},
        )
    )
    for code, name in [("XJ-A", "东村党支部"), ("XJ-B", "西村党支部")]:
        ok(
            admin.post(
                "/manage/XJ/new/",
                {"code": code, "name": name, "level": "branch", "sector_type": "village", "is_public": "on"},
            )
        )

    wb = Workbook()
    ws = wb.active
    ws.append(["组织代码", "党员编号", "姓名", "登录名", "手机号码", "角色"])
    for i in range(200):
        ws.append(["XJ-A" if i < 120 else "XJ-B", f"M{i:03d}", f"党员{i:03d}", f"m{i:03d}", "", "党员"])
    buf = io.BytesIO()
    wb.save(buf)
    r = ok(
        admin.post(
            "/manage/import/", {"kind": "members", "file": SimpleUploadedFile("members.xlsx", buf.getvalue())}
        )
    )
    preview = r["Location"]
    page = admin.get(preview)
    assert page.context["counts"]["create"] == 200
    # 200 rows: the counts first, the row-by-row list folded away (a phone would scroll for minutes)
    assert "将要进行的操作（200 行）" in page.content.decode() and "<details>" in page.content.decode()
    ok(admin.post(preview + "apply/"))
    assert Membership.objects.filter(role="member").count() == 200

    appoint(admin, "m000", "XJ-A", "clerk")
    appoint(admin, "m001", "XJ-A", "secretary")
    appoint(admin, "m002", "XJ", "reviewer")
    appoint(admin, "m003", "XJ", "catalogue_owner")

    owner = login_via_setup_link(admin, "m003")
    r = ok(
        owner.post(
            "/catalogue/manage/",
            {"owner": "XJ", "name": "新街道党务公开目录", "filing_body": "新街道党务公开领导小组"},
        )
    )
    catalogue_url = r["Location"]
    draft_url = ok(owner.post(catalogue_url))["Location"]
    ok(
        owner.post(
            draft_url,
            {
                "category": "4",
                "title": "领导班子分工",
                "target_scope": "public",
                "duration": "long",
                "timing": "none",
                "due_offset": "0",
                "min_internal_days": "0",
                "retention": "30y",
                "stages": "[]",
            },
        )
    )
    assert "领导班子分工" in owner.get(draft_url).content.decode()
    from django.utils import timezone

    ok(owner.post(draft_url + "publish/", {"effective_from": timezone.localdate().isoformat()}))

    clerk = login_via_setup_link(admin, "m000")
    new = clerk.get("/work/items/new/?org=XJ-A")
    choice = new.context["form"].fields["catalogue_item"].queryset.get()
    r = ok(
        clerk.post(
            "/work/items/new/",
            {
                "org": "XJ-A",
                "catalogue_item": choice.pk,
                "title": "东村党支部领导班子分工",
                "body": "书记：全面工作。",
            },
        )
    )
    item = DisclosureItem.objects.get(title="东村党支部领导班子分工")
    ok(clerk.post(f"/work/items/{item.pk}/submit/"))
    ok(login_via_setup_link(admin, "m002").post(f"/work/items/{item.pk}/review/"))
    ok(login_via_setup_link(admin, "m001").post(f"/work/items/{item.pk}/approve/"))
    ok(clerk.post(f"/work/items/{item.pk}/publish/"))

    item.refresh_from_db()
    assert item.state == State.PUBLISHED and item.index_number.startswith("XJ-A-")
    assert "东村党支部领导班子分工" in Client().get("/orgs/XJ-A/board/").content.decode()
