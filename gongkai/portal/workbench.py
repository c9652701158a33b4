"""R29 / issue 11.4: the staff workbench, fed by one to-do provider per app. The page, the header
badge and the daily digest are all built from `todos_for`."""

from datetime import date

from django.core.cache import caches
from django.utils import timezone

from gongkai import access
from gongkai.applications.todos import todos as application_todos
from gongkai.audit import log as audit_log
from gongkai.disclosure.todos import todos as disclosure_todos
from gongkai.feedback.todos import todos as feedback_todos
from gongkai.lib.todos import Todo, ordered
from gongkai.obligations.status import due_soon_limit
from gongkai.obligations.todos import todos as obligation_todos
from gongkai.oversight.todos import todos as oversight_todos

PROVIDERS = [disclosure_todos, application_todos, feedback_todos, obligation_todos, oversight_todos]
TTL = 60


def todos_for(user, on: date | None = None) -> list[Todo]:
    """Everything waiting for the user: their decisions, then overdue, due soon, the rest."""
    on = on or timezone.localdate()
    rows: list[Todo] = []
    for provider in PROVIDERS:
        rows.extend(provider(user, on))
    return ordered(rows, on, due_soon_limit(on))


def _state(request, on: date) -> str:
    """What names the user's to-dos (issue 17.1). Every change that moves a to-do is an action, and
    every action appends to the audit chain (audit.log.state names it) and the day turns due dates
    overdue. Read once per request: the page and its badge agree."""
    state = getattr(request, "_todo_state", None)
    if state is None:
        state = request._todo_state = f"{request.user.pk}:{on.isoformat()}:{audit_log.state()}"
    return state


def kept(request, on: date, name: str, build):
    """`build()` once per to-do state (a minute at most, like the badge, for anything that changes
    otherwise): the list, its count, the page's rendered body."""
    key = f"{name}:{_state(request, on)}"
    value = caches["pages"].get(key)
    if value is None:
        value = build()
        caches["pages"].set(key, value, TTL)
    return value


def todos_now(request, on: date) -> list[Todo]:
    """`todos_for`, kept while nothing changed: a workbench read costs no query."""
    return kept(request, on, "todos", lambda: todos_for(request.user, on))


def todo_count(request) -> int:
    """The header badge: the workbench's own count, so both change together after an action."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not access.is_staff(user):
        return 0
    on = timezone.localdate()
    return kept(request, on, "todo-count", lambda: len(todos_now(request, on)))


def todo_count_context(request):
    """Context processor: the workbench badge beside the user's name on every page."""
    return {"todo_count": todo_count(request)}
