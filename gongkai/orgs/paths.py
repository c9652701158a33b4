"""R1: where an organisation sits in the tree, and keeping every copy of its path in step.

Many tables copy `Organisation.path` into an `org_path` column so access filters and rollups need no
join. Paths are therefore handed out here, never reused (a moved branch's old path stays dead), and a
move rewrites every copy in the moving transaction. The audit chain cannot be rewritten: its entries
keep the path of their time and `PathChange` maps them (see access.audit_paths)."""

from __future__ import annotations

from django.apps import apps
from django.core.cache import cache
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Length, Substr
from django.utils import timezone

from .models import PATH_CHANGES_KEY, Organisation, PathChange

STEP = Organisation.steplen

# Rows whose org_path is history itself: never rewritten (hash-chained, append-only).
FROZEN = {"audit.auditentry"}


def _last_step(paths) -> int:
    return max((Organisation._str2int(p[-STEP:]) for p in paths), default=0)


def next_child_path(parent: Organisation | None) -> str:
    """The path for a new last child of `parent` (a new root for None), past every live and dead one."""
    base = parent.path if parent is not None else ""
    length = len(base) + STEP
    live = Organisation.objects.filter(path__startswith=base, depth=length // STEP).values_list(
        "path", flat=True
    )
    dead = {
        p[:length]
        for p in PathChange.objects.filter(old_path__startswith=base).values_list("old_path", flat=True)
        if len(p) >= length
    }
    step = max(_last_step(live), _last_step(dead)) + 1
    key = Organisation._int2str(step)
    if len(key) > STEP:
        raise OverflowError("no path left under this organisation")
    return base + Organisation.alphabet[0] * (STEP - len(key)) + key


def add_org(parent: Organisation | None, **fields) -> Organisation:
    """Create an organisation as the last child of `parent` (which the caller has locked)."""
    path = next_child_path(parent)
    org = Organisation.objects.create(path=path, depth=len(path) // STEP, numchild=0, **fields)
    if parent is not None:
        Organisation.objects.filter(pk=parent.pk).update(numchild=F("numchild") + 1)
    return org


def _prefix_swap(field: str, old: str, new: str):
    return Concat(Value(new), Substr(field, len(old) + 1))


def denormalised_path_fields() -> list[tuple[type, str]]:
    """(model, field) for every column that copies an organisation path, except frozen history."""
    found = []
    for model in apps.get_models():
        if model._meta.label_lower in FROZEN or model is Organisation:
            continue
        for name in ("org_path",):
            try:
                field = model._meta.get_field(name)
            except Exception:  # noqa: BLE001 — the model has no such column
                continue
            if getattr(field, "concrete", False):
                found.append((model, name))
    return found


def move_branch(org: Organisation, new_parent: Organisation) -> str:
    """Move `org` and its descendants under `new_parent` as its last child and rewrite every copy of
    their paths. Run inside the caller's transaction with both rows locked. Returns the new path."""
    old = org.path
    new = next_child_path(new_parent)
    old_parent_path = old[:-STEP]
    # depth first: MySQL would read the already-updated path (treebeard does the same).
    Organisation.objects.filter(path__startswith=old).update(
        depth=Length(_prefix_swap("path", old, new)) / STEP, path=_prefix_swap("path", old, new)
    )
    if old_parent_path:
        Organisation.objects.filter(path=old_parent_path).update(numchild=F("numchild") - 1)
    Organisation.objects.filter(pk=new_parent.pk).update(numchild=F("numchild") + 1)
    for model, field in denormalised_path_fields():
        model._base_manager.filter(**{f"{field}__startswith": old}).update(
            **{field: _prefix_swap(field, old, new)}
        )
    PathChange.objects.create(org=org, old_path=old, new_path=new, at=timezone.now())
    cache.delete(PATH_CHANGES_KEY)
    transaction.on_commit(lambda: cache.delete(PATH_CHANGES_KEY))
    org.refresh_from_db(fields=["path", "depth", "numchild"])
    return new
