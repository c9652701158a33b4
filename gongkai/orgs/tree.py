from dataclasses import dataclass, field

from .models import Organisation


@dataclass
class Node:
    org: Organisation
    children: list["Node"] = field(default_factory=list)


def nest(orgs: list[Organisation]) -> list[Node]:
    """Nest a path-ordered list into a tree in one pass; an org whose parent is hidden becomes a root."""
    roots: list[Node] = []
    by_path: dict[str, Node] = {}
    for org in orgs:
        node = Node(org)
        parent = by_path.get(org.path[: -org.steplen])
        (parent.children if parent else roots).append(node)
        by_path[org.path] = node
    return roots
