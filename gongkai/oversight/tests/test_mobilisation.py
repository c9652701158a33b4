"""R19/R20: each branch records its 动员部署; the dashboard shows how many have."""

import io
from datetime import date

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from docx import Document

from gongkai.audit.models import AuditEntry
from gongkai.oversight.models import Mobilisation

pytestmark = pytest.mark.django_db


def docx_bytes() -> bytes:
    doc = Document()
    doc.add_paragraph("甲社区党支部党务公开实施细则")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


@time_machine.travel(date(2026, 3, 20), tick=False)
def test_branch_records_its_mobilisation_and_the_dashboard_counts_it(
    client, tree, people, settings, tmp_path
):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    client.force_login(people.clerk_a)
    r = client.post(
        "/oversight/mobilisation/",
        {
            "org": "TA",
            "rules": SimpleUploadedFile("实施细则.docx", docx_bytes()),
            "meeting_on": "2026-03-10",
            "meeting_attendance": "35",
            "training_on": "2026-03-12",
            "training_attendance": "20",
        },
    )
    assert r.status_code == 302
    m = Mobilisation.objects.get(org=tree.a, year=2026)
    assert m.complete and m.meeting_attendance == 35
    assert AuditEntry.objects.filter(action="oversight.mobilisation").exists()
    assert client.get(f"/oversight/mobilisation/{m.pk}/rules/").status_code == 200
    client.force_login(people.inspector_c)
    page = client.get("/oversight/").content.decode()
    assert "已上传实施细则" in page
    assert client.get("/oversight/").context["mobilisation"].rules == 1
    assert client.get(f"/oversight/mobilisation/{m.pk}/rules/").status_code == 200
    client.force_login(people.member_b)
    assert client.get(f"/oversight/mobilisation/{m.pk}/rules/").status_code == 404


@time_machine.travel(date(2026, 3, 20), tick=False)
def test_bad_records_are_refused(client, tree, people):
    client.force_login(people.clerk_a)
    r = client.post(
        "/oversight/mobilisation/", {"org": "TA", "meeting_on": "2026-04-01", "meeting_attendance": "3"}
    )
    assert "不能晚于今天" in r.content.decode()
    r = client.post(
        "/oversight/mobilisation/", {"org": "TA", "rules": SimpleUploadedFile("x.docx", b"MZ not a doc")}
    )
    assert "PDF 或 DOCX" in r.content.decode()
    r = client.post(
        "/oversight/mobilisation/", {"org": "TB", "meeting_on": "2026-03-01", "meeting_attendance": "3"}
    )
    assert r.status_code == 200
    assert not Mobilisation.objects.exists()
