from .todos import todo_count as _count


def todo_count(request):
    """The workbench badge beside the user's name on every page (cached per user for 60 s)."""
    return {"todo_count": _count(getattr(request, "user", None))}
