"""A database restart answers 503 with Retry-After (page and API), never a 500."""

from unittest import mock

from django.db import OperationalError


def _down(*args, **kwargs):
    raise OperationalError('connection to server at "127.0.0.1", port 5432 failed: Connection refused')


def test_a_page_answers_503_while_the_database_is_down(client, tree):
    with mock.patch("gongkai.access.get_org_or_404", _down):
        response = client.get(f"/orgs/{tree.a.code}/board/")
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    assert "系统正在维护，请稍后再试" in response.content.decode()


def test_the_api_answers_503_json_while_the_database_is_down(client, tree):
    with mock.patch("gongkai.access.visible_items", _down):
        response = client.get("/api/v1/items")
    assert response.status_code == 503
    assert response.json() == {"detail": "系统正在维护，请稍后再试。"}
