"""Mixed load for bench/scale.sh: CLIENTS threads for DURATION seconds against the nginx front.

Each client loops over a weighted mix: anonymous visitors reading boards and items, logged-in
members reading their branch, feedback posted through the public API, and clerks publishing an
item through the API (create, submit, then reviewed and approved by two other people's tokens,
published). Every request is labelled with the phase it started in (--phases NAME:SECOND,…).
Writes the figures and the accepted writes (tracking codes, published item ids) as JSON.
"""

import argparse
import http.client
import json
import random
import re
import ssl
import threading
import time
import uuid
from collections import defaultdict
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

ITEM_LINK = re.compile(r'href="/items/(\d+)/"')
BOARD_LINK = re.compile(r'href="/orgs/([\w-]+)/board/"')
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Client:
    """One keep-alive HTTPS connection with its own cookies (Secure cookies kept: TLS ends at nginx)."""

    def __init__(self, base, source):
        parts = urlsplit(base)
        self.host, self.port = parts.hostname, parts.port
        self.source = source
        self.context = ssl._create_unverified_context()  # the run's self-signed certificate
        self.cookies = {}
        self.conn = None

    def request(self, method, path, body=None, headers=None):
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        headers.setdefault("Referer", f"https://{self.host}:{self.port}/")
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPSConnection(
                    self.host, self.port, timeout=30, context=self.context, source_address=(self.source, 0)
                )
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
            except (OSError, http.client.HTTPException):
                self.conn.close()
                self.conn = None
                if attempt == 2 or method != "GET":
                    raise
                continue
            for header in response.headers.get_all("Set-Cookie") or []:
                for key, morsel in SimpleCookie(header).items():
                    self.cookies[key] = morsel.value
            return response.status, data.decode("utf-8", "replace")
        raise AssertionError("unreachable")


class Run:
    def __init__(self, args):
        self.args = args
        self.phases = [(name, int(at)) for name, at in (p.split(":") for p in args.phases.split(","))]
        self.start = time.monotonic()
        self.lock = threading.Lock()
        self.stats = defaultdict(lambda: {"requests": 0, "errors": 0, "limited": 0, "latencies": []})
        self.error_samples = defaultdict(list)
        self.accepted = {"feedback": [], "items": []}
        self.tokens = json.loads(args.tokens)
        self.members = args.members.split(",")
        self.orgs = args.orgs.split(",")

    def phase(self, at):
        name = self.phases[0][0]
        for label, second in self.phases:
            if at >= second:
                name = label
        return name

    def record(self, kind, started, status, error=""):
        phase = self.phase(started - self.start)
        with self.lock:
            s = self.stats[(phase, kind)]
            s["requests"] += 1
            s["latencies"].append(time.monotonic() - started)
            if status == 429:
                s["limited"] += 1
            elif status is None or status >= 500:
                s["errors"] += 1
                if len(self.error_samples[phase]) < 5:
                    self.error_samples[phase].append(f"{kind}: {status} {error}"[:200])

    def call(self, client, kind, method, path, **kw):
        started = time.monotonic()
        try:
            status, text = client.request(method, path, **kw)
        except Exception as exc:  # a connection refused or reset counts as an error of its phase
            self.record(kind, started, None, repr(exc))
            return None, ""
        self.record(kind, started, status, "" if status < 500 else text[:120])
        return status, text

    # ---- the mix ------------------------------------------------------------------------------

    def anonymous(self, client):
        status, home = self.call(client, "anonymous", "GET", "/")
        boards = BOARD_LINK.findall(home) or self.orgs
        status, board = self.call(client, "anonymous", "GET", f"/orgs/{random.choice(boards)}/board/")
        items = ITEM_LINK.findall(board)
        if items:
            self.call(client, "anonymous", "GET", f"/items/{random.choice(items)}/")

    def member(self, client, username):
        if "sessionid" not in client.cookies:
            status, page = self.call(client, "member", "GET", "/accounts/login/")
            token = CSRF_INPUT.search(page or "")
            if not token:
                return
            form = {
                "username": username,
                "password": self.args.password,
                "csrfmiddlewaretoken": token.group(1),
            }
            self.call(
                client,
                "member",
                "POST",
                "/accounts/login/",
                body=urlencode(form),
                headers={"Content-Type": "application/x-www-form-urlencoded"},
            )
        status, page = self.call(client, "member", "GET", "/member/")
        items = ITEM_LINK.findall(page or "")
        if items:
            self.call(client, "member", "GET", f"/items/{random.choice(items)}/")

    def feedback(self, client):
        subject = f"压力测试留言 {uuid.uuid4().hex[:12]}"
        body = json.dumps(
            {"org": random.choice(self.orgs), "subject": subject, "content": "希望公开栏及时更新。"}
        )
        status, text = self.call(
            client,
            "feedback",
            "POST",
            "/api/v1/feedback",
            body=body,
            headers={"Content-Type": "application/json"},
        )
        if status == 201:
            with self.lock:
                self.accepted["feedback"].append({"code": json.loads(text)["code"], "subject": subject})

    def publish(self, client):
        t = self.tokens
        title = f"压力测试事项 {uuid.uuid4().hex[:12]}"

        def api(token, method, path, payload=None):
            headers = {"Authorization": f"Bearer {t[token]}", "Content-Type": "application/json"}
            body = None if payload is None else json.dumps(payload)
            return self.call(client, "publish", method, "/api/v1/items" + path, body=body, headers=headers)

        status, text = api(
            "clerk", "POST", "", {"org": t["org"], "catalogue_item": t["catalogue_item"], "title": title}
        )
        if status != 201:
            return
        pk = json.loads(text)["id"]
        for token, step in (
            ("clerk", "submit"),
            ("reviewer", "review"),
            ("secretary", "approve"),
            ("clerk", "publish"),
        ):
            status, text = api(token, "POST", f"/{pk}/{step}")
            if status != 200:
                return
        with self.lock:
            self.accepted["items"].append({"id": pk, "title": title})

    def client_loop(self, n):
        client = Client(self.args.base, f"127.0.{1 + n // 250}.{1 + n % 250}")
        username = self.members[n % len(self.members)]
        deadline = self.start + self.args.duration
        rng = random.Random(n)
        while time.monotonic() < deadline:
            roll = rng.random()
            if roll < 0.5:
                self.anonymous(client)
            elif roll < 0.8:
                self.member(client, username)
            elif roll < 0.9:
                self.feedback(client)
            else:
                self.publish(client)

    def report(self):
        phases = {}
        durations = {}
        for i, (name, at) in enumerate(self.phases):
            end = self.phases[i + 1][1] if i + 1 < len(self.phases) else self.args.duration
            durations[name] = max(end - at, 1)
        for (phase, kind), s in sorted(self.stats.items()):
            p = phases.setdefault(
                phase, {"requests": 0, "errors": 0, "limited": 0, "latencies": [], "by_kind": {}}
            )
            p["requests"] += s["requests"]
            p["errors"] += s["errors"]
            p["limited"] += s["limited"]
            p["latencies"] += s["latencies"]
            p["by_kind"][kind] = {"requests": s["requests"], "errors": s["errors"]}
        for name, p in phases.items():
            lat = sorted(p.pop("latencies"))
            p["req_per_s"] = round(p["requests"] / durations.get(name, 1), 1)
            p["p95_ms"] = round(lat[int(len(lat) * 0.95)] * 1000) if lat else None
            p["error_samples"] = self.error_samples.get(name, [])
        return {
            "clients": self.args.clients,
            "duration_s": self.args.duration,
            "phases": phases,
            "accepted": self.accepted,
        }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--base", default="https://127.0.0.1:8200")
    ap.add_argument("--clients", type=int, default=200)
    ap.add_argument("--duration", type=int, default=600)
    ap.add_argument("--phases", default="all:0")
    ap.add_argument(
        "--tokens", required=True, help="JSON: clerk, reviewer, secretary tokens, org, catalogue_item"
    )
    ap.add_argument("--members", required=True, help="member usernames, comma-separated")
    ap.add_argument("--orgs", required=True, help="public organisation codes, comma-separated")
    ap.add_argument("--password", default="Gongkai@2026")
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    run = Run(args)
    threads = [threading.Thread(target=run.client_loop, args=(n,), daemon=True) for n in range(args.clients)]
    for t in threads:
        t.start()
        time.sleep(0.01)  # ramp up over two seconds rather than 200 handshakes at once
    for t in threads:
        t.join(args.duration + 60)
    with open(args.out, "w") as fh:
        json.dump(run.report(), fh, ensure_ascii=False, indent=1)


if __name__ == "__main__":
    main()
