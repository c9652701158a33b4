"""Issue 13, bad input → 500: each reported case answers a clear error (or 404), never a 500."""

import json

import pytest
from django.test import Client

from gongkai.accounts.models import ApiToken
from gongkai.audit.models import AuditEntry
from gongkai.conftest import UserFactory, grant
from gongkai.disclosure.models import ConfidentialityFinding as Finding
from gongkai.disclosure.models import State
from gongkai.disclosure.tests.factories import PNG, make_item
from gongkai.feedback.models import FeedbackCase
from gongkai.lib.tests.test_extract import ID_NUMBER
from gongkai.orgs.models import Role
from gongkai.oversight.models import EvaluationCampaign


def login(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def bearer(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(user)}"}


@pytest.fixture
def inspector(tree):
    return grant(UserFactory(), tree.committee, Role.INSPECTOR)


@pytest.mark.parametrize("path", ["/api/v1/applications/stats", "/api/v1/feedback/stats"])
@pytest.mark.parametrize("start", ["0001-01-01", "9999-12-31"])
def test_api_stats_with_an_extreme_date_answer_422(tree, inspector, path, start):
    response = Client().get(path, {"org": tree.committee.code, "start": start}, **bearer(inspector))
    assert response.status_code == 422
    assert "日期应在 1900-01-01 至 2100-12-31 之间" in json.dumps(response.json(), ensure_ascii=False)


def test_stats_page_with_an_extreme_date_shows_the_error_and_this_year(tree):
    secretary = grant(UserFactory(), tree.committee, Role.SECRETARY)
    response = login(secretary).get("/work/reports/stats/", {"from": "0001-01-01"})
    assert response.status_code == 200
    assert "日期应在 1900-01-01 至 2100-12-31 之间" in response.content.decode()


def test_audit_log_with_an_extreme_date_shows_the_form_error(tree):
    auditor = grant(UserFactory(), tree.committee, Role.AUDITOR)
    response = login(auditor).get("/audit/", {"date_to": "9999-12-31"})
    assert response.status_code == 200
    assert "日期应在 1900-01-01 至 2100-12-31 之间" in response.content.decode()


def test_recording_offline_feedback_with_an_extreme_date_saves_nothing(tree):
    clerk = grant(UserFactory(), tree.a, Role.CLERK)
    response = login(clerk).post(
        "/work/feedback/record/",
        {
            "org": tree.a.code,
            "channel": "hotline",
            "subject": "反映问题",
            "content": "党费公开不及时。",
            "received_on": "0001-01-01",
        },
    )
    assert response.status_code == 200
    assert "日期应在 1900-01-01 至 2100-12-31 之间" in response.content.decode()
    assert not FeedbackCase.objects.exists()


@pytest.fixture
def reviewed_item(tree, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return make_item(
        tree.a,
        state=State.REVIEWED,
        body=f"拟发展对象张三，身份证号 {ID_NUMBER}。",
        attachments=[("照片.png", PNG, False)],
        min_internal_days=0,
    )


@pytest.mark.parametrize(
    "action, field",
    [
        ("detach", "attachment"),
        ("keep-inside", "attachment"),
        ("share", "attachment"),
        ("mask", "finding"),
        ("acknowledge", "finding"),
    ],
)
@pytest.mark.parametrize("value", ["abc", "99999999999999999999999", "-1"])
def test_item_actions_with_a_bad_object_id_answer_404_and_change_nothing(
    tree, reviewed_item, action, field, value
):
    reviewer = grant(UserFactory(), tree.committee, Role.REVIEWER)
    response = login(reviewer).post(f"/work/items/{reviewed_item.pk}/{action}/", {field: value})
    assert response.status_code == 404
    assert reviewed_item.attachments.count() == 1
    assert Finding.objects.filter(item=reviewed_item, status=Finding.Status.OPEN).count() == 1


def test_evaluation_campaign_with_an_extreme_opening_time_is_refused(tree, inspector):
    response = login(inspector).post(
        "/oversight/evaluation/",
        {
            "title": "2025年度党务公开评议",
            "opens_at": "0001-01-01T00:00",
            "closes_at": "9999-12-31T23:59",
            "orgs": [tree.a.code],
        },
    )
    assert response.status_code == 200
    assert "日期应在 1900-01-01 至 2100-12-31 之间" in response.content.decode()
    assert not EvaluationCampaign.objects.exists()


@pytest.mark.parametrize("path", ["/items/" + "9" * 30 + "/", "/apply/" + "9" * 25 + "/"])
def test_an_absurd_id_in_a_url_is_404(db, path):
    assert Client(raise_request_exception=False).get(path).status_code == 404


def test_an_absurd_id_in_an_api_path_is_json_404(db):
    response = Client(raise_request_exception=False).get("/api/v1/items/" + "9" * 30)
    assert response.status_code == 404 and response.json() == {"detail": "未找到。"}


# ---- Bodies ----------------------------------------------------------------------------------

BIG = json.dumps({"org": "TA", "subject": "x", "content": "字" * 1_100_000})  # ~3.3 MB


def test_an_anonymous_3mb_feedback_body_answers_413_json(tree):
    response = Client().post("/api/v1/feedback", BIG, content_type="application/json")
    assert response.status_code == 413
    assert "提交的内容过大" in response.json()["detail"]
    assert not FeedbackCase.objects.exists()


def test_a_3mb_item_body_with_a_token_answers_413_json(tree):
    clerk = grant(UserFactory(), tree.a, Role.CLERK)
    response = Client().post("/api/v1/items", BIG, content_type="application/json", **bearer(clerk))
    assert response.status_code == 413 and "提交的内容过大" in response.json()["detail"]


def test_the_limit_is_checked_before_the_body_is_read(db, settings):
    """Content-Length alone decides: a client announcing a huge body is refused without reading it."""
    settings.MAX_REQUEST_BYTES = 1000

    class Unreadable:
        def read(self, *args):
            raise AssertionError("the body was read")

        readline = read

    response = Client().generic(
        "POST",
        "/feedback/new/",
        content_type="application/x-www-form-urlencoded",
        CONTENT_LENGTH="5000",
        **{"wsgi.input": Unreadable()},
    )
    assert response.status_code == 413
    assert "提交的内容过大" in response.content.decode()


def test_a_body_that_grows_too_large_while_read_answers_413_json(db, settings):
    """Behind the Content-Length check, Django's own limit (RequestDataTooBig) maps to 413 JSON too."""
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if not m.endswith("RequestBodyMiddleware")]
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    body = json.dumps({"org": "TA", "subject": "x", "content": "y" * 500})
    response = Client(raise_request_exception=False).post(
        "/api/v1/feedback", body, content_type="application/json"
    )
    assert response.status_code == 413 and "提交的内容过大" in response.json()["detail"]


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"]
)
def test_feedback_api_refuses_bodies_that_are_not_json(tree, content_type):
    body = json.dumps({"org": tree.a.code, "subject": "跨站提交", "content": "由其他网站的表单提交。"})
    response = Client().post("/api/v1/feedback", body, content_type=content_type)
    assert response.status_code == 415
    assert "application/json" in response.json()["detail"]
    assert not FeedbackCase.objects.exists()


def test_feedback_api_still_takes_json(tree):
    body = {"org": tree.a.code, "subject": "建议", "content": "希望按时公开党费收缴情况。"}
    response = Client().post("/api/v1/feedback", body, content_type="application/json; charset=utf-8")
    assert response.status_code == 201, response.content
    assert FeedbackCase.objects.count() == 1


@pytest.mark.parametrize("path", ["/api/v1/nope", "/api/v1/items/1/nope", "/api/v2/items"])
def test_unknown_api_paths_answer_json_404(db, path):
    response = Client().get(path)
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"detail": "未找到。"}


def test_unknown_page_paths_still_answer_the_html_404(db):
    response = Client().get("/no-such-page/")
    assert response.status_code == 404 and response["Content-Type"].startswith("text/html")
    assert AuditEntry.objects.count() == 0
