"""Obligations benchmark (issue 4, item 7): a year of obligations for many organisations, the
compliance page read from the summary, and the full live recomputation.

    .venv/bin/python bench/obligations_bench.py [--orgs 5000 --items 40]
    .venv/bin/python bench/obligations_bench.py --database-url postgres://postgres@127.0.0.1:5432/gk_obench

SQLite runs on its own database under bench/out/obligations_var/ (GONGKAI_VAR_DIR is set there before
Django starts; the file is recreated each run). PostgreSQL: the named database is dropped and created
afresh, and VACUUM ANALYZEd after generation, as autovacuum would (since PostgreSQL 13 a bulk insert
triggers a vacuum too, which sets the visibility map that index-only scans read). Every run: bulk
organisations with treebeard paths (generate_data's Generator: one root, a committee per ~40
branches), a published catalogue of --items items (the demo catalogue's), an inspector at the root. The clock is frozen on --today so figures repeat. Measured:

  generation   gongkai.obligations.actions.generate_obligations(year): obligation rows + summary rows,
               one transaction (goal < 60 s)
  page         GET /work/obligations/compliance/?year=… through Django's test client as the root's
               inspector (middleware, access, summary, template): median of --reps (goal < 100 ms)
  live         compliance.compute(): every obligation of the year grouped by organisation × category
               (one GROUP BY with conditional counts, plus the withholding correction), the totals
               added up from the cells: median of --live-reps (goal < 500 ms, issue 17); also as the
               export asks for it (the root inspector's visible obligations: the access filter on top)
  day change   summary.refresh_stale() on the busiest day ahead (the daily job's worst case)

and checks that the summary equals the live computation. Prints a table and writes
bench/out/obligations.md (one section per database; the other database's section is kept).
Not part of `make test`.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
VAR = OUT / "obligations_var"
TZ = ZoneInfo("Asia/Shanghai")
sys.path.insert(0, str(ROOT))


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--orgs", type=int, default=5000)
    p.add_argument("--items", type=int, default=40)
    p.add_argument("--year", type=int, default=2026)
    p.add_argument("--today", default="2026-11-20", help="the frozen day the statuses are computed for")
    p.add_argument("--reps", type=int, default=20, help="page requests timed")
    p.add_argument("--live-reps", type=int, default=11, help="live recomputations timed")
    p.add_argument("--database-url", default="", help="postgres://…; default: SQLite under bench/out/")
    return p.parse_args()


def fresh_database(args) -> str:
    """A new empty database for this run; returns a label for the report."""
    VAR.mkdir(parents=True, exist_ok=True)
    os.environ["GONGKAI_VAR_DIR"] = str(VAR)
    if not args.database_url:
        db = VAR / "obligations_bench.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{db}"
        return "SQLite"
    from urllib.parse import urlsplit, urlunsplit

    import psycopg

    url = urlsplit(args.database_url)
    name = url.path.lstrip("/")
    admin = urlunsplit(url._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
        version = conn.execute("SHOW server_version").fetchone()[0]
    os.environ["DATABASE_URL"] = args.database_url
    return f"PostgreSQL {version.split()[0]}"


def setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongkai.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    setup_test_environment()  # the test client may talk to the app (ALLOWED_HOSTS: testserver)
    call_command("migrate", verbosity=0)


def build(args):
    """Organisations (bulk, treebeard paths computed directly), the catalogue, the inspector."""
    from django.contrib.auth import get_user_model

    from gongkai.catalogue import demo as catalogue_demo
    from gongkai.catalogue.models import Catalogue, CatalogueItem, CatalogueVersion
    from gongkai.disclosure.management.commands.generate_data import Generator
    from gongkai.orgs.models import Membership, Role

    started = time.perf_counter()
    orgs = Generator(seed=1).orgs(args.orgs)
    root = orgs[0]
    catalogue = Catalogue.objects.create(
        owner=root, name="基准测试目录", filing_body=catalogue_demo.FILING_BODY
    )
    version = CatalogueVersion.objects.create(
        catalogue=catalogue, number=1, published_at=datetime(args.year - 1, 12, 1, tzinfo=TZ)
    )
    items = []
    for n in range(args.items):  # the demo catalogue's items, repeated if more are asked for
        fields = catalogue_demo.item_fields(catalogue_demo.ITEMS[n % len(catalogue_demo.ITEMS)])
        fields["number"] = n + 1
        items.append(CatalogueItem(version=version, **fields))
    CatalogueItem.objects.bulk_create(items)
    inspector = get_user_model().objects.create(username="bench-inspector", display_name="基准督查员")
    Membership.objects.create(user=inspector, org=root, role=Role.INSPECTOR)
    return len(orgs), root, inspector, time.perf_counter() - started


def pass_second_factor(client, user) -> None:
    """The session after the TOTP step, as gongkai.conftest's helper of the same name does."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_static.models import StaticDevice

    device, _ = StaticDevice.objects.get_or_create(user=user, name="bench", defaults={"confirmed": True})
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def timed(fn, reps):
    out = []
    for _ in range(reps):
        started = time.perf_counter()
        fn()
        out.append((time.perf_counter() - started) * 1000)
    return out


def cpu_clock(connection):
    """CPU milliseconds spent so far by this process and, on a PostgreSQL server on this machine, by
    the connection's backend: on a machine shared with other work, the part of a timing that is the
    work itself (wall time also counts waiting for a core)."""
    backend = None
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            stat = Path(f"/proc/{cursor.fetchone()[0]}/stat")
        backend = stat if stat.exists() else None
    tick = os.sysconf("SC_CLK_TCK")

    def now() -> float:
        ms = time.process_time() * 1000
        if backend is not None:
            fields = backend.read_text().rsplit(")", 1)[1].split()
            ms += (int(fields[11]) + int(fields[12])) * 1000 / tick  # utime + stime
        return ms

    return now


def timed_cpu(fn, reps, clock):
    wall, cpu = [], []
    for _ in range(reps):
        started, used = time.perf_counter(), clock()
        fn()
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append(clock() - used)
    return wall, cpu


def run(args, label):
    import time_machine
    from django.db import connection
    from django.test import Client

    from gongkai.obligations import actions, compliance, summary
    from gongkai.obligations.models import ComplianceRollup, ComplianceSummary, Obligation

    today = date.fromisoformat(args.today)
    results = {"label": label, "orgs": args.orgs, "items": args.items, "year": args.year, "today": args.today}
    with time_machine.travel(datetime(today.year, today.month, today.day, 10, tzinfo=TZ), tick=False):
        n_orgs, root, inspector, build_s = build(args)
        results.update(orgs_created=n_orgs, build_s=round(build_s, 1))
        print(f"[{label}] {n_orgs} organisations and {args.items} catalogue items in {build_s:.1f}s")

        started = time.perf_counter()
        attempted = actions.generate_obligations(args.year)
        gen_s = time.perf_counter() - started
        results.update(
            generation_s=round(gen_s, 1),
            obligations=Obligation.objects.count(),
            attempted=attempted,
            summary_rows=ComplianceSummary.objects.count(),
        )
        print(f"[{label}] generation: {results['obligations']} obligations in {gen_s:.1f}s")
        if connection.vendor == "postgresql":  # what autovacuum does soon after a bulk load
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")

        client = Client()
        client.force_login(inspector)
        pass_second_factor(client, inspector)  # staff pages need it (SECURITY.md 7)
        url = f"/work/obligations/compliance/?year={args.year}"
        first = client.get(url)
        assert first.status_code == 200, first.status_code
        assert "heat-" in first.content.decode()
        executed = []
        with connection.execute_wrapper(
            lambda run, sql, params, many, ctx: executed.append(sql) or run(sql, params, many, ctx)
        ):
            client.get(url)
        page = timed(lambda: client.get(url), args.reps)
        results.update(
            page_median_ms=round(statistics.median(page), 1),
            page_max_ms=round(max(page), 1),
            page_queries=len(executed),
        )
        from gongkai.accounts.models import ApiToken

        auth = {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(inspector)}"}
        api_url = f"/api/v1/obligations/compliance?year={args.year}"
        assert len(client.get(api_url, **auth).json()["by_org"]) == n_orgs
        api = timed(lambda: client.get(api_url, **auth), 5)
        results["api_median_ms"] = round(statistics.median(api), 1)

        qs = Obligation.objects.filter(year=args.year)
        live, live_cpu = timed_cpu(
            lambda: compliance.compute(qs, today), args.live_reps, cpu_clock(connection)
        )
        results.update(
            live_median_ms=round(statistics.median(live), 1),
            live_cpu_median_ms=round(statistics.median(live_cpu), 1),
            live_min_ms=round(min(live), 1),
            live_max_ms=round(max(live), 1),
            live_reps=args.live_reps,
        )
        from gongkai import access

        visible = access.visible_obligations(inspector).filter(year=args.year)
        assert len(compliance.compute(visible, today)["by_org"]) == n_orgs
        export = timed(lambda: compliance.compute(visible, today), args.live_reps)
        results["live_export_median_ms"] = round(statistics.median(export), 1)
        results["load_average"] = " ".join(f"{x:.2f}" for x in os.getloadavg())

        fast = compliance.from_summary(
            ComplianceSummary.objects.filter(year=args.year),
            rollups=ComplianceRollup.objects.filter(path=root.path, year=args.year),
        )
        slow = compliance.compute(qs, today)
        results["summary_equals_live"] = all(
            {k: (f.total, f.counts) for k, f in fast[key].items()}
            == {k: (f.total, f.counts) for k, f in slow[key].items()}
            for key in ("by_org", "by_sector_type", "by_category", "cells")
        )

    # The daily job on the busiest day ahead: the most rows whose counts change that day.
    busiest = (
        ComplianceSummary.objects.filter(stale_on__isnull=False)
        .values_list("stale_on", flat=True)
        .order_by("stale_on")
    )
    days = {}
    for d in busiest:
        days[d] = days.get(d, 0) + 1
    if days:
        day = max(days, key=days.get)
        with time_machine.travel(datetime(day.year, day.month, day.day, 0, 2, tzinfo=TZ), tick=False):
            started = time.perf_counter()
            n = summary.refresh_stale(day)
            results.update(day_change=day.isoformat(), day_change_rows=n)
            results["day_change_s"] = round(time.perf_counter() - started, 2)
    return results


GOALS = {"generation_s": 60, "page_median_ms": 100, "live_median_ms": 500}


def table(r) -> list[str]:
    ok = {k: ("ok" if r[k] < v else "MISSED") for k, v in GOALS.items()}
    return [
        f"| measure ({r['label']}) | figure | goal |",
        "|---|---|---|",
        f"| organisations × catalogue items | {r['orgs_created']} × {r['items']} | |",
        f"| obligation rows of {r['year']} / summary rows | {r['obligations']} / {r['summary_rows']} | |",
        f"| generation (obligations + summary, one transaction) | {r['generation_s']} s | < 60 s {ok['generation_s']} |",
        f"| compliance page from the summary, median of {r['reps']} (max) | {r['page_median_ms']} ms "
        f"({r['page_max_ms']} ms), {r['page_queries']} queries | < 100 ms {ok['page_median_ms']} |",
        f"| compliance API (every organisation's figures), median of 5 | {r['api_median_ms']} ms | |",
        f"| full live recomputation (compliance.compute), median of {r.get('live_reps', 5)} (min–max) | "
        f"{r['live_median_ms']} ms ({r.get('live_min_ms', '—')}–{r['live_max_ms']} ms) | < 500 ms {ok['live_median_ms']} |",
        f"| its CPU time (this process{' and the database backend' if r['label'].startswith('PostgreSQL') else ''}), "
        f"median | {r.get('live_cpu_median_ms', '—')} ms | |",
        f"| the same as the export asks (root inspector's visible obligations), median | "
        f"{r.get('live_export_median_ms', '—')} ms | |",
        f"| summary equals live | {'yes' if r['summary_equals_live'] else 'NO'} | yes |",
        f"| day change {r.get('day_change', '—')}: rows refreshed by the daily job | "
        f"{r.get('day_change_rows', 0)} in {r.get('day_change_s', 0)} s | |",
        f"| load average (1, 5, 15 min) when the live figures were timed | {r.get('load_average', '—')} | |",
    ]


def report(results, command):
    OUT.mkdir(parents=True, exist_ok=True)
    store = OUT / "obligations_results.json"
    runs = json.loads(store.read_text()) if store.exists() else {}
    kind = "postgresql" if results["label"].startswith("PostgreSQL") else "sqlite"
    runs[kind] = {**results, "command": command}
    store.write_text(json.dumps(runs, ensure_ascii=False, indent=2))
    lines = [
        "# Obligations benchmark (issue 4)",
        "",
        "Written by `bench/obligations_bench.py`; statuses computed for the frozen day shown.",
        "",
    ]
    for key in ("sqlite", "postgresql"):
        if key in runs:
            r = runs[key]
            lines += [f"## {r['label']} (today = {r['today']})", "", f"    {r['command']}", "", *table(r), ""]
    (OUT / "obligations.md").write_text("\n".join(lines))


def main():
    args = parse_args()
    label = fresh_database(args)
    setup()
    results = run(args, label)
    results["reps"] = args.reps
    command = ".venv/bin/python bench/obligations_bench.py " + " ".join(sys.argv[1:])
    print()
    print("\n".join(table(results)))
    report(results, command.strip())
    print(f"\nwritten {OUT / 'obligations.md'}")
    ok = results["summary_equals_live"] and all(results[k] < v for k, v in GOALS.items())
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
