"""SECURITY 25: a server error shows a generic page with an id that is in the server log; 14: input
cannot forge a line in the audit log."""

import logging
import re

from django.test import Client
from django.urls import include, path

from gongkai.audit.log import record
from gongkai.audit.models import AuditEntry


def _boom(request):
    raise RuntimeError("secret internal detail")


urlpatterns = [path("boom/", _boom), path("", include("gongkai.urls"))]
handler500 = "gongkai.portal.views.server_error"


class _Kept(logging.Handler):
    def __init__(self):
        super().__init__(logging.ERROR)
        self.records = []

    def emit(self, record):
        self.records.append(record)


def test_server_error_page_is_generic_and_its_id_is_in_the_log(db, settings):
    settings.ROOT_URLCONF = __name__
    settings.DEBUG = False
    kept = _Kept()
    logging.getLogger("gongkai").addHandler(kept)
    try:
        response = Client(raise_request_exception=False).get("/boom/")
    finally:
        logging.getLogger("gongkai").removeHandler(kept)
    body = response.content.decode()
    assert response.status_code == 500 and "secret internal detail" not in body
    error_id = re.search(r"<code>([0-9a-f]{12})</code>", body).group(1)
    assert any(error_id in r.getMessage() for r in kept.records)


def test_line_breaks_in_input_cannot_forge_audit_lines(db):
    record(action="feedback.submit", data={"subject": "正常\nauth.login ok admin\r\nx"})
    (stored,) = AuditEntry.objects.values_list("data", flat=True)
    assert "\n" not in stored["subject"] and "\r" not in stored["subject"]


def test_no_page_shows_template_syntax(client, tree, people):
    """A template comment written over two lines ({# … #} is one line only) shows up on every page."""
    from gongkai.disclosure.tests.factories import published_item

    item = published_item(tree.a, min_internal_days=0)
    client.force_login(people.clerk_a)
    for url in ("/", "/orgs/TA/board/", f"/items/{item.pk}/", "/member/", "/work/"):
        html = client.get(url).content.decode()
        assert "{#" not in html and "{%" not in html and "{{" not in html, url
