"""Read the wrk outputs of one run and write the table (stdout and bench/out/results.md)."""

import sys
from datetime import datetime
from pathlib import Path

GOALS = {"board": 0.5, "detail": 0.6, "api_list": 0.5}
LABELS = {
    "H": "H (bare template view)",
    "board": "board /orgs/<code>/board/",
    "detail": "item detail /items/<pk>/",
    "api_list": "items API /api/v1/items",
    "catalogue": "catalogue /catalogue/<code>/",
}


def parse(path: Path) -> dict:
    out = {}
    for line in path.read_text().splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0] in ("status", "rps", "p95_ms", "errors"):
            out[parts[0]] = parts[1]
    return out


def main(out_dir: str, settings: str) -> None:
    out = Path(out_dir)
    results = {p.stem: parse(p) for p in out.glob("*.wrk")}
    h = float(results.get("H", {}).get("rps", 0) or 0)
    rows = [
        "| page | req/s | p95 (ms) | ratio to H | goal | errors |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, label in LABELS.items():
        r = results.get(name)
        if r is None:
            continue
        if "rps" not in r:
            rows.append(f"| {label} | HTTP {r.get('status', '?')}: not measured | | | | |")
            continue
        rps = float(r["rps"])
        ratio = rps / h if h else 0
        goal = GOALS.get(name)
        verdict = "" if goal is None else f"≥ {goal} {'met' if ratio >= goal else 'NOT met'}"
        rows.append(
            f"| {label} | {rps:,.0f} | {float(r['p95_ms']):.1f} | {ratio:.2f}×H | {verdict} | {r['errors']} |"
        )
    text = "\n".join([f"# Benchmark {datetime.now():%Y-%m-%d %H:%M}", "", f"`{settings}`", "", *rows, ""])
    (out / "results.md").write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "")
