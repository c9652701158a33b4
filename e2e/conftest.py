"""Browser journeys: the demo, loaded into a temporary folder, served in this process and driven
by Debian's Chromium through Playwright.

The server runs in a thread of the test process, so a journey can move the clock
(time_machine) and read the database to check what a person should have been told. Screenshots
of every step at 390 and 1280 px go to E2E_OUT (default e2e/out/), kept by CI as artefacts; every
step is also checked with axe-core, and a serious or critical finding fails the journey.
"""

import base64
import os
import re
import shutil
import sqlite3
import tempfile
import threading
from pathlib import Path

import pytest

_VAR = Path(tempfile.mkdtemp(prefix="gongkai-e2e-"))
os.environ["GONGKAI_VAR_DIR"] = str(_VAR)
os.environ.pop("DATABASE_URL", None)  # the embedded default
os.environ.pop("REDIS_URL", None)
os.environ["HUEY_IMMEDIATE"] = "true"  # jobs (notifications, e-mail) run at once
os.environ["DJANGO_SETTINGS_MODULE"] = "gongkai.settings"
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API keeps an event loop here
os.environ["GONGKAI_DEMO_SECOND_FACTOR"] = "true"  # demo staff share the README's published TOTP key

import django  # noqa: E402

django.setup()

from django.contrib.staticfiles.handlers import StaticFilesHandler  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
OUT = Path(os.environ.get("E2E_OUT", Path(__file__).parent / "out"))
PASSWORD = "Gongkai@2026"  # the demo's one password (README)
WIDTHS = (390, 1280)


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def site():
    """The demo site: migrated, loaded, served on a free loopback port until the session ends."""
    call_command("migrate", verbosity=0, interactive=False)
    _copy_database(_EMPTY)  # migrated and still empty: where a new office starts (empty_site)
    call_command("load_demo", verbosity=0)
    server = ThreadedWSGIServer(("127.0.0.1", 0), _QuietHandler)
    server.set_app(StaticFilesHandler(get_wsgi_application()))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    shutil.rmtree(_VAR, ignore_errors=True)


_EMPTY = _VAR / "empty.sqlite3"


def _copy_database(target: Path) -> None:
    from django.db import connection

    connection.ensure_connection()
    copy = sqlite3.connect(target)
    with copy:
        connection.connection.backup(copy)
    copy.close()


def _use_database(name: str) -> None:
    """Point every connection of the process (the server's request threads too) at the SQLite file
    `name`, and forget what was cached from the other one."""
    from django.contrib.contenttypes.models import ContentType
    from django.core.cache import caches
    from django.db import connections

    connections.close_all()
    connections.settings["default"]["NAME"] = name  # the dict every connection's settings_dict is
    ContentType.objects.clear_cache()
    for alias in caches:
        caches[alias].clear()


@pytest.fixture
def empty_site(site):
    """The same server on a fresh database holding nothing but one superuser (`admin`, PASSWORD), as
    after `gongkai migrate` and `gongkai createsuperuser`; the demo database is put back afterwards."""
    from django.db import connections

    from gongkai.accounts.models import User

    demo, signed_in = connections.settings["default"]["NAME"], dict(_SIGNED_IN)
    fresh = _VAR / "setup.sqlite3"
    shutil.copyfile(_EMPTY, fresh)
    _use_database(str(fresh))
    _SIGNED_IN.clear()  # sessions of the demo database mean nothing here
    User.objects.create_superuser("admin", password=PASSWORD, display_name="系统管理员")
    try:
        yield site
    finally:
        _use_database(demo)
        _SIGNED_IN.clear()
        _SIGNED_IN.update(signed_in)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: install Debian's 'chromium' package")
    flags = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-sync"]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=flags)
        yield browser
        browser.close()


_SIGNED_IN: dict[str, list] = {}
_KEYS: dict[str, bytes] = {}  # the authenticator keys of people who set one up during the run


def _demo_totp(key: bytes | None = None) -> str:
    from django_otp.oath import totp

    from gongkai.accounts.demo import DEMO_TOTP_KEY

    return f"{totp(key or bytes.fromhex(DEMO_TOTP_KEY)):06d}"


class Person:
    """One person at one browser: logs in as they would, looks at each step at both widths."""

    def __init__(self, browser, base, journey, name, width=1280):
        self.base, self.journey, self.name = base, journey, name
        self.context = browser.new_context(
            viewport={"width": width, "height": 900},
            locale="zh-CN",
            bypass_csp=True,  # axe is injected as a script; users keep the CSP
        )
        self.page = self.context.new_page()
        self.page.set_default_timeout(15_000)
        self.shots = 0

    def go(self, path):
        response = self.page.goto(self.base + path)
        assert response is not None and response.status < 400, f"{path}: {response and response.status}"
        return self.page

    def login(self, username, password=PASSWORD):
        if username in _SIGNED_IN:  # a second journey of the same person keeps their session:
            cookies, landing = _SIGNED_IN[username]  # one code per 30 s step, each used once
            self.context.add_cookies(cookies)
            self.go(landing)
            return self
        self.go("/accounts/login/")
        self.page.fill("input[name=username]", username)
        self.page.fill("input[name=password]", password)
        self.page.click("form:has(input[name=password]) [type=submit]")
        self.page.wait_for_load_state()
        assert "/accounts/login/" not in self.page.url, f"{username} could not log in"
        if "/accounts/second-factor/enrol/" in self.page.url:  # new staff: set the authenticator up
            key = base64.b32decode(self.page.inner_text(".otp-secret").replace(" ", ""))
            if not _KEYS:  # the enrolment page looks the same for everyone: looked at once
                self.look("enrol")
            _KEYS[username] = key
            self.page.fill("input[name=token]", _demo_totp(key))
            self.page.click("form:has(input[name=token]) [type=submit]")
            self.page.wait_for_load_state()
            assert self.page.locator(".recovery-codes li").count() == 10, f"{username}: enrolment refused"
            self.page.click("text=我已保存，继续")
            self.page.wait_for_load_state()
        elif "/accounts/second-factor/" in self.page.url:  # staff: the code from their authenticator
            self.page.fill("input[name=token]", _demo_totp(_KEYS.get(username)))
            self.page.click("form:has(input[name=token]) [type=submit]")
            self.page.wait_for_load_state()
            assert "/accounts/second-factor/" not in self.page.url, f"{username}: second factor refused"
        _SIGNED_IN[username] = (self.context.cookies(), self.page.url.removeprefix(self.base))
        return self

    def look(self, step):
        """Screenshots of the current page at both widths, and axe-core: no serious or critical."""
        from axe_playwright_python.sync_playwright import Axe

        OUT.mkdir(parents=True, exist_ok=True)
        self.shots += 1
        size = self.page.viewport_size
        slug = re.sub(r"[^\w]+", "-", f"{self.journey}-{self.shots:02d}-{self.name}-{step}").strip("-")
        for width in WIDTHS:
            self.page.set_viewport_size({"width": width, "height": 900})
            self.page.screenshot(path=str(OUT / f"{slug}-{width}.png"), full_page=True)
        self.page.set_viewport_size(size)
        violations = [
            f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
            for v in Axe().run(self.page).response["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        assert not violations, f"{step} at {self.page.url}: " + "; ".join(violations)

    def told(self, *words):
        """The person's notification inbox holds a notice containing every one of `words`."""
        self.go("/notifications/")
        notices = self.page.locator("main tbody tr")
        for i in range(notices.count()):
            if all(w in notices.nth(i).inner_text() for w in words):
                return notices.nth(i)
        raise AssertionError(f"{self.name} was not told of {words}: {self.text()[:500]}")

    def follow(self, *words):
        """Open the notice about `words`, as the person would, to reach what it is about."""
        self.told(*words).locator("button").click()
        self.page.wait_for_load_state()

    def text(self):
        return (
            self.page.inner_text("main") if self.page.query_selector("main") else self.page.inner_text("body")
        )

    def close(self):
        self.context.close()


@pytest.fixture
def people(site, browser, request):
    """people("clerk", width=390) opens a new person's browser; all are closed after the test. On the
    empty database when the journey asks for `empty_site`."""
    opened = []
    journey = request.node.name.removeprefix("test_")

    def open_person(name, width=1280):
        person = Person(browser, site, journey, name, width)
        opened.append(person)
        return person

    yield open_person
    for person in opened:
        person.close()
