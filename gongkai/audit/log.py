"""Write audit entries: in the caller's transaction, after the change they record."""

from contextlib import contextmanager
from contextvars import ContextVar

from django.db import transaction
from django.utils import timezone

from gongkai.lib import generations, netaddr

from .models import AuditEntry, ChainHead

# The client address of the current request, set by the middleware below.
_address: ContextVar[str] = ContextVar("gongkai_audit_address", default="")

# Denials noted during the current request, written after the response (see record_denial).
_denials: ContextVar[list | None] = ContextVar("gongkai_audit_denials", default=None)

# Keys never written into an entry, whatever a caller passes.
_SECRET_KEYS = {"password", "token", "secret", "phone", "id_number", "contact", "email"}


def client_address(request) -> str:
    return netaddr.client_address(request)


class AuditContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _address.set(client_address(request))
        try:
            with collect_denials():
                response = self.get_response(request)
                export = getattr(response, "gongkai_export", None)
                if export is not None and response.status_code == 200:
                    record_export(request, export)
                return response
        finally:
            _address.reset(token)


def record_export(request, export: dict) -> None:
    """A table taken away (CSV/XLSX): who, which page with which filters, how many rows. It belongs to
    the organisation named in the filters, else to the user's organisations."""
    from django.apps import apps

    Organisation = apps.get_model("orgs", "Organisation")  # by label: audit sits below orgs
    user = getattr(request, "user", None)
    code = request.GET.get("org", "")
    org_path = Organisation.objects.filter(code=code).values_list("path", flat=True).first() if code else None
    record(
        action="export.download",
        actor=user,
        org_path=org_path or user_org_path(user if user is not None and user.is_authenticated else None),
        data={**export, "path": request.path, "query": request.GET.urlencode()[:300]},
    )


def _scrub(data: dict) -> dict:
    clean = {}
    for key, value in (data or {}).items():
        if key.lower() in _SECRET_KEYS:
            continue
        if isinstance(value, str):
            value = value.replace("\r", " ").replace("\n", " ")[:500]
        clean[key] = value
    return clean


def user_org_path(user) -> str:
    """Where entries about a person belong: the deepest organisation above all of theirs, so the
    auditors of their organisations see their logins and failures."""
    from os.path import commonprefix

    from django.apps import apps

    # By label: audit sits below orgs and imports no app.
    Membership, Organisation = apps.get_model("orgs", "Membership"), apps.get_model("orgs", "Organisation")

    if user is None or not getattr(user, "pk", None):
        return ""
    paths = set(Membership.objects.filter(user_id=user.pk).values_list("org__path", flat=True))
    if not paths:
        return ""
    common = commonprefix(sorted(paths))
    return common[: len(common) - len(common) % Organisation.steplen]


def _org_path_of(obj) -> str:
    from django.contrib.auth.base_user import AbstractBaseUser

    if obj is None:
        return ""
    # An organisation itself (by label: audit sits below orgs and imports no app).
    if obj._meta.label_lower == "orgs.organisation":
        return obj.path
    if isinstance(obj, AbstractBaseUser):
        return user_org_path(obj)
    return getattr(obj, "org_path", "") or getattr(getattr(obj, "org", None), "path", "")


def record(
    *, action: str, obj=None, actor=None, data=None, result: str = "ok", org_path: str = ""
) -> AuditEntry:
    """Append one entry to the chain; must run inside the transaction of the change it records."""
    with transaction.atomic():
        ChainHead.objects.get_or_create(pk=1)
        head = ChainHead.objects.select_for_update().get(pk=1)
        entry = AuditEntry(
            sequence=head.sequence + 1,
            at=timezone.localtime(timezone.now()),
            actor=actor if actor is not None and actor.is_authenticated else None,
            actor_name=(actor.get_username() if actor is not None and actor.is_authenticated else "")[:150],
            address=_address.get(),
            action=action[:60],
            object_type=obj._meta.label_lower if obj is not None else "",
            object_id=str(obj.pk) if obj is not None else "",
            org_path=org_path or _org_path_of(obj),
            result=result[:20],
            data=_scrub(data),
            prev_hash=head.hash,
        )
        entry.hash = entry.compute_hash()
        entry.save()
        head.sequence, head.hash = entry.sequence, entry.hash
        head.save(update_fields=["sequence", "hash"])
        generations.renew(STATE_KEY)
    return entry


STATE_KEY = "audit:state"


def state() -> str:
    """A name for the state of everything actions change, read from the shared cache (no query): every
    action appends to the chain in its transaction, and each append starts a new name, at once and
    again at commit (a reader between the two cannot keep what it read before the commit)."""
    return generations.current(STATE_KEY)


def record_denial(*, action: str, obj=None, actor=None) -> None:
    """An access denial. The refused action rolls back its transaction, so the entry cannot be written
    inside it: in a request (or any `collect_denials()` block) it is written when the block ends, in a
    transaction of its own; outside any transaction it is written at once."""
    pending = _denials.get()
    if pending is not None:
        pending.append({"action": action, "obj": obj, "actor": actor})
    elif not transaction.get_connection().in_atomic_block:
        record(action=action, obj=obj, actor=actor, result="denied")


@contextmanager
def collect_denials():
    token = _denials.set([])
    try:
        yield
    finally:
        pending = _denials.get() or []
        _denials.reset(token)
        seen = set()
        for denial in pending:  # one entry per refusal, however many lookups a page made
            obj = denial["obj"]
            key = (
                denial["action"],
                obj._meta.label_lower if obj is not None else "",
                getattr(obj, "pk", None),
            )
            if key not in seen:
                seen.add(key)
                record(**denial, result="denied")
