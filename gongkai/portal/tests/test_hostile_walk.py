"""SECURITY 24, issue 13: every URL pattern and every API operation, walked with hostile values
(extreme dates, non-numeric and absurd ids, garbage query parameters, huge and non-JSON bodies),
anonymously and as a staff user, answers without a server error.

URL patterns are read from the resolver, so a new page or API route is walked without being listed
here; the forms each page renders are submitted back with hostile values in every field. The walk is
bounded (a fixed set of values per pattern, a cap on requests) so it stays quick."""

import json
import os
import re
import time
from datetime import date, timedelta
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from gongkai.accounts.models import ApiToken
from gongkai.applications import actions as application_actions
from gongkai.conftest import UserFactory, grant
from gongkai.disclosure.models import State
from gongkai.disclosure.tests.factories import PNG, make_item, published_item
from gongkai.feedback import actions as feedback_actions
from gongkai.lib.tests.test_extract import ID_NUMBER
from gongkai.orgs.models import Role
from gongkai.oversight import actions as oversight_actions

MAX_REQUESTS = 6000
TIME_BUDGET_SECONDS = 300
# The suite walks every route with the first object of each kind; CI's fuzzing run (GONGKAI_FUZZ=1,
# once, beside schemathesis) walks the second and third too.
FULL = os.environ.get("GONGKAI_FUZZ") == "1"

ABSURD_ID = "999999999999999999"  # the largest an <id:> converter takes: names no row
HOSTILE_QUERY = {
    "page": "9" * 30,
    "year": "0",
    "from": "0001-01-01",
    "to": "9999-12-31",
    "start": "0001-01-01",
    "end": "9999-12-31",
    "date_from": "0001-01-01",
    "date_to": "9999-12-31",
    "on": "0001-01-01",
    "limit": "-1",
    "offset": "9" * 30,
    "org": "<script>alert(1)</script>",
    "under": "../../etc",
    "category": "abc",
    "scope": "everyone",
    "state": "published') OR 1=1 --",
    "status": "\x00",
    "q": "党" * 300,
    "version": "abc",
    "format": "pdf",
    "show": "personal",
    "next": "https://evil.example/",
    "code": "%00",
}
ALONE = ["page", "year", "from", "to", "start", "date_to", "offset", "org", "category", "version"]
# Form fields by the input type the page declares; names without a type get each of these in turn.
HOSTILE_BY_TYPE = {
    "date": ["0001-01-01", "9999-12-31", "abc"],
    "datetime-local": ["0001-01-01T00:00", "9999-12-31T23:59"],
    "number": ["9" * 30, "-1", "abc"],
    "hidden": ["abc", "9" * 30],
    "file": [],
}
HOSTILE_TEXT = ["abc", "0001-01-01", "9" * 30, "\x00\u202e", "字" * 6000]
HOSTILE_JSON = {
    "org": "nope",
    "title": "x" * 5000,
    "body": "\x00",
    "scope": "everyone",
    "event_date": "0001-01-01",
    "catalogue_item": 10**30,
    "work_plan": -1,
    "subject": 1,
    "content": None,
    "reason": ["a"],
    "note": {"a": 1},
    "start": "9999-12-31",
}
SLUG_VALUES = {
    "action": [
        "submit", "review", "approve", "publish", "edit", "attach", "detach", "keep-inside", "share",
        "mask", "acknowledge", "send-back", "request-change", "nope",
    ],
    "kind": ["change", "plan", "withholding", "nope"],
    "decision": ["approve", "reject", "nope"],
}  # fmt: skip
SKIP = {"accounts:logout"}  # ends the walker's own session
PLAIN = ("api/v1/openapi.json", "api/v1/docs")  # generated documents: fetched once, not fuzzed


class Forms(HTMLParser):
    """The forms of a page: action, method and fields (name → input type)."""

    def __init__(self):
        super().__init__()
        self.forms, self._current = [], None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._current = {
                "action": a.get("action") or "",
                "method": (a.get("method") or "get").lower(),
                "fields": {},
            }
            self.forms.append(self._current)
        elif tag in ("input", "select", "textarea") and self._current is not None and a.get("name"):
            if a["name"] != "csrfmiddlewaretoken":
                self._current["fields"][a["name"]] = a.get("type", tag)

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None


def patterns(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            ns = f"{p.namespace}:" if p.namespace else ""
            for route, name in patterns(p, prefix + str(p.pattern)):
                yield route, (ns + name) if name and ns and ":" not in name else name
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p.name


def concrete(route: str, ids: list[str], codes: list[str]) -> list[str]:
    """The route with each <conv:name> filled: real and absurd ids, real and unknown codes."""
    parts = re.split(r"(<[^>]+>)", route.lstrip("^").rstrip("$"))
    urls = [""]
    for part in parts:
        m = re.fullmatch(r"<(?:(\w+):)?(\w+)>", part)
        if not m:
            urls = [u + part for u in urls]
            continue
        conv, name = m.group(1) or "str", m.group(2)
        if conv == "id":
            values = ids
        elif name in SLUG_VALUES:
            values = SLUG_VALUES[name]
        elif name == "code" and "lang" in route:
            values = ["en", "xx"]
        else:
            values = codes
        urls = [u + v for u in urls for v in values]
    return ["/" + u for u in urls]


@pytest.fixture
def world(tree, people, settings, tmp_path):
    """One object of each kind, in the organisations the staff user reaches."""
    settings.MEDIA_ROOT = tmp_path
    make_item(tree.a, state=State.DRAFT, attachments=[("名单.png", PNG, True)])  # id 1: its forms
    make_item(tree.a, state=State.REVIEWED, body=f"身份证号 {ID_NUMBER}。", min_internal_days=0)
    published_item(tree.a, min_internal_days=0, attachments=[("照片.png", PNG, False)])
    application_actions.submit_application(
        tree.a, by=people.member_a, title="党费使用情况", description="请公开。"
    )
    feedback_actions.submit_online(
        tree.a, subject="建议", content="请按时公开。", name="张三", contact="13800000000"
    )
    inspection = oversight_actions.create_inspection(
        tree.a, by=people.inspector_c, on=timezone.localdate(), summary="检查公开栏。"
    )
    oversight_actions.add_finding(
        inspection, by=people.inspector_c, text="未按季度公开。", rectification_required=True, deadline_days=5
    )
    now = timezone.now()
    oversight_actions.create_campaign(
        tree.committee,
        by=people.inspector_c,
        title="年度评议",
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=1),
        orgs=[tree.a],
    )
    staff = grant(
        UserFactory(),
        tree.committee,
        Role.CLERK,
        Role.SECRETARY,
        Role.REVIEWER,
        Role.INSPECTOR,
        Role.AUDITOR,
        Role.MEMBER,
    )
    return staff


class Walk:
    def __init__(self, client: Client, headers: dict):
        self.client, self.headers = client, headers
        self.failures: list[str] = []
        self.seen_forms: set = set()
        self.count = 0
        self.started = time.monotonic()

    def send(self, method: str, url: str, **kw):
        if self.count >= MAX_REQUESTS or time.monotonic() - self.started > TIME_BUDGET_SECONDS:
            return None
        self.count += 1
        try:
            response = getattr(self.client, method)(url, **{**self.headers, **kw})
        except Exception as exc:  # raised by the view: what would have been a 500
            self.failures.append(
                f"{method.upper()} {url} {kw.get('data') if method != 'post' else ''}: {exc!r}"[:300]
            )
            return None
        if response.status_code >= 500:
            self.failures.append(f"{method.upper()} {url}: {response.status_code}")
        return response

    def forms_of(self, url: str, response) -> None:
        """Submit every form of the page back with hostile values, one field at a time (a bad value in
        one field must not hide what another does), each distinct form once per walk."""
        if (
            response is None
            or response.status_code != 200
            or "text/html" not in response.get("Content-Type", "")
        ):
            return
        parser = Forms()
        parser.feed(response.content.decode(errors="replace"))
        for form in parser.forms:
            target = form["action"] or url
            signature = (re.sub(r"\d+", "N", target), form["method"], tuple(sorted(form["fields"])))
            if not target.startswith("/") or "logout" in target or signature in self.seen_forms:
                continue
            self.seen_forms.add(signature)
            for name, kind in form["fields"].items():
                for value in HOSTILE_BY_TYPE.get(kind, HOSTILE_TEXT):
                    self.send(
                        form["method"] if form["method"] == "post" else "get", target, data={name: value}
                    )

    def query_of(self, url: str) -> None:
        """A reachable page, with each of the parameters pages read on its own."""
        for name in ALONE:
            self.send("get", url, data={name: HOSTILE_QUERY[name]})


def walk(client, headers, ids, codes) -> Walk:
    w = Walk(client, headers)
    big = json.dumps({"content": "字" * 1_100_000})  # ~3.3 MB
    seen, queried = set(), set()
    for route, name in patterns():
        if name in SKIP:
            continue
        if route.startswith(PLAIN):
            w.send("get", "/" + route)
            continue
        api = route.startswith("api/")
        for url in concrete(route, ids, codes):
            if url in seen:
                continue
            seen.add(url)
            page = w.send("get", url)
            if page is not None and page.status_code == 200:
                if route not in queried:  # each parameter alone, once per route
                    queried.add(route)
                    w.query_of(url)
                w.forms_of(url, page)
            else:
                w.send("get", url, data=HOSTILE_QUERY)
            if api:
                w.send("post", url, data=json.dumps(HOSTILE_JSON), content_type="application/json")
                w.send("patch", url, data=json.dumps(HOSTILE_JSON), content_type="application/json")
                w.send("post", url, data="{not json", content_type="application/json")
                w.send("post", url, data="org=x&content=y", content_type="text/plain")
            else:
                w.send("post", url, data={k: v for k, v in HOSTILE_QUERY.items() if k != "next"})
        # An oversized body announced to every route (refused on its Content-Length, before reading),
        # and really sent to one page and one API operation.
        w.send(
            "post",
            concrete(route, ids[:1], codes[:1])[0],
            data="{}",
            content_type="application/json",
            CONTENT_LENGTH=str(len(big)),
        )
    w.send("post", "/feedback/new/", data=big, content_type="application/json")
    w.send("post", "/api/v1/feedback", data=big, content_type="application/json")
    return w


def test_no_url_pattern_uses_the_unbounded_int_converter():
    unbounded = [route for route, _ in patterns() if "<int:" in route]
    assert not unbounded, f"use <id:…> (gongkai/lib/params.py): {unbounded}"


@pytest.mark.parametrize("who", ["anonymous", "staff"])
def test_every_url_and_api_operation_survives_hostile_values(world, tree, who):
    client = Client(raise_request_exception=True)
    headers = {}
    if who == "staff":
        client.force_login(world)
        headers = {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(world)}"}
    ids = ["1", "2", "3", ABSURD_ID] if FULL else ["1", ABSURD_ID]
    codes = [tree.a.code, "NOPE"]
    w = walk(client, headers, ids, codes)
    print(f"{who}: {w.count} requests in {time.monotonic() - w.started:.1f} s")
    assert w.count > 300, f"the walk reached only {w.count} requests"
    assert time.monotonic() - w.started < TIME_BUDGET_SECONDS, "the walk ran out of time before the end"
    assert not w.failures, f"{len(w.failures)} server errors:\n" + "\n".join(w.failures[:40])


def test_the_walk_reports_exceptions_and_5xx():
    """The walker itself can fail: a view that raises, or answers 5xx, is reported."""

    class Stub:
        def get(self, url, **kw):
            if url == "/raises/":
                return date.max + timedelta(days=1)
            return type("Response", (), {"status_code": 503, "get": lambda self, k, d="": d})()

    w = Walk(Stub(), {})
    w.send("get", "/raises/")
    w.send("get", "/unavailable/")
    assert len(w.failures) == 2
    assert "OverflowError" in w.failures[0] and "503" in w.failures[1]
