"""Import benchmark (issue 14): 100,000 past disclosure items from one XLSX, validated and indexed.

    .venv/bin/python bench/import_bench.py [--items 100000 --orgs 200]
    .venv/bin/python bench/import_bench.py --database-url postgres://postgres@127.0.0.1:5432/gk_i14_import

SQLite runs on its own database under bench/out/import_var/ (recreated each run); PostgreSQL: the named
database is dropped and created afresh. Builds --orgs organisations and a clerk at the root, writes the
XLSX (not timed), then times the same path the page takes:

  upload    gongkai.lib.sheets.read (content sniffing, streaming parse, formula guard); the rows are
            kept with the file (compressed JSON) for the preview and the application
  preview   ItemImporter.plan: every row validated (org code, category, scope, dates, 索引号 unique)
  apply     orgs.importing.apply in one transaction: plan again, then the items and their history
            lines in bulk, their search documents (segmented), counters, one audit entry
  total     upload → preview → apply (goal < 60 s)

Each step shows wall and CPU seconds of this process (a PostgreSQL server's own work shows as wall time
only), with the load average around the run: the machine is shared. Then it checks that every item and
its search document exist, that the audit chain verifies, and that a second upload of the same file
would change nothing. Not part of `make test`.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
VAR = OUT / "import_var"
sys.path.insert(0, str(ROOT))


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--items", type=int, default=100_000)
    p.add_argument("--orgs", type=int, default=200)
    p.add_argument("--database-url", default="")
    return p.parse_args()


def fresh_database(args) -> str:
    VAR.mkdir(parents=True, exist_ok=True)
    os.environ["GONGKAI_VAR_DIR"] = str(VAR)
    if not args.database_url:
        db = VAR / "import_bench.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{db}"
        return "SQLite"
    from urllib.parse import urlsplit, urlunsplit

    import psycopg

    url = urlsplit(args.database_url)
    name = url.path.lstrip("/")
    with psycopg.connect(urlunsplit(url._replace(path="/postgres")), autocommit=True) as conn:
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

    call_command("migrate", verbosity=0)


CATEGORIES = [
    "决议决定及执行",
    "思想建设",
    "组织管理",
    "领导班子建设",
    "干部选任和管理",
    "联系服务党员群众",
    "党风廉政建设",
    "其他",
]
SCOPES = ["社会公开", "全体党员", "本组织及下级", "本组织党员"]
TITLES = [
    "党费收缴、管理和使用情况",
    "“三会一课”开展情况",
    "发展党员公示",
    "民主评议党员结果",
    "领导班子分工",
    "村级财务收支情况",
]


def build(args):
    from django.contrib.auth import get_user_model

    from gongkai.disclosure.management.commands.generate_data import Generator
    from gongkai.orgs.models import Membership, Role

    orgs = Generator(seed=1).orgs(args.orgs)
    clerk = get_user_model().objects.create(username="bench-clerk", display_name="基准联络员")
    Membership.objects.create(user=clerk, org=orgs[0], role=Role.CLERK)
    return orgs, clerk


def workbook(args, orgs) -> bytes:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("事项")
    ws.append(["索引号", "组织代码", "标题", "目录类别", "公开范围", "发布日期", "有效期至", "文号", "正文"])
    for n in range(args.items):
        org = orgs[1 + n % (len(orgs) - 1)]
        year = 2018 + n % 8
        title = f"{year}年{TITLES[n % len(TITLES)]}（第{n % 4 + 1}期）"
        ws.append(
            [
                f"HIST-{org.code}-{year}-{n:06d}",
                org.code,
                title,
                CATEGORIES[n % 8],
                SCOPES[n % 4],
                f"{year}-{1 + n % 12:02d}-{1 + n % 28:02d}",
                "",
                "",
                f"{title}。本期党费应缴{n % 90 + 10}人，实缴{n % 90 + 10}人，按规定上缴和使用。",
            ]
        )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


class Clock:
    """Wall and CPU seconds of named steps; `wrap` times every call of a function (summed)."""

    def __init__(self):
        self.figures: dict[str, list[float]] = {}

    @contextmanager
    def step(self, name):
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            yield
        finally:
            f = self.figures.setdefault(name, [0.0, 0.0])
            f[0] += time.perf_counter() - wall
            f[1] += time.process_time() - cpu

    def wrap(self, name, fn):
        def timed(*args, **kwargs):
            with self.step(name):
                return fn(*args, **kwargs)

        return timed


READ, PLAN, INDEX = "read", "plan", "search documents (ports.index_new_items)"
TEXT = "of which their text, segmented (search.index._docs)"
UPLOAD, PREVIEW, APPLY = "upload (the file read, its rows kept)", "preview", "apply, in one transaction"
TOTAL = "total: upload, preview, apply"


def main():
    args = parse_args()
    label = fresh_database(args)
    setup()
    from django.db import transaction

    from gongkai.audit.chain import verify
    from gongkai.disclosure import imports, ports
    from gongkai.disclosure.models import DisclosureItem
    from gongkai.orgs import importing
    from gongkai.search.models import SearchDoc

    orgs, clerk = build(args)
    data = workbook(args, orgs)
    clock = Clock()
    # The parts of preview and apply, timed where orgs.importing and the importer call them.
    originals = importing.read, imports.ItemImporter.plan, ports.index_new_items
    importing.read = clock.wrap(READ, importing.read)
    imports.ItemImporter.plan = clock.wrap(PLAN, imports.ItemImporter.plan)
    ports.index_new_items = clock.wrap(INDEX, ports.index_new_items)
    # The search app's own split, where it has one: the documents' text, then their rows and full-text
    # index (FTS5 triggers on SQLite, the generated tsvector and GIN on PostgreSQL).
    from gongkai.search import index as search_index

    docs = getattr(search_index, "_docs", None)
    if docs:
        search_index._docs = clock.wrap(TEXT, docs)

    load_before = os.getloadavg()
    with clock.step(TOTAL):
        with clock.step(UPLOAD):
            batch = importing.upload("items", name="bench.xlsx", data=data, by=clerk)
        with clock.step(PREVIEW):
            preview = importing.preview(batch, clerk)
        assert preview.ok, preview.errors[:5]
        parts = {f"{k} (preview)": clock.figures.pop(k, [0.0, 0.0]) for k in (READ, PLAN)}
        with clock.step(APPLY):
            importing.apply(batch, by=clerk)
    load_after = os.getloadavg()
    importing.read, imports.ItemImporter.plan, ports.index_new_items = originals
    if docs:
        search_index._docs = docs

    assert DisclosureItem.objects.count() == args.items
    assert SearchDoc.objects.count() == args.items
    verdict = verify()
    assert verdict.ok, verdict.problem
    with transaction.atomic():
        again = importing.preview(importing.upload("items", name="again.xlsx", data=data, by=clerk), clerk)
    assert again.counts() == {"create": 0, "update": 0, "unchanged": args.items}

    f = clock.figures | parts
    for k in (READ, PLAN):
        f.setdefault(k, [0.0, 0.0])
    rest = [f[APPLY][i] - f[READ][i] - f[PLAN][i] - f[INDEX][i] for i in (0, 1)]
    rows = [
        (UPLOAD, f[UPLOAD]),
        (f"· {READ}", f[f"{READ} (preview)"]),
        (PREVIEW, f[PREVIEW]),
        (f"· {PLAN}", f[f"{PLAN} (preview)"]),
        (APPLY, f[APPLY]),
        (f"· {PLAN} again", f[PLAN]),
        ("· items and history lines, counters, audit entry", rest),
        (f"· {INDEX}", f[INDEX]),
    ]
    if TEXT in f:
        rows.append((f"· · {TEXT}", f[TEXT]))
    rows += [
        (f"**{TOTAL}**", f[TOTAL]),
    ]
    if f[READ][0]:  # the rows were not kept: apply read the file again
        rows.insert(5, (f"· {READ} again", f[READ]))
    size = len(data) / 1024 / 1024
    lines = [
        f"## {label}: {args.items:,} items, {args.orgs} organisations, XLSX {size:.1f} MB",
        "",
        f"Load average (1, 5, 15 min) before: {', '.join(f'{x:.2f}' for x in load_before)}; "
        f"after: {', '.join(f'{x:.2f}' for x in load_after)} ({os.cpu_count()} CPUs).",
        "",
        "| step | wall s | CPU s (this process) |",
        "|---|---:|---:|",
        *(f"| {name} | {wall:.1f} | {cpu:.1f} |" for name, (wall, cpu) in rows),
        "",
        f"Audit chain verifies ({verdict.checked} entries). Second upload of the same file: every row unchanged.",
    ]
    print("\n".join(lines))
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / f"import-{label.split()[0].lower()}.md").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
