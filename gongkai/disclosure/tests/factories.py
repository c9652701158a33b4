"""Test factories for catalogues and disclosure items, built through the real actions.

    cat = make_catalogue(tree.committee)                     # a published catalogue, standard items
    item = published_item(tree.a, scope=Scope.ORG_TREE)      # create → submit → review → approve → publish
    draft = make_item(tree.a, state=State.SUBMITTED)         # stop the workflow at any state
    gone = make_item(tree.a, state=State.REVOKED)            # revoked through request_change/decide_change

The clerk, reviewer and secretary (and the catalogue owner for revocation) are made on the fly unless
passed in, so they never change what the `people` fixture's users can see.
"""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from gongkai.catalogue.models import (
    Catalogue,
    CatalogueItem,
    CatalogueVersion,
    Category,
    Duration,
    Scope,
    Timing,
    current_version_for,
)
from gongkai.conftest import UserFactory, grant
from gongkai.disclosure import actions
from gongkai.disclosure.models import ChangeRequest, DisclosureItem, State
from gongkai.orgs.models import Organisation, Role

# A few realistic rows; the first one is the default target of make_item (public, 5 days inside first).
STANDARD_ITEMS = [
    {
        "category": Category.ORGANISATION,
        "title": "党费收缴、管理和使用情况",
        "target_scope": Scope.PUBLIC,
        "duration": Duration.LONG,
        "timing": Timing.PERIODIC,
        "cadence": "quarterly",
        "due_offset": 10,
        "min_internal_days": 5,
    },
    {
        "category": Category.LEADERSHIP,
        "title": "领导班子分工",
        "target_scope": Scope.ALL_MEMBERS,
        "duration": Duration.LONG,
        "timing": Timing.NONE,
    },
    {
        "category": Category.ORGANISATION,
        "title": "发展党员",
        "target_scope": Scope.PUBLIC,
        "duration": Duration.SHORT,
        "period_days": 7,
        "timing": Timing.STAGED,
        "stages": [
            {"name": name, "days": 5}
            for name in ("入党申请人", "确定入党积极分子", "确定发展对象", "接收预备党员", "预备党员转正")
        ],
    },
    {
        "category": Category.INTEGRITY,
        "title": "民主评议党员结果",
        "target_scope": Scope.ORG_MEMBERS,
        "duration": Duration.LONG,
        "timing": Timing.PERIODIC,
        "cadence": "yearly",
        "due_offset": 15,
    },
]


def make_catalogue(owner_org, *, name=None, items=STANDARD_ITEMS, published=True) -> Catalogue:
    """A catalogue owned by `owner_org` with version 1 (published unless told) holding `items`."""
    catalogue = Catalogue.objects.create(
        owner=owner_org, name=name or f"{owner_org.name}党务公开目录", filing_body="党务公开工作领导小组"
    )
    version = CatalogueVersion.objects.create(
        catalogue=catalogue, number=1, published_at=timezone.now() if published else None
    )
    for number, fields in enumerate(items, start=1):
        CatalogueItem.objects.create(version=version, number=number, **fields)
    return catalogue


def catalogue_item_for(org, *, min_internal_days=None, **fields) -> CatalogueItem:
    """An item of the catalogue applying to `org` (made at its root if none): the first standard row,
    or one added with `fields` (e.g. min_internal_days=0, target_scope=…) when they differ."""
    version = current_version_for(org)
    if version is None:
        root = Organisation.objects.get(path=org.path[: org.steplen])
        version = make_catalogue(root).current_version()
    wanted = {**STANDARD_ITEMS[0], **fields}
    if min_internal_days is not None:
        wanted["min_internal_days"] = min_internal_days
    lookup = {k: v for k, v in wanted.items() if k != "stages"}
    found = CatalogueItem.objects.applicable_to(org.sector_type).filter(version=version, **lookup).first()
    if found:
        return found
    last = version.items.order_by("-number").values_list("number", flat=True).first() or 0
    return CatalogueItem.objects.create(version=version, number=last + 1, **wanted)


def staff(org, role) -> object:
    """A fresh user holding `role` at `org`."""
    return grant(UserFactory(), org, role)


def make_item(
    org,
    scope=Scope.PUBLIC,
    *,
    state=State.DRAFT,
    title=None,
    body="本期党费收缴情况：应交 12 人，实交 12 人。",
    catalogue_item=None,
    min_internal_days=None,
    by_clerk=None,
    reviewer=None,
    secretary=None,
    now=None,
    attachments=(),
    **extra,
) -> DisclosureItem:
    """An item of `org` taken through the workflow up to `state` by the actions (never saved by hand).

    `attachments`: (name, bytes, keep_inside) triples added to the draft (set MEDIA_ROOT to a tmp dir)."""
    if catalogue_item is None:
        catalogue_item = catalogue_item_for(org, min_internal_days=min_internal_days)
    clerk = by_clerk or staff(org, Role.CLERK)
    item = actions.create_item(
        org,
        by=clerk,
        title=title or f"{org.name}{catalogue_item.title}",
        body=body,
        catalogue_item=catalogue_item,
        scope=scope,
        **extra,
    )
    for name, data, keep_inside in attachments:
        actions.add_attachment(item, SimpleUploadedFile(name, data), by=clerk, keep_inside=keep_inside)
    steps = [State.SUBMITTED, State.REVIEWED, State.APPROVED, State.PUBLISHED]
    ended = state in (State.REVOKED, State.TERMINATED)
    target = State.PUBLISHED if ended else state
    if target == State.DRAFT:
        return item
    if target not in steps:
        raise ValueError(f"make_item cannot reach {state!r}")
    reached = steps[: steps.index(target) + 1]
    actions.submit_item(item, by=clerk)
    if State.REVIEWED in reached:
        actions.review_item(item, by=reviewer or staff(org, Role.REVIEWER))
    if State.APPROVED in reached:
        actions.approve_item(item, by=secretary or staff(org, Role.SECRETARY))
    if State.PUBLISHED in reached:
        actions.publish_item(item, by=clerk, now=now)
    if ended:
        kind = ChangeRequest.Kind.REVOKE if state == State.REVOKED else ChangeRequest.Kind.TERMINATE
        request = actions.request_change(item, by=clerk, kind=kind, reason="内容有误，予以撤销。")
        owner = current_version_for(org).catalogue.owner
        actions.decide_change(request, by=staff(owner, Role.CATALOGUE_OWNER), approve=True)
    item.refresh_from_db()
    return item


# The smallest valid PNG (1×1): an attachment with no text to scan.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def published_item(org, scope=Scope.PUBLIC, **kw) -> DisclosureItem:
    """A published item of `org` (public-target items go public after `min_internal_days`, default 5)."""
    return make_item(org, scope, state=State.PUBLISHED, **kw)


def owner_of_catalogue(org):
    """A fresh catalogue owner of the catalogue that applies to `org`."""
    return staff(current_version_for(org).catalogue.owner, Role.CATALOGUE_OWNER)
