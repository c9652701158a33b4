"""SECURITY 1 / issue 13: every URL pattern and API operation × every demo role and anonymous × an
object of the user's own organisation, a child's, a sibling's and a hidden one, answered as R2/R9/R20
say. A URL pattern without an entry in MATRIX fails `test_every_url_pattern_is_in_the_matrix`.

The world (built once, in one test): 市委 (catalogue owner) → 街道党工委 (reviewer, office, auditor,
supervisor role) → own branch A (member, clerk, secretary; the supervisor is assigned to A) → child A1;
sibling branch B; hidden branch H (not public). Each of A, A1, B and H holds a draft, a published public
item with an attachment, a published members-only item, an application, a feedback case, an inspection
with a rectification finding. Writes (POST) run inside a transaction that is rolled back."""

import base64
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from gongkai.accounts.models import ApiToken
from gongkai.applications import actions as application_actions
from gongkai.archive.models import Snapshot
from gongkai.catalogue import actions as catalogue_actions
from gongkai.catalogue.models import Catalogue, Scope
from gongkai.conftest import UserFactory, grant, make_org
from gongkai.disclosure import actions as item_actions
from gongkai.disclosure.models import Withholding
from gongkai.disclosure.tests.factories import PNG, catalogue_item_for, make_catalogue, make_item, staff
from gongkai.feedback import actions as feedback_actions
from gongkai.feedback.models import Channel
from gongkai.notifications.actions import notify
from gongkai.obligations.models import CalendarOverride
from gongkai.orgs import importing
from gongkai.orgs.models import Level, Membership, Role, SectorType
from gongkai.oversight import actions as oversight_actions
from gongkai.oversight.mobilisation import record_mobilisation

RELATIONS = ("own", "child", "sibling", "hidden")
ROLES = (
    "anonymous",
    "member",
    "clerk",
    "secretary",
    "reviewer",
    "catalogue_owner",
    "supervisor",
    "inspector",
    "auditor",
    "admin",
)
OK, LOGIN, GONE, UNAUTH, NOT_ALLOWED, DONE = 200, "login", 404, 401, 405, "done"
ADMIN_LOGIN = "admin login"  # the Django admin's own sign-in page, where it sends everyone but the superuser
SEEN = "seen"  # the object is reachable: any answer but a server error or 401

# ---- R2/R20 reach, by role and by the object's organisation ------------------------------------

BRANCH = {"own", "child"}  # roles held at branch A reach A and its child
STREET = set(RELATIONS)  # roles held at the street committee reach all four
# For them A, A1 and B are alike (all below their committee): asked about A and the hidden H only.
RELATIONS_OF = {"reviewer": ("own", "hidden"), "inspector": ("own", "hidden"), "auditor": ("own", "hidden")}
CASES = {"clerk": BRANCH, "secretary": BRANCH, "reviewer": STREET, "inspector": STREET, "auditor": STREET}
HANDLE = {"clerk": BRANCH, "secretary": BRANCH}
SUPERVISE = {"supervisor": BRANCH}  # the supervisor is assigned to A (its subtree)
OVERSEE = {"clerk": BRANCH, "secretary": BRANCH, "inspector": STREET, "auditor": STREET, **SUPERVISE}
INSPECT = {"inspector": STREET}
REVIEW = {"reviewer": STREET}
APPROVE = {"secretary": BRANCH}
# visible_orgs: public ones, plus own, inherited roles' subtrees (catalogue owner too) and assignments
SEE_HIDDEN = {"reviewer", "inspector", "auditor", "catalogue_owner"}


def _in(table, role, rel) -> bool:
    return rel in table.get(role, ())


def org_visible(role, rel) -> bool:
    return rel != "hidden" or role in SEE_HIDDEN


def reads_public_item(role, rel) -> bool:
    """R9 public scope (after its inside-first days), of a listed organisation (leak 2)."""
    return rel != "hidden" or _in(CASES, role, rel)


def reads_members_item(role, rel) -> bool:
    """本组织党员: the organisation's members; staff reading its cases; its supervisor (R20)."""
    return (role == "member" and rel == "own") or _in(CASES, role, rel) or _in(SUPERVISE, role, rel)


def page(login=True, api=False, **by_role) -> Callable:
    """A page with no object: `by_role` overrides the default (404 for logged-in users)."""

    def expect(role, rel):
        if role in by_role:
            return by_role[role]
        if role == "anonymous" and login:
            return UNAUTH if api else LOGIN
        return by_role.get("default", GONE)

    return expect


def everyone(status=OK):
    return lambda role, rel: status


def obj(allowed: Callable[[str, str], bool], *, login=True, api=False, yes=OK) -> Callable:
    """An object page: `yes` when allowed(role, relation), else 404; anonymous to login (or 401)."""

    def expect(role, rel):
        if role == "anonymous" and login:
            return UNAUTH if api else LOGIN
        return yes if allowed(role, rel) else GONE

    return expect


def post(allowed: Callable[[str, str], bool] | None = None) -> Callable:
    """A POST-only write: 404 for whoever may not act on the object, done (not 404, no 5xx) for those
    who may (the write is rolled back), anonymous to login."""
    return obj(allowed or (lambda r, x: False), yes=DONE)


def roles(table):
    return lambda role, rel: _in(table, role, rel)


def any_of(*tables):
    return lambda role, rel: any(_in(t, role, rel) for t in tables)


def holds(*names):
    return lambda role, rel: role in names


CASE_READERS = set(CASES)
OVERSIGHT_READERS = set(OVERSEE)
STAFF = CASE_READERS | {"supervisor", "catalogue_owner"}


def staff_page(readers, **extra):
    return page(**{r: OK for r in readers}, **extra)


@dataclass
class Case:
    """One row of the matrix: how to request the pattern (per relation) and what each role gets."""

    method: str
    url: Callable  # (world, rel) -> url
    expect: Callable  # (role, rel) -> status
    per_object: bool = True
    # a well-formed body (or `(world, rel) -> body`), so access, not the schema, answers; pages post it as a form
    body: dict | Callable | None = None
    only: tuple[str, ...] = ROLES  # the same document for everyone: asked by fewer roles (speed)


def on(rel_attr: str, url: str, expect, method="GET", body=None) -> Case:
    """A URL template filled with the object `rel_attr` of the relation's organisation."""
    return Case(method, lambda w, rel: url.format(o=w.objects[rel], w=w), expect, body=body)


def fixed(url: str, expect, method="GET", body=None) -> Case:
    return Case(method, lambda w, rel: url.format(w=w), expect, per_object=False, body=body)


def api_write(allowed: Callable[[str, str], bool]) -> Callable:
    """An API write on an item: 401 without a token, 404 when the item is not visible, 403 when it is
    visible but the action is not the user's, done when it is (the action may still refuse its state)."""

    def expect(role, rel):
        if role == "anonymous":
            return UNAUTH
        if not _in(CASES, role, rel):
            return GONE
        return DONE if allowed(role, rel) else 403

    return expect


# Issue 14: who sets an office up. Managers (secretary, the office) reach their organisation's subtree,
# the superuser everything; the catalogue is its owner's.
MANAGE = {"secretary": BRANCH, "inspector": STREET, "admin": STREET}
MANAGERS = set(MANAGE)
ITEM_IMPORTERS = {"clerk", "secretary", "admin"}
CATALOGUE_EDITORS = {"catalogue_owner", "admin"}


def api_manage(parent=False) -> Callable:
    """A set-up API write on an organisation: 404 unless the user manages it; with `parent`, the action
    also needs its parent's manager, so A's own secretary is refused (403) for A itself."""

    def expect(role, rel):
        if role == "anonymous":
            return UNAUTH
        if not _in(MANAGE, role, rel):
            return GONE
        return 403 if parent and role == "secretary" and rel == "own" else DONE

    return expect


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
MEMBERS_CSV = "组织代码,党员编号,姓名\nMA,X1,新党员\n".encode()


# Keyed by (URL name, method); API operations by (path pattern, method) since their names repeat.
MATRIX: dict[tuple[str, str], Case] = {
    # accounts and the public site
    ("accounts:login", "GET"): fixed("/accounts/login/", page(login=False, anonymous=OK, default=302)),
    ("accounts:logout", "GET"): fixed("/accounts/logout/", everyone(NOT_ALLOWED)),
    # Each user's own API tokens; revoking is a POST on one of their own tokens only.
    ("accounts:tokens", "GET"): fixed("/accounts/tokens/", page(default=OK)),
    ("accounts:revoke_token", "GET"): fixed("/accounts/tokens/1/revoke/", page(default=NOT_ALLOWED)),
    # One's own account: every signed-in user; verified sessions are sent on from the second-factor step.
    ("accounts:security", "GET"): fixed("/accounts/security/", page(default=OK)),
    ("accounts:password_change", "GET"): fixed("/accounts/password/", page(default=OK)),
    ("accounts:second_factor", "GET"): fixed("/accounts/second-factor/", page(default=302)),
    ("accounts:enrol", "GET"): fixed("/accounts/second-factor/enrol/", page(default=OK)),
    ("portal:home", "GET"): fixed("/", everyone()),
    ("portal:guide", "GET"): fixed("/guide/", everyone()),
    ("portal:orgs", "GET"): fixed("/orgs/", everyone()),
    ("portal:leading_group", "GET"): fixed("/leading-group/", everyone()),
    ("portal:set_lang", "GET"): fixed("/lang/zh-hans/", everyone(302)),
    ("portal:org", "GET"): on("org", "/orgs/{o.org.code}/", obj(org_visible, login=False)),
    ("disclosure:board", "GET"): on("org", "/orgs/{o.org.code}/board/", obj(org_visible, login=False)),
    ("boards:print", "GET"): on("org", "/orgs/{o.org.code}/board/print/", obj(org_visible, login=False)),
    ("catalogue:index", "GET"): fixed("/catalogue/", everyone()),
    ("catalogue:org", "GET"): on("org", "/catalogue/{o.org.code}/", obj(org_visible, login=False)),
    ("disclosure:detail", "GET"): on("public", "/items/{o.public.pk}/", obj(reads_public_item, login=False)),
    # the same pattern on a members-only (本组织党员) item: R9 audience, case readers, the supervisor
    ("disclosure:detail", "GET members-only"): on(
        "members_item", "/items/{o.members_item.pk}/", obj(reads_members_item, login=False)
    ),
    ("disclosure:detail", "GET draft"): on("draft", "/items/{o.draft.pk}/", obj(roles(CASES), login=False)),
    ("disclosure:download", "GET"): on(
        "public", "/items/{o.public.pk}/files/{o.attachment.pk}/", obj(reads_public_item, login=False)
    ),
    ("disclosure:member", "GET"): fixed("/member/", page(default=OK)),
    ("search:search", "GET"): fixed("/search/?q=党费", everyone()),
    ("feedback:index", "GET"): fixed("/feedback/", everyone()),
    ("feedback:new", "GET"): fixed("/feedback/new/", everyone()),
    ("feedback:track", "GET"): fixed("/feedback/track/", everyone()),
    ("feedback:replies", "GET"): fixed("/feedback/replies/", everyone()),
    # one published reply: the matrix's case is unpublished, so it reads as missing for everyone
    ("feedback:public_reply", "GET"): on("case", "/feedback/replies/{o.case.pk}/", everyone(GONE)),
    ("applications:guide", "GET"): fixed("/apply/", everyone()),
    ("applications:new", "GET"): fixed("/apply/new/", page(default=OK)),
    ("applications:mine", "GET"): fixed("/apply/mine/", page(default=OK)),
    ("notifications:inbox", "GET"): fixed("/notifications/", page(default=OK)),
    ("notifications:read_all", "POST"): fixed("/notifications/read-all/", page(default=302), "POST"),
    # another user's notification is never opened
    ("notifications:open", "POST"): fixed("/notifications/{w.notification.pk}/open/", page(), "POST"),
    ("audit:heads", "GET"): fixed("/audit/heads/", everyone()),
    ("audit:log", "GET"): fixed("/audit/", staff_page({"inspector", "auditor"}, login=False)),
    ("oversight:campaigns", "GET"): fixed("/oversight/evaluation/", everyone()),
    ("oversight:campaign", "GET"): fixed("/oversight/evaluation/{w.campaign.pk}/", everyone()),
    # the workbench and staff lists: staff of some organisation (their lists hold only what they reach)
    ("workbench:home", "GET"): fixed("/work/", staff_page(STAFF)),
    ("disclosure:work_list", "GET"): fixed("/work/items/", page(default=OK)),
    ("disclosure:new_item", "GET"): fixed("/work/items/new/", page(default=302)),
    ("disclosure:requests", "GET"): fixed("/work/requests/", page(default=OK)),
    ("disclosure:new_withholding", "GET"): on(
        "org", "/work/withholdings/new/?org={o.org.code}", obj(roles(HANDLE))
    ),
    ("disclosure:new_work_plan", "GET"): on("org", "/work/plans/new/?org={o.org.code}", obj(roles(HANDLE))),
    ("disclosure:work_item", "GET"): on("draft", "/work/items/{o.draft.pk}/", obj(roles(CASES))),
    ("disclosure:item_edit", "POST"): on(
        "draft", "/work/items/{o.draft.pk}/edit/", obj(roles(CASES), yes=SEEN), "POST"
    ),
    # the item workflow's steps: nobody outside the item's case readers learns it exists; inside, the
    # step's own rule answers (done, refused or not this user's step), never a server error
    **{
        (f"disclosure:{name}", "POST"): on(
            "draft", f"/work/items/{{o.draft.pk}}/{step}/", obj(roles(CASES), yes=SEEN), "POST"
        )
        for name, step in (
            ("item_attach", "attach"),
            ("item_detach", "detach"),
            ("item_keep_inside", "keep-inside"),
            ("item_share", "share"),
            ("item_mask", "mask"),
            ("item_acknowledge", "acknowledge"),
            ("item_submit", "submit"),
            ("item_review", "review"),
            ("item_approve", "approve"),
            ("item_publish", "publish"),
            ("item_send_back", "send-back"),
            ("item_request_change", "request-change"),
            ("delete_draft", "delete"),
            ("item_import_body", "import-body"),
        )
    },
    # Issue 16: deleting a draft asks first: the confirmation page deletes nothing (the author sees it,
    # other case readers are sent back to the item with a message)
    ("disclosure:delete_draft", "GET"): on(
        "draft", "/work/items/{o.draft.pk}/delete/", obj(roles(CASES), yes=SEEN)
    ),
    ("disclosure:decide_request", "POST"): on(
        "withholding",
        "/work/requests/withholding/{o.withholding.pk}/reject/",
        # R12: the upper organisation decides: the street's office for A and B, A's secretary for A1
        post(lambda role, rel: role == "inspector" or (role == "secretary" and rel == "child")),
        "POST",
    ),
    ("obligations:list", "GET"): on(
        "org", "/work/obligations/?org={o.org.code}", obj(any_of(CASES, SUPERVISE))
    ),
    ("obligations:compliance", "GET"): fixed("/work/obligations/compliance/", staff_page(STAFF)),
    ("obligations:register_event", "GET"): fixed("/work/obligations/events/new/", staff_page(set(HANDLE))),
    # R15: the national calendar: superusers and the office of a root organisation only
    ("obligations:calendar", "GET"): fixed("/work/obligations/calendar/", page(admin=OK)),
    ("obligations:delete_override", "POST"): fixed(
        "/work/obligations/calendar/{w.override.pk}/delete/", page(admin=302), "POST"
    ),
    ("applications:work", "GET"): fixed("/work/applications/", staff_page(CASE_READERS)),
    ("applications:download", "GET"): on(
        "application", "/apply/{o.application.pk}/files/0/", obj(lambda role, rel: False)
    ),  # no such file: the route answers 404 like a forbidden one
    # old links of staff pages, moved under /work/
    ("apply/stats/", "GET"): fixed("/apply/stats/", everyone(302)),
    ("apply/work/", "GET"): fixed("/apply/work/", everyone(302)),
    ("feedback/work/", "GET"): fixed("/feedback/work/", everyone(302)),
    ("feedback/work/<id:pk>/", "GET"): on("case", "/feedback/work/{o.case.pk}/", everyone(302)),
    ("reports:stats", "GET"): fixed("/work/reports/stats/", staff_page(CASE_READERS)),
    ("applications:detail", "GET"): on("application", "/apply/{o.application.pk}/", obj(roles(CASES))),
    ("applications:extend", "POST"): on(
        "application", "/work/applications/{o.application.pk}/extend/", post(roles(HANDLE)), "POST"
    ),
    ("applications:pause", "POST"): on(
        "application", "/work/applications/{o.application.pk}/pause/", post(roles(HANDLE)), "POST"
    ),
    ("applications:resume", "POST"): on(
        "application", "/work/applications/{o.application.pk}/resume/", post(roles(HANDLE)), "POST"
    ),
    # Only the applicant (not a matrix role) supplies the 补正 (R16); staff who may read the case
    # are refused with a message, everyone else gets 404.
    ("applications:supplement", "POST"): on(
        "application", "/apply/{o.application.pk}/supplement/", post(roles(CASES)), "POST"
    ),
    ("applications:answer", "POST"): on(
        "application", "/work/applications/{o.application.pk}/answer/", post(roles(HANDLE)), "POST"
    ),
    ("feedback:work", "GET"): fixed("/work/feedback/", staff_page(CASE_READERS)),
    ("feedback:record", "GET"): fixed("/work/feedback/record/", staff_page(set(HANDLE))),
    ("feedback:case", "GET"): on("case", "/work/feedback/{o.case.pk}/", obj(roles(CASES))),
    ("feedback:note", "POST"): on("case", "/work/feedback/{o.case.pk}/note/", post(roles(HANDLE)), "POST"),
    ("feedback:reply", "POST"): on("case", "/work/feedback/{o.case.pk}/reply/", post(roles(HANDLE)), "POST"),
    ("feedback:publish", "POST"): on(
        "case", "/work/feedback/{o.case.pk}/publish/", post(roles(HANDLE)), "POST"
    ),
    ("feedback:unpublish", "POST"): on(
        "case", "/work/feedback/{o.case.pk}/unpublish/", post(roles(HANDLE)), "POST"
    ),
    ("feedback:route", "POST"): on("case", "/work/feedback/{o.case.pk}/route/", post(roles(HANDLE)), "POST"),
    ("oversight:home", "GET"): fixed("/oversight/", staff_page(OVERSIGHT_READERS)),
    ("oversight:mine", "GET"): fixed("/oversight/mine/", staff_page({"supervisor"})),
    ("oversight:plan", "GET"): fixed("/oversight/plan/", staff_page({"inspector"})),
    ("oversight:assignments", "GET"): fixed(
        "/oversight/assignments/", staff_page({"inspector", "auditor", "secretary", "supervisor", "clerk"})
    ),
    ("oversight:unassign", "POST"): fixed(
        "/oversight/assignments/{w.assignment.pk}/delete/", page(inspector=302), "POST"
    ),
    ("oversight:commitments", "GET"): fixed("/oversight/commitments/", staff_page(set(HANDLE))),
    # Issue 16: a commitment's versions are read by its organisation's case readers only (members and
    # the public read the published one on the board); each step's own rule answers inside.
    ("oversight:commitment", "GET"): on(
        "commitment", "/oversight/commitments/{o.commitment.pk}/", obj(roles(CASES))
    ),
    **{
        (f"oversight:commitment_{name}", "POST"): on(
            "commitment",
            f"/oversight/commitments/{{o.commitment.pk}}/{step}/",
            obj(roles(CASES), yes=SEEN),
            "POST",
        )
        for name, step in (
            ("submit", "submit"),
            ("review", "review"),
            ("approve", "approve"),
            ("send_back", "send-back"),
        )
    },  # fmt: skip
    ("oversight:inspections", "GET"): fixed("/oversight/inspections/", staff_page(OVERSIGHT_READERS)),
    ("oversight:inspection", "GET"): on(
        "inspection", "/oversight/inspections/{o.inspection.pk}/", obj(roles(OVERSEE))
    ),
    ("oversight:add_finding", "POST"): on(
        "inspection", "/oversight/inspections/{o.inspection.pk}/findings/", post(roles(INSPECT)), "POST"
    ),
    ("oversight:respond", "POST"): on(
        "finding", "/oversight/findings/{o.finding.pk}/respond/", post(roles(HANDLE)), "POST"
    ),
    ("oversight:verify", "POST"): on(
        "finding", "/oversight/findings/{o.finding.pk}/verify/", post(roles(INSPECT)), "POST"
    ),
    ("archive:browse", "GET"): fixed("/archive/", staff_page(CASE_READERS, login=False)),
    ("archive:detail", "GET"): on("snapshot", "/archive/{o.snapshot.code}/", obj(roles(CASES), login=False)),
    ("archive:download", "GET"): on(
        "snapshot",
        "/archive/{o.snapshot.code}/files/{o.snapshot_file.pk}/",
        obj(roles(CASES), login=False),
    ),
    # ---- API (bearer tokens; without one a request reads as the public) ----
    ("api/v1/openapi.json", "GET"): Case(
        "GET",
        lambda w, rel: "/api/v1/openapi.json",
        everyone(),
        per_object=False,
        only=("anonymous", "clerk"),
    ),
    ("api/v1/docs", "GET"): Case(
        "GET", lambda w, rel: "/api/v1/docs", everyone(), per_object=False, only=("anonymous", "clerk")
    ),
    ("api/v1/", "GET"): fixed("/api/v1/", everyone(GONE)),
    ("api/v1/orgs", "GET"): fixed("/api/v1/orgs", everyone()),
    ("api/v1/orgs/<code>", "GET"): on("org", "/api/v1/orgs/{o.org.code}", obj(org_visible, login=False)),
    ("api/v1/catalogue", "GET"): fixed("/api/v1/catalogue", everyone()),
    ("api/v1/catalogue/<org_code>", "GET"): on(
        "org", "/api/v1/catalogue/{o.org.code}", obj(org_visible, login=False)
    ),
    ("api/v1/items", "GET"): fixed("/api/v1/items", everyone()),
    ("api/v1/items", "POST"): fixed(
        "/api/v1/items",
        page(api=True, default=403),  # an organisation the user sees but may not prepare for
        "POST",
        body={"org": "MB", "title": "新事项", "body": "正文。"},
    ),
    ("api/v1/items/<id:item_id>", "GET"): on(
        "draft", "/api/v1/items/{o.draft.pk}", obj(roles(CASES), login=False)
    ),
    ("api/v1/items/<id:item_id>", "PATCH"): on(
        "draft", "/api/v1/items/{o.draft.pk}", api_write(roles(HANDLE)), "PATCH", body={"title": "改"}
    ),
    ("api/v1/items/<id:item_id>/submit", "POST"): on(
        "draft", "/api/v1/items/{o.draft.pk}/submit", api_write(roles(HANDLE)), "POST"
    ),
    ("api/v1/items/<id:item_id>/review", "POST"): on(
        "draft", "/api/v1/items/{o.draft.pk}/review", api_write(roles(REVIEW)), "POST"
    ),
    ("api/v1/items/<id:item_id>/approve", "POST"): on(
        "draft", "/api/v1/items/{o.draft.pk}/approve", api_write(roles(APPROVE)), "POST"
    ),
    ("api/v1/items/<id:item_id>/publish", "POST"): on(
        "draft", "/api/v1/items/{o.draft.pk}/publish", api_write(roles(HANDLE)), "POST"
    ),
    # a draft is sent back by nobody (R7: only submitted or reviewed items)
    ("api/v1/items/<id:item_id>/send-back", "POST"): on(
        "draft",
        "/api/v1/items/{o.draft.pk}/send-back",
        api_write(lambda role, rel: False),
        "POST",
        body={"reason": "请修改。"},
    ),
    **{
        (f"api/v1/items/<id:item_id>/findings/<id:finding_id>/{step}", "POST"): on(
            "draft",
            f"/api/v1/items/{{o.draft.pk}}/findings/0/{step}",
            page(api=True),  # no such finding
            "POST",
            body={"reason": "已核实。"},
        )
        for step in ("mask", "acknowledge")
    },
    # lists: empty for those who reach no obligations
    ("api/v1/obligations", "GET"): fixed("/api/v1/obligations", everyone()),
    ("api/v1/obligations/compliance", "GET"): fixed("/api/v1/obligations/compliance", everyone()),
    ("api/v1/applications", "GET"): fixed("/api/v1/applications", page(api=True, default=OK)),
    ("api/v1/applications", "POST"): fixed(
        "/api/v1/applications",
        # R16: members, to their organisation or above; others are refused (400 until NotAllowed is 403)
        page(api=True, default=(400, 403), member=DONE),
        "POST",
        body={"org": "MA", "title": "申请", "description": "请公开。"},
    ),
    ("api/v1/applications/stats", "GET"): on(
        "org", "/api/v1/applications/stats?org={o.org.code}", obj(roles(CASES), api=True)
    ),
    ("api/v1/applications/<id:pk>", "GET"): on(
        "application", "/api/v1/applications/{o.application.pk}", obj(roles(CASES), api=True)
    ),
    ("api/v1/feedback", "POST"): fixed(
        "/api/v1/feedback",
        everyone(DONE),  # R18: the online form needs no login
        "POST",
        body={"org": "MA", "subject": "建议", "content": "请多公开。", "kind": "suggestion"},
    ),
    ("api/v1/feedback/track/<code>", "GET"): fixed("/api/v1/feedback/track/NOSUCHCODE", everyone(GONE)),
    ("api/v1/feedback/replies", "GET"): fixed("/api/v1/feedback/replies", everyone()),
    ("api/v1/feedback/stats", "GET"): on(
        "org", "/api/v1/feedback/stats?org={o.org.code}", obj(roles(CASES), api=True)
    ),
    ("api/v1/oversight/dashboard", "GET"): fixed(
        "/api/v1/oversight/dashboard", staff_page(OVERSIGHT_READERS, login=False)
    ),
    ("api/v1/oversight/assignments", "GET"): fixed(
        "/api/v1/oversight/assignments",
        staff_page({"inspector", "auditor", "secretary", "supervisor", "clerk"}, login=False),
    ),
    ("api/v1/oversight/evaluations/<id:campaign_id>", "GET"): fixed(
        "/api/v1/oversight/evaluations/{w.campaign.pk}", everyone()
    ),
    ("api/v1/audit/heads", "GET"): fixed("/api/v1/audit/heads", everyone()),
    ("api/v1/search", "GET"): fixed("/api/v1/search?q=党费", everyone()),
    # ---- The year's paperwork (issue 15): public boards, and staff pages for objects outside this
    # world (annual reports, filings, summaries) asked with ids that exist nowhere: 404, never more.
    ("boards:screen", "GET"): on("org", "/orgs/{o.org.code}/board/screen/", obj(org_visible, login=False)),
    ("boards:posted", "POST"): on(
        "org",
        "/orgs/{o.org.code}/board/print/posted/",
        lambda role, rel: DONE if _in(HANDLE, role, rel) else GONE,
        "POST",
    ),
    ("boards:token_screen", "GET"): fixed("/screen/not-a-display-token-0000000000/", everyone(GONE)),
    ("boards:annual_reports", "GET"): fixed("/annual-reports/", everyone(OK)),
    ("reports:annual_list", "GET"): fixed(
        "/work/reports/annual/", staff_page({"clerk", "secretary", "reviewer", "inspector", "auditor"})
    ),
    ("reports:accountability", "GET"): fixed(
        "/work/reports/accountability/", staff_page({"inspector", "auditor"})
    ),
    ("reports:summaries", "GET"): fixed("/work/reports/summaries/", staff_page({"inspector", "auditor"})),
    ("reports:filings", "GET"): fixed(
        "/work/reports/filings/", staff_page({"clerk", "secretary", "inspector", "auditor"})
    ),
    ("reports:annual", "GET"): fixed("/work/reports/annual/999999/", obj(lambda r, x: False)),
    ("reports:annual_edit", "GET"): fixed("/work/reports/annual/999999/edit/", obj(lambda r, x: False)),
    ("reports:annual_download", "GET"): fixed(
        "/work/reports/annual/999999/report.docx", obj(lambda r, x: False)
    ),
    ("reports:annual_submit", "POST"): fixed("/work/reports/annual/999999/submit/", post(), "POST"),
    ("reports:carriers", "GET"): fixed("/work/reports/items/999999/carriers/", obj(lambda r, x: False)),
    ("reports:carrier_photo", "GET"): fixed("/work/reports/carriers/999999/photo/", everyone(GONE)),
    ("reports:comments", "GET"): fixed("/work/reports/orgs/no-such-org/comments/", obj(lambda r, x: False)),
    ("reports:screens", "GET"): fixed("/work/reports/orgs/no-such-org/screens/", obj(lambda r, x: False)),
    ("reports:screen_action", "POST"): fixed(
        "/work/reports/orgs/no-such-org/screens/999999/revoke/", post(), "POST"
    ),
    ("reports:summary", "GET"): fixed("/work/reports/summaries/999999/", obj(lambda r, x: False)),
    ("reports:summary_download", "GET"): fixed(
        "/work/reports/summaries/999999/summary.xlsx", obj(lambda r, x: False)
    ),
    ("reports:filing", "GET"): fixed("/work/reports/filings/999999/", obj(lambda r, x: False)),
    ("reports:filing_document", "GET"): fixed(
        "/work/reports/filings/999999/document.docx", obj(lambda r, x: False)
    ),
    ("reports:file_pending", "POST"): fixed("/work/reports/filings/new/change/999999/", post(), "POST"),
    # ---- Setting an office up (issue 14, R1–R3): the managers of an organisation's subtree (its secretary,
    # the office above, the superuser) reach its set-up pages and accounts; everyone else gets 404.
    ("orgs:index", "GET"): fixed("/manage/", staff_page(MANAGERS)),
    ("orgs:new_root", "GET"): fixed("/manage/new/", page(admin=OK)),  # a top-level organisation
    ("orgs:new_child", "GET"): on("org", "/manage/{o.org.code}/new/", obj(roles(MANAGE))),
    ("orgs:org", "GET"): on("org", "/manage/{o.org.code}/", obj(roles(MANAGE))),
    **{
        (f"orgs:{name}", "POST"): on("org", f"/manage/{{o.org.code}}/{step}/", post(roles(MANAGE)), "POST")
        for name, step in (
            ("edit", "edit"),
            ("move", "move"),
            ("close", "close"),
            ("person_new", "people/new"),
        )
    },
    # R3: the leading group belongs to a committee and is edited by its office; a branch has none.
    ("orgs:leading_group", "GET"): fixed("/manage/MST/leading-group/", page(inspector=OK, admin=OK)),
    ("orgs:leading_group", "GET branch"): on(
        "org", "/manage/{o.org.code}/leading-group/", obj(lambda r, x: False)
    ),
    ("orgs:person", "GET"): on("member", "/manage/people/{o.member.pk}/", obj(roles(MANAGE))),
    ("orgs:person_grant", "POST"): on(
        "member",
        "/manage/people/{o.member.pk}/grant/",
        post(roles(MANAGE)),
        "POST",
        body=lambda w, rel: {"org": w.objects[rel].org.code, "role": "committee_member"},
    ),
    ("orgs:person_revoke", "POST"): on(
        "member", "/manage/people/{o.member.pk}/revoke/{o.membership.pk}/", post(roles(MANAGE)), "POST"
    ),
    ("orgs:person_status", "POST"): on(
        "member", "/manage/people/{o.member.pk}/status/", post(roles(MANAGE)), "POST", body={"op": "link"}
    ),
    # R34: uploads of organisations and members are the managers'; past items the clerks' and secretaries'.
    # Issue 14: the site's name, host and organiser are the superuser's alone.
    ("orgs:site", "GET"): fixed("/manage/site/", page(admin=OK)),
    ("orgs:site", "POST"): fixed(
        "/manage/site/", page(admin=DONE), "POST", body={"host": "MST", "name": "矩阵网"}
    ),
    ("orgs:import", "GET"): fixed("/manage/import/", staff_page(MANAGERS | ITEM_IMPORTERS)),
    ("orgs:import_template", "GET"): fixed("/manage/import/template/members.csv", staff_page(MANAGERS)),
    ("orgs:import_template", "GET items"): fixed(
        "/manage/import/template/items.xlsx", staff_page(ITEM_IMPORTERS)
    ),
    # an upload is seen and applied only by whoever uploaded it (A's secretary)
    ("orgs:import_preview", "GET"): fixed("/manage/import/{w.batch.pk}/", page(secretary=OK)),
    ("orgs:import_apply", "POST"): fixed("/manage/import/{w.batch.pk}/apply/", page(secretary=DONE), "POST"),
    # The one-time set-up link works without a login; a wrong one says so, to everyone alike.
    ("accounts:setup", "GET"): fixed("/accounts/setup/MQ/wrong-token/", everyone()),
    ("accounts:setup_done", "GET"): fixed("/accounts/setup/done/", everyone()),
    # R4–R5: the catalogue is edited by its owner organisation's catalogue owners (and the superuser).
    ("catalogue:manage", "GET"): fixed("/catalogue/manage/", staff_page(CATALOGUE_EDITORS)),
    ("catalogue:edit_catalogue", "GET"): fixed(
        "/catalogue/manage/{w.catalogue.pk}/", staff_page(CATALOGUE_EDITORS)
    ),
    ("catalogue:edit_version", "GET"): fixed(
        "/catalogue/manage/versions/{w.draft_version.pk}/", staff_page(CATALOGUE_EDITORS)
    ),
    ("catalogue:version_action", "POST"): fixed(
        "/catalogue/manage/versions/{w.draft_version.pk}/publish/",
        page(**dict.fromkeys(CATALOGUE_EDITORS, DONE)),
        "POST",
    ),
    # R20: a branch records its 动员部署 (its clerk, its secretary); the oversight roles read it.
    ("oversight:mobilisation", "GET"): fixed("/oversight/mobilisation/", staff_page(OVERSIGHT_READERS)),
    ("oversight:mobilisation_rules", "GET"): on(
        "mobilisation", "/oversight/mobilisation/{o.mobilisation.pk}/rules/", obj(roles(OVERSEE))
    ),
    # ---- The set-up API (issue 14): the same reach, token-scoped; writes need a token (401); a
    # visible organisation the action refuses (closing or moving it needs its parent's manager) is 403.
    ("api/v1/setup/orgs", "GET"): fixed("/api/v1/setup/orgs", page(api=True, default=OK)),
    ("api/v1/setup/orgs", "POST"): on(
        "org",
        "/api/v1/setup/orgs",
        obj(roles(MANAGE), api=True, yes=DONE),
        "POST",
        body=lambda w, rel: {
            "code": "MNEW",
            "name": "新支部",
            "level": "branch",
            "sector_type": "community",
            "parent_code": w.objects[rel].org.code,
        },  # fmt: skip
    ),
    ("api/v1/setup/orgs/<code>", "PUT"): on(
        "org",
        "/api/v1/setup/orgs/{o.org.code}",
        obj(roles(MANAGE), api=True, yes=DONE),
        "PUT",
        body={"name": "改名支部", "level": "branch", "sector_type": "community"},
    ),
    ("api/v1/setup/orgs/<code>/close", "POST"): on(
        "org",
        "/api/v1/setup/orgs/{o.org.code}/close",
        api_manage(parent=True),
        "POST",
        body={"reason": "撤并"},
    ),
    ("api/v1/setup/orgs/<code>/move", "POST"): on(
        "org",
        "/api/v1/setup/orgs/{o.org.code}/move",
        api_manage(parent=True),
        "POST",
        body={"parent_code": "MA"},
    ),
    ("api/v1/setup/orgs/<code>/people", "GET"): on(
        "org", "/api/v1/setup/orgs/{o.org.code}/people", obj(roles(MANAGE), api=True)
    ),
    ("api/v1/setup/orgs/<code>/people", "POST"): on(
        "org",
        "/api/v1/setup/orgs/{o.org.code}/people",
        obj(roles(MANAGE), api=True, yes=DONE),
        "POST",
        body={"username": "matrix-new", "display_name": "新人"},
    ),
    ("api/v1/setup/orgs/<code>/roles", "POST"): on(
        "org",
        "/api/v1/setup/orgs/{o.org.code}/roles",
        obj(roles(MANAGE), api=True, yes=DONE),
        "POST",
        body=lambda w, rel: {"user_id": w.objects[rel].member.pk, "role": "committee_member"},
    ),
    ("api/v1/setup/orgs/<code>/roles/<membership_id>", "DELETE"): on(
        "org",
        "/api/v1/setup/orgs/{o.org.code}/roles/{o.membership.pk}",
        obj(roles(MANAGE), api=True, yes=DONE),
        "DELETE",
    ),
    ("api/v1/setup/people/<user_id>/deactivate", "POST"): on(
        "member",
        "/api/v1/setup/people/{o.member.pk}/deactivate",
        obj(roles(MANAGE), api=True, yes=DONE),
        "POST",
    ),
    ("api/v1/setup/imports/<kind>", "POST"): fixed(
        "/api/v1/setup/imports/members",
        page(api=True, **dict.fromkeys(MANAGERS, DONE)),
        "POST",
        body={"file_name": "党员.csv", "content_base64": base64.b64encode(MEMBERS_CSV).decode()},
    ),
    ("api/v1/setup/imports/batches/<batch_id>", "GET"): fixed(
        "/api/v1/setup/imports/batches/{w.batch.pk}", page(api=True, secretary=OK)
    ),
    ("api/v1/setup/imports/batches/<batch_id>/apply", "POST"): fixed(
        "/api/v1/setup/imports/batches/{w.batch.pk}/apply", page(api=True, secretary=DONE), "POST"
    ),
    # Catalogue versions (R4–R5): the catalogue owner's (and the superuser's); the list is empty for others.
    ("api/v1/setup/catalogues", "GET"): fixed("/api/v1/setup/catalogues", page(api=True, default=OK)),
    ("api/v1/setup/catalogues", "POST"): fixed(
        "/api/v1/setup/catalogues",
        page(api=True, **dict.fromkeys(CATALOGUE_EDITORS, DONE)),
        "POST",
        body={"owner_code": "MCITY", "name": "矩阵新目录"},
    ),
    **{
        (f"api/v1/setup/catalogues/{route}", method): fixed(
            f"/api/v1/setup/catalogues/{url}",
            page(api=True, **dict.fromkeys(CATALOGUE_EDITORS, OK if method == "GET" else DONE)),
            method,
            body=body,
        )
        for route, url, method, body in (
            ("<id:catalogue_id>/versions", "{w.catalogue.pk}/versions", "GET", None),
            ("<id:catalogue_id>/versions", "{w.catalogue.pk}/versions", "POST", None),  # one draft at a time
            ("versions/<id:version_id>", "versions/{w.draft_version.pk}", "GET", None),
            ("versions/<id:version_id>", "versions/{w.draft_version.pk}", "DELETE", None),
            ("versions/<id:version_id>/diff", "versions/{w.draft_version.pk}/diff", "GET", None),
            (
                "versions/<id:version_id>/publish",
                "versions/{w.draft_version.pk}/publish",
                "POST",
                {"effective_from": "2000-01-01"},
            ),  # refused (in the past): nothing is published
            (
                "versions/<id:version_id>/items",
                "versions/{w.draft_version.pk}/items",
                "POST",
                {
                    "category": 8,
                    "title": "新事项",
                    "target_scope": "public",
                    "duration": "long",
                    "timing": "none",
                },
            ),
            (
                "versions/<id:version_id>/items/<id:item_id>",
                "versions/{w.draft_version.pk}/items/{w.draft_item.pk}",
                "PATCH",
                {"title": "改"},
            ),
            (
                "versions/<id:version_id>/items/<id:item_id>",
                "versions/{w.draft_version.pk}/items/{w.draft_item.pk}",
                "DELETE",
                None,
            ),
        )  # fmt: skip
    },
}


# ---- The Django admin (issue 14): the superuser's alone. Everyone else, whatever their roles, is sent to
# its sign-in page. Each registered model's pages are asked by the superuser, the public, a member and
# the office (the gate is one check, the same for every role); read-only models refuse add and delete.

ADMIN_ROLES = ("anonymous", "member", "inspector", "admin")


def admin_only(status=OK, **others) -> Callable:
    return lambda role, rel: status if role == "admin" else others.get(role, ADMIN_LOGIN)


def _superuser_request():
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = type(
        "Superuser", (), {"is_active": True, "is_superuser": True, "has_perm": lambda *a: True}
    )
    return request


def _first(model):
    return model._default_manager.order_by("pk").first()


def _admin_object(model, model_admin, view: str) -> Callable:
    """The superuser on an object page of the model's first row: the page, or a redirect to the index
    when the model has no row; 403 where the model refuses (deleting read-only rows)."""

    def expect(role, rel):
        if role != "admin":
            return ADMIN_LOGIN
        obj = _first(model)
        if view == "delete" and not model_admin.has_delete_permission(_superuser_request(), obj):
            return 403
        return OK if obj is not None else 302

    return expect


def _view_on_site_url() -> str:
    from django.contrib.contenttypes.models import ContentType

    from gongkai.orgs.models import Organisation

    org = _first(Organisation)
    return f"/django-admin/r/{ContentType.objects.get_for_model(Organisation).pk}/{org.pk}/"


def _admin_rows() -> dict[tuple[str, str], Case]:
    from django.contrib import admin

    def row(url, expect):
        return Case(
            "GET", lambda w, rel: url() if callable(url) else url, expect, per_object=False, only=ADMIN_ROLES
        )

    not_superuser = {role: 302 for role in ROLES if role != "admin"}
    rows = {
        ("admin:index", "GET"): fixed("/django-admin/", admin_only()),
        # the sign-in page is shown to whoever is not the superuser, signed in or not; the superuser is sent on
        ("admin:login", "GET"): fixed(
            "/django-admin/login/", admin_only(302, **dict.fromkeys(not_superuser, OK))
        ),
        # signing out is a POST (a GET: 405); anyone else is sent to the admin's front page
        ("admin:logout", "GET"): fixed("/django-admin/logout/", admin_only(NOT_ALLOWED, **not_superuser)),
        ("admin:password_change", "GET"): row("/django-admin/password_change/", admin_only()),
        ("admin:password_change_done", "GET"): row("/django-admin/password_change/done/", admin_only()),
        ("admin:jsi18n", "GET"): row("/django-admin/jsi18n/", admin_only()),
        ("admin:autocomplete", "GET"): row("/django-admin/autocomplete/", admin_only(403)),  # no field named
        ("admin:app_list", "GET"): row("/django-admin/orgs/", admin_only()),
        ("admin:view_on_site", "GET"): row(
            _view_on_site_url, admin_only(GONE)
        ),  # organisations have no such URL
        ("django-admin/(?P<url>.*)$", "GET"): row("/django-admin/no-such-page/", admin_only(GONE)),
    }
    for model, model_admin in admin.site._registry.items():
        app, name = model._meta.app_label, model._meta.model_name
        base = f"/django-admin/{app}/{name}/"

        def pk_url(suffix, model=model, base=base):
            return lambda: f"{base}{getattr(_first(model), 'pk', 0)}/{suffix}"

        add = OK if model_admin.has_add_permission(_superuser_request()) else 403
        rows |= {
            (f"admin:{app}_{name}_changelist", "GET"): row(base, admin_only()),
            (f"admin:{app}_{name}_add", "GET"): row(f"{base}add/", admin_only(add)),
            **{
                (f"admin:{app}_{name}_{view}", "GET"): row(
                    pk_url(f"{view}/"), _admin_object(model, model_admin, view)
                )
                for view in ("change", "history", "delete")
            },
            # the old-style object link: a redirect to its change page (or, for anyone else, to sign in)
            (f"django-admin/{app}/{name}/<path:object_id>/", "GET"): row(pk_url(""), admin_only(302)),
        }
    return rows


MATRIX.update(_admin_rows())


# ---- The URL patterns of the project ---------------------------------------------------------------


def _patterns(patterns=None, prefix="", namespace=""):
    for p in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from _patterns(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), (f"{namespace}{p.name}" if p.name else ""), p


def _api_methods() -> dict[str, set[str]]:
    """Django route of each API operation (as `_patterns` spells it) → its HTTP methods."""
    import re

    from gongkai.api.urls import api

    out: dict[str, set[str]] = {}
    for prefix, router in api._routers:
        for path, view in router.path_operations.items():
            route = "api/v1" + prefix + path
            route = re.sub(r"\{(?:(\w+):)?(\w+)\}", lambda m: f"<{m[1] + ':' if m[1] else ''}{m[2]}>", route)
            out.setdefault(route.rstrip("/") if path else route, set()).update(
                m for op in view.operations for m in op.methods
            )
    return out


def _keys() -> set[tuple[str, str]]:
    api_methods = _api_methods()
    keys = set()
    for route, name, _pattern in _patterns():
        if route.startswith("api/v1/"):
            keys.update((route, m) for m in api_methods.get(route, {"GET"}))
        else:
            keys.add((name or route, "GET"))  # an unnamed pattern by its route
    return keys


def _matrix_names() -> set[tuple[str, str]]:
    """The matrix's keys with POST-only pages folded to GET (a page pattern is listed once)."""
    return {(k[0], "GET") if not k[0].startswith("api/") else (k[0], k[1].split()[0]) for k in MATRIX}


def test_every_url_pattern_is_in_the_matrix():
    missing = _keys() - _matrix_names()
    assert not missing, f"classify these URL patterns in MATRIX (R2/R9/R20): {sorted(missing)}"


# ---- The world -------------------------------------------------------------------------------------


@dataclass
class Objects:
    org: object
    draft: object = None
    public: object = None
    attachment: object = None
    members_item: object = None
    application: object = None
    case: object = None
    inspection: object = None
    finding: object = None
    snapshot: object = None
    snapshot_file: object = None
    withholding: object = None
    commitment: object = None
    member: object = None  # a member of the organisation (an account its managers manage)
    membership: object = None  # that member's membership
    mobilisation: object = None  # its 动员部署 with a 实施细则 file


def _build():
    city = make_org(level=Level.COMMITTEE, code="MCITY", name="矩阵市委")
    street = make_org(city, level=Level.COMMITTEE, code="MST", name="矩阵街道党工委")
    a = make_org(street, code="MA", name="矩阵甲支部")
    a1 = make_org(a, code="MA1", name="矩阵甲一支部", sector_type=SectorType.VILLAGE)
    b = make_org(street, code="MB", name="矩阵乙支部")
    h = make_org(street, code="MH", name="矩阵隐藏支部", sector_type=SectorType.SOCIAL)
    make_catalogue(city)
    users = {
        "member": grant(UserFactory(), a, Role.MEMBER),
        "clerk": grant(UserFactory(), a, Role.CLERK),
        "secretary": grant(UserFactory(), a, Role.SECRETARY),
        "reviewer": grant(UserFactory(), street, Role.REVIEWER),
        "catalogue_owner": grant(UserFactory(), city, Role.CATALOGUE_OWNER),
        "supervisor": grant(UserFactory(), street, Role.SUPERVISOR),
        "inspector": grant(UserFactory(), street, Role.INSPECTOR),
        "auditor": grant(UserFactory(), street, Role.AUDITOR),
        "admin": UserFactory(is_superuser=True, is_staff=True),
    }
    assignment = oversight_actions.assign_supervisor(users["supervisor"], a, by=users["inspector"], note="")
    objects = {}
    for rel, org in zip(RELATIONS, (a, a1, b, h), strict=True):
        clerk, member = staff(org, Role.CLERK), grant(UserFactory(), org, Role.MEMBER)
        o = Objects(org, member=member, membership=Membership.objects.get(user=member, org=org))
        o.draft = make_item(org, by_clerk=clerk, title=f"{org.name}草稿")
        ci = catalogue_item_for(org, min_internal_days=0)
        o.public = make_item(
            org, Scope.PUBLIC, state="published", by_clerk=clerk, catalogue_item=ci,
            attachments=[("a.png", PNG, False)], title=f"{org.name}党费公开",
        )  # fmt: skip
        o.attachment = o.public.attachments.get()
        o.members_item = make_item(org, Scope.ORG_MEMBERS, state="published", by_clerk=clerk)
        o.application = application_actions.submit_application(
            org, by=member, title="申请公开党费", description="请公开党费使用情况。"
        )
        o.case = feedback_actions.record_offline(
            org, by=clerk, channel=Channel.HOTLINE, subject="询问", content="党费。", name="张三"
        )
        o.inspection = oversight_actions.create_inspection(
            org, by=users["inspector"], on=timezone.localdate(), summary="检查情况。"
        )
        o.finding = oversight_actions.add_finding(
            o.inspection,
            by=users["inspector"],
            text="未按时公开。",
            rectification_required=True,
            deadline_days=5,
        )
        o.snapshot = Snapshot.objects.filter(item=o.public).first()
        o.snapshot_file = o.snapshot.files.first()
        o.withholding = item_actions.file_withholding(
            org, ci, by=clerk, reason=Withholding.Reason.PRIVACY, explanation="涉及个人隐私。"
        )
        o.commitment = oversight_actions.draft_commitment(org, kind="org", text="按目录公开党务。", by=clerk)
        o.mobilisation = record_mobilisation(
            org, timezone.localdate().year, rules=SimpleUploadedFile("实施细则.pdf", PDF), by=clerk
        )
        objects[rel] = o
    h.is_public = False
    h.save(update_fields=["is_public"])
    now = timezone.now()
    campaign = oversight_actions.create_campaign(
        street, by=users["inspector"], title="年度评议", opens_at=now - timedelta(days=2),
        closes_at=now - timedelta(days=1), orgs=[a, b],
    )  # fmt: skip
    override = CalendarOverride.objects.create(date=timezone.localdate(), is_working_day=True, note="测试")
    other = UserFactory()
    notification = notify(other, "别人的通知", email=False)
    # Issue 14: A's secretary's uploaded member list (not yet applied), and a draft of the city's catalogue.
    batch = importing.upload("members", name="党员.csv", data=MEMBERS_CSV, by=users["secretary"])
    catalogue = Catalogue.objects.get(owner=city)
    draft_version = catalogue_actions.start_draft(catalogue, by=users["catalogue_owner"])
    return type(
        "World",
        (),
        {
            "users": users,
            "objects": objects,
            "campaign": campaign,
            "override": override,
            "notification": notification,
            "assignment": assignment,
            "batch": batch,
            "catalogue": catalogue,
            "draft_version": draft_version,
            "draft_item": draft_version.items.order_by("number").first(),
        },
    )


def _request(client, world, role, case: Case, rel):
    url = case.url(world, rel)
    headers = {}
    if role != "anonymous" and url.startswith("/api/"):
        headers["HTTP_AUTHORIZATION"] = f"Bearer {world.tokens[role]}"
    if case.method.startswith("GET"):
        return client.get(url, **headers)
    send = getattr(client, case.method.lower())  # PATCH, PUT, DELETE or POST
    body = case.body(world, rel) if callable(case.body) else case.body
    with transaction.atomic():  # every write is undone: the world stays the same for the next row
        if url.startswith("/api/"):
            response = send(url, data=body or {}, content_type="application/json", **headers)
        else:
            response = send(url, body or {}, **headers)
        transaction.set_rollback(True)
    return response


def _matches(expected, response) -> bool:
    status = response.status_code
    if expected == LOGIN:
        return status == 302 and "/accounts/login/" in response["Location"]
    if expected == ADMIN_LOGIN:
        return status == 302 and response["Location"].startswith("/django-admin/login/")
    if expected == SEEN:
        return status != 401 and status < 500
    if expected == DONE:
        return status not in (401, 403, 404, 405) and status < 500
    if isinstance(expected, tuple):
        return status in expected
    return status == expected


@pytest.mark.django_db
def test_every_url_answers_each_role_as_r2_says(client, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    world = _build()
    world.tokens = {role: ApiToken.issue(u) for role, u in world.users.items()}
    wrong = []
    for role in ROLES:
        if role != "anonymous":
            client.force_login(world.users[role])
        else:
            client.logout()
        for key, case in MATRIX.items():
            if role not in case.only:
                continue
            for rel in RELATIONS_OF.get(role, RELATIONS) if case.per_object else ("own",):
                expected = case.expect(role, rel)
                response = _request(client, world, role, case, rel)
                if not _matches(expected, response):
                    wrong.append(
                        f"{role:16} {rel:8} {key[1]:5} {key[0]:55} expected {expected}, got {response.status_code} {response.get('Location', '')}"
                    )
    assert not wrong, "\n" + "\n".join(wrong)
