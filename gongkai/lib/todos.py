"""R29: one row of the workbench, as every app's to-do provider returns it.

A provider is `todos(user, on) -> list[Todo]`, answering in a fixed number of queries; the portal's
workbench and the daily digest are built from the same providers."""

from dataclasses import dataclass
from datetime import date

# Urgency, in the workbench's order (R29): this user's decisions first, then overdue, then due soon.
DECIDE, OVERDUE, DUE_SOON, LATER = 0, 1, 2, 3


@dataclass(frozen=True)
class Todo:
    kind: str  # shown as a tag and used to group: 待审核, 公开申请, 公开义务, …
    title: str
    url: str
    org_name: str
    due: date | None = None
    status: str = ""  # a short label
    css: str = "light"  # tag class: bad, warn, ok, light
    note: str = ""
    decision: bool = False  # waiting for this user's decision or action (not just a deadline)

    def urgency(self, on: date, soon: date | None) -> int:
        if self.decision:
            return DECIDE
        if self.due is not None and self.due < on:
            return OVERDUE
        if self.due is not None and (soon is None or self.due <= soon):
            return DUE_SOON
        return LATER


def ordered(rows, on: date, soon: date | None) -> list[Todo]:
    """Decisions first, then overdue, due soon, the rest; within each by due date (undated last)."""
    return sorted(
        rows,
        key=lambda t: (t.urgency(on, soon), t.due is None, t.due or date.max, t.org_name, t.title),
    )
