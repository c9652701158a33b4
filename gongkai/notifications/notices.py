"""Notices to the people who answer for an organisation, sent when the caller's transaction commits."""

from gongkai import access

from .actions import notify_on_commit


def handlers(org):
    """The clerk and secretary of the organisation itself: the people who answer."""
    return access.org_handlers(org)


def send(users, title: str, body: str = "", url: str = "", key: str = "") -> None:
    """One notification per distinct user after commit; `key` (made per user) keeps a reminder to one."""
    notify_on_commit(users, title, body, url, key=key)


def remind_handlers(open_cases, today, describe, *, horizon) -> int:
    """Tell the handlers of each open case due by `horizon` (three working days ahead: the calendar's
    reminder_horizon), or overdue. `describe(case, late)` gives (title, body, url, key); the key, with
    the due date, keeps it to one notice per case and date. Returns how many cases were considered."""
    cases = list(open_cases.filter(due_date__lte=horizon).select_related("org"))
    for case in cases:
        late = case.due_date < today
        title, body, url, key = describe(case, late)
        send(handlers(case.org), title, body, url, key=f"{key}:{case.due_date}:{late}")
    return len(cases)
