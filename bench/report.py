"""Read the wrk outputs of one run and write the table (stdout and bench/out/results.md).

Anonymous pages are compared with H, the bare template view; logged-in pages with H_auth, the same
view for a logged-in member (session, user and middleware included), so each ratio is what the page
itself costs on top of what every request of its kind pays."""

import sys
from datetime import datetime
from pathlib import Path

# name: (label, baseline, goal as a ratio to the baseline) — goals of issues 3 and 17.
PAGES = {
    "H": ("H (bare template view)", None, None),
    "board": ("board /orgs/<code>/board/", "H", 0.9),
    "detail": ("item detail /items/<pk>/", "H", 0.9),
    "api_list": ("items API /api/v1/items", "H", 0.9),
    "catalogue": ("catalogue /catalogue/<code>/", "H", None),
    "board_nocache": ("board, page cache off", "H", 0.3),
    "H_auth": ("H_auth (bare view, logged-in member)", "H", 0.6),
    "member_board": ("member's board (own branch)", "H_auth", 0.6),
    "member_item": ("member's internal item page", "H_auth", 0.7),
    "member_home": ("member's home /member/", "H_auth", 0.5),
    "clerk_workbench": ("clerk's workbench /work/", "H_auth", 0.5),
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
    rps = {name: float(r["rps"]) for name, r in results.items() if "rps" in r}
    rows = [
        "| page | req/s | p95 (ms) | ratio | goal | errors |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, (label, baseline, goal) in PAGES.items():
        r = results.get(name)
        if r is None:
            continue
        if "rps" not in r:
            rows.append(f"| {label} | HTTP {r.get('status', '?')}: not measured | | | | |")
            continue
        ratio = verdict = ""
        if baseline and rps.get(baseline):
            value = rps[name] / rps[baseline]
            ratio = f"{value:.2f}×{baseline}"
            if goal is not None:
                verdict = f"≥ {goal} {'met' if value >= goal else 'NOT met'}"
        rows.append(
            f"| {label} | {rps[name]:,.0f} | {float(r['p95_ms']):.1f} | {ratio} | {verdict} | {r['errors']} |"
        )
    text = "\n".join([f"# Benchmark {datetime.now():%Y-%m-%d %H:%M}", "", f"`{settings}`", "", *rows, ""])
    (out / "results.md").write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "")
