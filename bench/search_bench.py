"""Search benchmark (R30, issue 7): index build rate and latency of the whole search request.

    .venv/bin/python bench/search_bench.py --items 1000000 --orgs 2000         # SQLite (var/bench_search.sqlite3)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gk_bench_search .venv/bin/python bench/search_bench.py

Generates the data once (`gongkai generate_data`, reused while the item count matches), rebuilds the
index with `search.index.rebuild` (timed), picks terms by their document frequency (rare, common ~10%,
very common), and times GET /search/?q=… through Django's test client (middleware, access, ranking,
snippets, template) as an anonymous visitor and as a party member. Not part of `make test`.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--items", type=int, default=1_000_000)
    p.add_argument("--orgs", type=int, default=2000)
    p.add_argument("--reps", type=int, default=15, help="requests per query and viewer")
    p.add_argument("--jobs", type=int, default=None, help="segmentation processes for the rebuild")
    p.add_argument("--skip-reindex", action="store_true", help="reuse the existing index")
    p.add_argument("--db", default=str(ROOT / "var" / "bench_search.sqlite3"))
    return p.parse_args()


def setup(args):
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{args.db}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongkai.settings")
    import django

    django.setup()
    from django.test.utils import setup_test_environment

    setup_test_environment()  # lets the test client talk to the app (ALLOWED_HOSTS: testserver)


def ensure_data(args):
    from django.core.management import call_command

    from gongkai.disclosure.models import DisclosureItem

    call_command("migrate", verbosity=0)
    have = DisclosureItem.objects.count()
    if have < args.items:
        if have:
            sys.exit(f"database holds {have} items, fewer than --items {args.items}: remove {args.db} first")
        started = time.monotonic()
        call_command("generate_data", orgs=args.orgs, items=args.items)
        print(f"generated {args.items} items in {time.monotonic() - started:.0f}s")
    return DisclosureItem.objects.count()


def cpu_seconds() -> float:
    """CPU time of this process and its finished children (the segmentation workers)."""
    me, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime


def load() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def reindex(args):
    from gongkai.search import index
    from gongkai.search.models import SearchDoc

    if args.skip_reindex and SearchDoc.objects.exists():
        return None
    print(f"reindex starts ({load()})")
    started, cpu = time.monotonic(), cpu_seconds()
    shown = [0]

    def progress(n):
        if n // 100_000 > shown[0]:
            shown[0] = n // 100_000
            print(f"  indexed {n} at {time.monotonic() - started:.0f}s", flush=True)

    n = index.rebuild(jobs=args.jobs, progress=progress)
    took = time.monotonic() - started
    print(f"reindex ends ({load()}), CPU {cpu_seconds() - cpu:.0f}s (this process and its workers)")
    return n, took


def doc_freq(term: str) -> int:
    from django.db import connection

    from gongkai.search.engine import SHARED_COLUMNS
    from gongkai.search.text import Query, fts5_expr, tsquery_expr

    q = Query(term)
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            cur.execute(
                "SELECT count(*) FROM search_fts WHERE search_fts MATCH %s",
                [f"{SHARED_COLUMNS} : ({fts5_expr(q.alternatives)})"],
            )
        else:
            cur.execute(
                "SELECT count(*) FROM search_searchdoc WHERE document @@ to_tsquery('simple', %s)",
                [tsquery_expr(q.alternatives)],
            )
        return cur.fetchone()[0]


# Words of the generated texts (org names, catalogue titles, category paragraphs) plus ones it never uses.
CANDIDATES = (
    "党务公开 党支部 严格 公示 党员 党费 换届 换届选举 三会一课 主题党日 民主评议 发展党员 领导班子 "
    "烟花 陶瓷 金沙 石柱 凤凰 柏加 卫生院 老年协会 志愿者协会 纪工委 发展对象 预备党员 廉政 述职 "
    "收缴 群众 监督 村务 集体经济 处分 警告处分 严重警告 组织生活会 矛盾纠纷 权利保障 民主集中制 "
    "青龙峡谷 量子计算"
).split()


def visible_hits(term: str, user) -> int:
    from gongkai.search import engine

    return engine.search(user, term).total


def pick_terms(total: int) -> dict[str, list[str]]:
    freq = {t: doc_freq(t) for t in CANDIDATES}
    print("document frequency of candidate terms (share of indexed items):")
    for t, n in sorted(freq.items(), key=lambda kv: kv[1]):
        print(f"  {t:<8} {n:>9} {n / max(total, 1):7.2%}")
    share = {t: n / max(total, 1) for t, n in freq.items()}
    rare = [t for t in CANDIDATES if 0 < share[t] < 0.002][:3] or [min(freq, key=lambda t: freq[t] or 10**9)]
    common = sorted((t for t in CANDIDATES if 0.04 <= share[t] <= 0.2), key=lambda t: abs(share[t] - 0.1))[:3]
    very = sorted((t for t in CANDIDATES if share[t] >= 0.4), key=lambda t: -share[t])[:3]
    # The worst case for a visibility filter: many matches, almost none the viewer may read.
    member = member_user()
    few = []
    for t in sorted(CANDIDATES, key=lambda t: -share[t]):
        if share[t] >= 0.02 and min(visible_hits(t, None), visible_hits(t, member)) <= 20:
            few.append(t)
    few = few[:3]
    print(f"common with few visible hits: {few or 'none found'}")
    two = [t for t in CANDIDATES if len(t) == 2 and share[t] > 0][:3]
    four = [t for t in CANDIDATES if len(t) == 4 and share[t] > 0][:3]
    return {
        "rare": rare,
        "common ~10%": common,
        "very common": very,
        "few visible": few,
        "2-char": two,
        "4-char": four,
        "two words": [f"{a} {b}" for a, b in zip(common + very, reversed(common + rare), strict=False)][:3],
        "absent": ["量子计算"],
    }


def member_user():
    from gongkai.accounts.models import User
    from gongkai.orgs.models import Level, Membership, Organisation, Role

    org = Organisation.objects.filter(level=Level.BRANCH).order_by("pk").first()
    user, _ = User.objects.get_or_create(username="bench_member", defaults={"display_name": "压测党员"})
    Membership.objects.get_or_create(user=user, org=org, role=Role.MEMBER)
    return user


def time_requests(terms: dict[str, list[str]], reps: int):
    from django.test import Client

    from gongkai.search import engine

    anon = Client()
    member = Client()
    member.force_login(member_user())
    rows = []
    for label, queries in terms.items():
        for who, client in (("anonymous", anon), ("member", member)):
            times, totals = [], []
            for q in queries:
                client.get("/search/", {"q": q})  # warm the page cache for this query once
                for _ in range(reps):
                    started = time.perf_counter()
                    r = client.get("/search/", {"q": q})
                    times.append((time.perf_counter() - started) * 1000)
                    assert r.status_code == 200, (q, r.status_code)
                user = None if who == "anonymous" else member_user()
                res = engine.search(user, q)
                totals.append(f"{res.total}{'+' if res.truncated else ''}")
            times.sort()
            p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
            rows.append((label, who, " / ".join(queries), " / ".join(totals), statistics.median(times), p95))
    return rows


def main():
    args = parse_args()
    setup(args)
    from django.db import connection

    total = ensure_data(args)
    print(f"database: {connection.vendor}, {total} items")
    built = reindex(args)
    if built:
        n, took = built
        print(f"reindex: {n} docs in {took:.1f}s = {n / took:.0f} items/s")
    from gongkai.search.models import SearchDoc

    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("ANALYZE")  # generated data, and autovacuum may be off: the plans need row estimates
    indexed = SearchDoc.objects.count()
    terms = pick_terms(indexed)
    print(f"timing starts ({load()})")
    started, cpu = time.monotonic(), cpu_seconds()
    rows = time_requests({k: v for k, v in terms.items() if v}, args.reps)
    print(f"timing ends ({load()}): {time.monotonic() - started:.0f}s wall, {cpu_seconds() - cpu:.0f}s CPU")
    print(f"\nwhole request GET /search/?q=… ({args.reps} reps per query and viewer), milliseconds")
    print(f"{'class':<12} {'viewer':<10} {'median':>8} {'p95':>8}  hits (shown)  queries")
    for label, who, qs, totals, med, p95 in rows:
        print(f"{label:<12} {who:<10} {med:8.1f} {p95:8.1f}  {totals:<12}  {qs}")
    meds = [r[4] for r in rows]
    print(
        f"\nall classes: median of medians {statistics.median(meds):.1f} ms, worst p95 {max(r[5] for r in rows):.1f} ms"
    )


if __name__ == "__main__":
    main()
