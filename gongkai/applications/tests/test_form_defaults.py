"""Issue 16: the application form starts from the applicant's own organisation."""

import re

import pytest

from gongkai.lib.errors import ActionError

pytestmark = pytest.mark.django_db


def test_the_form_defaults_to_the_applicants_own_organisation(client, tree, people):
    client.force_login(people.member_a1)  # a member of the branch under tree.a
    html = client.get("/apply/new/").content.decode()
    selected = re.findall(r'<option value="([^"]+)" selected>', html)
    assert selected == [tree.a1.code]
    assert f'<option value="{tree.committee.code}"' in html, "the ancestors can still be chosen"


def test_an_answer_carries_files_the_applicant_downloads(client, tree, people, settings, tmp_path):
    import time_machine
    from django.core.files.uploadedfile import SimpleUploadedFile

    from gongkai.applications import actions
    from gongkai.disclosure.tests.factories import PNG

    settings.MEDIA_ROOT = tmp_path
    with time_machine.travel("2025-03-03 10:00 +08:00", tick=False):
        application = actions.submit_application(
            tree.a, by=people.member_a, title="2024年度党费收缴使用情况", description="请公开明细。"
        )
        client.force_login(people.clerk_a)
        form = client.get(f"/apply/{application.pk}/").content.decode()
        assert 'data-answer-types="refused"' in form and "applications/answer.js" in form
        assert "<script>" not in form, "no inline script (CSP)"
        client.post(
            f"/work/applications/{application.pk}/answer/",
            {
                "answer_type": "disclosed",
                "text": "现将明细表提供给您。",
                "files": [SimpleUploadedFile("明细表.png", PNG)],
            },
        )
    attachment = application.attachments.get()
    assert attachment.original_name == "明细表.png"
    client.force_login(people.member_a)
    page = client.get(f"/apply/{application.pk}/").content.decode()
    assert "明细表.png" in page
    download = client.get(f"/apply/{application.pk}/files/{attachment.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PNG
    client.force_login(people.member_b)
    assert client.get(f"/apply/{application.pk}/files/{attachment.pk}/").status_code == 404


def test_a_refused_file_leaves_the_application_unanswered(tree, people, settings, tmp_path):
    import time_machine
    from django.core.files.uploadedfile import SimpleUploadedFile

    from gongkai.applications import actions
    from gongkai.applications.models import Status

    settings.MEDIA_ROOT = tmp_path
    with time_machine.travel("2025-03-03 10:00 +08:00", tick=False):
        application = actions.submit_application(
            tree.a, by=people.member_a, title="2024年度党费收缴使用情况", description="请公开明细。"
        )
        with pytest.raises(ActionError, match="类型不受支持"):
            actions.answer_application(
                application, by=people.clerk_a, answer_type="disclosed", text="见附件。",
                files=[SimpleUploadedFile("x.exe", b"MZ\x90\x00binary")],
            )  # fmt: skip
    application.refresh_from_db()
    assert application.status == Status.PROCESSING and not application.attachments.exists()
