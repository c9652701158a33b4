"""R32 lint: visibility is decided in gongkai/access.py only (run by `make lint`).

Outside access.py no module may
- reach into access.py's private building blocks (`access._grants`, `access._path_q`, …): ask one of
  its named questions instead (visible_items, orgs_where, pending_changes, …);
- filter by an organisation-path prefix by hand (`org_path__startswith=…`): narrow to an organisation
  with `org.subtree_q()` after access.py has answered who may see it.
Ruff's banned-api (TID251, pyproject.toml) says the same for imports; this also catches the filters.
Exit status 1 with one line per offence."""

import ast
import sys
from pathlib import Path

# The policy itself, and the tree's own mechanics (paths handed out and rewritten on a move).
ALLOWED = {Path("gongkai/access.py"), Path("gongkai/orgs/models.py"), Path("gongkai/orgs/paths.py")}


def offences(path: Path, source: str):
    tree = ast.parse(source, filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.keyword) and node.arg and node.arg.endswith("path__startswith"):
            yield node.value.lineno, f"hand-made visibility filter `{node.arg}=`: ask gongkai.access"
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id == "access"
            and node.attr.startswith("_")
        ):
            yield node.lineno, f"`access.{node.attr}` is private to gongkai/access.py"
        if isinstance(node, ast.ImportFrom) and node.module == "gongkai.access":
            for alias in node.names:
                if alias.name.startswith("_"):
                    yield node.lineno, f"`{alias.name}` is private to gongkai/access.py"


def main(roots: list[str]) -> int:
    found = 0
    for root in roots:
        for path in sorted(Path(root).rglob("*.py")):
            if path in ALLOWED or "migrations" in path.parts or "tests" in path.parts:
                continue
            for lineno, message in offences(path, path.read_text(encoding="utf-8")):
                print(f"{path}:{lineno}: {message}")
                found += 1
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or ["gongkai"]))
