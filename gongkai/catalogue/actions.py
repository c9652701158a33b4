"""The catalogue owner edits the catalogue (R4–R5): a draft version copied from the one in force,
items added, changed or removed in the draft only, the difference shown, then published with an
effective date. A published version never changes again. Each action: one transaction, the version
row locked, the wrong state refused, an audit entry."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import Max
from django.forms.models import model_to_dict
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai import access
from gongkai.audit.log import record
from gongkai.lib.errors import ActionError
from gongkai.lib.text import clean_line
from gongkai.orgs.models import SectorType

from . import ports
from .models import Catalogue, CatalogueItem, CatalogueVersion

# The fields an item carries from version to version (everything but its identity and version).
_SKIP = {"id", "version"}


def _require(ok: bool, message: str) -> None:
    if not ok:
        raise ActionError(message)


def item_fields() -> list[str]:
    return [f.name for f in CatalogueItem._meta.concrete_fields if f.name not in _SKIP]


def _locked_draft(version: CatalogueVersion, by) -> CatalogueVersion:
    version = (
        CatalogueVersion.objects.select_for_update().select_related("catalogue__owner").get(pk=version.pk)
    )
    access.require(by, "catalogue.edit", version.catalogue, message=_("只有目录制定单位可以修改公开目录。"))
    _require(version.published_at is None, _("已发布的目录版本不能修改（R5）；请新建修订草稿。"))
    return version


@transaction.atomic
def create_catalogue(owner, *, name: str, filing_body: str = "", by) -> Catalogue:
    access.require(by, "catalogue.create", owner, message=_("只有目录制定单位可以制定公开目录。"))
    catalogue = Catalogue.objects.create(
        owner=owner,
        name=clean_line(name, field=_("目录名称"), max_length=100),
        filing_body=clean_line(filing_body, field=_("备案机关"), max_length=100, required=False),
    )
    record(
        action="catalogue.create", obj=catalogue, actor=by, org_path=owner.path, data={"name": catalogue.name}
    )
    return catalogue


@transaction.atomic
def start_draft(catalogue: Catalogue, *, by) -> CatalogueVersion:
    """A new draft version holding a copy of the latest published version's items."""
    access.require(by, "catalogue.edit", catalogue, message=_("只有目录制定单位可以修改公开目录。"))
    catalogue = Catalogue.objects.select_for_update().get(pk=catalogue.pk)
    _require(
        not catalogue.versions.filter(published_at__isnull=True).exists(),
        _("已有一个修订草稿，请先完成或删除它。"),
    )
    base = catalogue.versions.filter(published_at__isnull=False).order_by("-number").first()
    number = (catalogue.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    draft = CatalogueVersion.objects.create(catalogue=catalogue, number=number)
    if base is not None:
        fields = item_fields()
        CatalogueItem.objects.bulk_create(
            CatalogueItem(version=draft, **{f: getattr(i, f) for f in fields}) for i in base.items.all()
        )
    record(
        action="catalogue.draft", obj=draft, actor=by, org_path=catalogue.owner.path, data={"number": number}
    )
    return draft


def _sector_types(value) -> str:
    """The stored form of the applicable sector types (",village,school," or "" for all), from a list
    or the stored form itself; an unknown type is refused, not kept."""
    chosen = [t.strip() for t in (value.split(",") if isinstance(value, str) else value or []) if t.strip()]
    unknown = [t for t in chosen if t not in SectorType.values]
    _require(not unknown, _("适用组织类型无效：%(types)s。") % {"types": "、".join(unknown)[:100]})
    chosen = list(dict.fromkeys(chosen))
    return f",{','.join(chosen)}," if chosen else ""


def _labelled(exc: ValidationError) -> ActionError:
    """The model's field errors as one refusal, each message after its field's name (R33)."""
    if not hasattr(exc, "error_dict"):
        return ActionError(exc.messages)
    labels = {f.name: str(f.verbose_name) for f in CatalogueItem._meta.concrete_fields}
    messages = []
    for field, errors in exc.message_dict.items():
        for message in errors:
            label = labels.get(field) if field != NON_FIELD_ERRORS else None
            messages.append(f"{label}：{message}" if label else message)
    return ActionError(messages)


@transaction.atomic
def save_item(version: CatalogueVersion, *, item: CatalogueItem | None = None, by, **fields) -> CatalogueItem:
    """Add an item to the draft, or change one of its items. The model's own checks apply."""
    version = _locked_draft(version, by)
    if item is None:
        item = CatalogueItem(version=version)
        if not fields.get("number"):
            fields["number"] = (version.items.aggregate(n=Max("number"))["n"] or 0) + 1
    else:
        item = CatalogueItem.objects.filter(pk=item.pk, version=version).first()
        _require(item is not None, _("该事项不在这个草稿中。"))
    if "sector_types" in fields:
        fields["sector_types"] = _sector_types(fields["sector_types"])
    for key, value in fields.items():
        _require(key in item_fields(), _("字段无效。"))
        setattr(item, key, value)
    try:
        item.full_clean(exclude=["version"])
    except ValidationError as exc:
        raise _labelled(exc) from None
    if version.items.filter(number=item.number).exclude(pk=item.pk).exists():
        raise ActionError(_("序号 %(n)s 已被本版本的其他事项使用。") % {"n": item.number})
    item.save()
    record(
        action="catalogue.item",
        obj=item,
        actor=by,
        org_path=version.catalogue.owner.path,
        data={"version": version.number, "number": item.number},
    )
    return item


@transaction.atomic
def remove_item(item: CatalogueItem, *, by) -> None:
    version = _locked_draft(item.version, by)
    record(
        action="catalogue.item_remove",
        obj=item,
        actor=by,
        org_path=version.catalogue.owner.path,
        data={"version": version.number, "number": item.number},
    )
    item.delete()


@transaction.atomic
def discard_draft(version: CatalogueVersion, *, by) -> None:
    version = _locked_draft(version, by)
    record(action="catalogue.discard", obj=version, actor=by, org_path=version.catalogue.owner.path)
    version.items.all().delete()
    version.delete()


@transaction.atomic
def publish_version(
    version: CatalogueVersion, *, effective_from: date, note: str = "", by
) -> CatalogueVersion:
    """R5: the draft becomes an immutable version, in force from `effective_from` (today or later, and
    not before the version it replaces took effect). Obligations of earlier periods keep theirs."""
    version = _locked_draft(version, by)
    _require(version.items.exists(), _("目录版本至少应有一个事项。"))
    _require(effective_from >= timezone.localdate(), _("施行日期不能早于今天。"))
    previous = version.catalogue.versions.filter(published_at__isnull=False).order_by("-number").first()
    if previous is not None and previous.effective_from:
        _require(effective_from >= previous.effective_from, _("施行日期不能早于上一版本的施行日期。"))
    version.published_at = timezone.now()
    version.effective_from = effective_from
    version.note = clean_line(note, field=_("修订说明"), max_length=200, required=False)
    version.save(update_fields=["published_at", "effective_from", "note"])
    ports.version_published(version)  # R5: later periods follow the new version
    record(
        action="catalogue.publish",
        obj=version,
        actor=by,
        org_path=version.catalogue.owner.path,
        data={"number": version.number, "effective_from": effective_from.isoformat()},
    )
    return version


@dataclass
class Change:
    kind: str  # added / removed / changed
    number: int
    title: str
    fields: list[tuple[str, object, object]]  # (label, old, new), for the page
    names: tuple[str, ...] = ()  # the changed fields' names, in the order of `fields`


def base_version(version: CatalogueVersion) -> CatalogueVersion | None:
    """The published version a draft is compared with: the latest one before it."""
    return (
        version.catalogue.versions.filter(published_at__isnull=False, number__lt=version.number)
        .order_by("-number")
        .first()
    )


def diff(draft: CatalogueVersion, base: CatalogueVersion | None) -> list[Change]:
    """What the draft changes against `base`, item by item (matched by 序号)."""
    fields = [f for f in item_fields() if f != "number"]
    labels = {f.name: str(f.verbose_name) for f in CatalogueItem._meta.concrete_fields}
    old = {i.number: i for i in (base.items.all() if base else [])}
    new = {i.number: i for i in draft.items.all()}
    out: list[Change] = []
    for number in sorted(set(old) | set(new)):
        a, b = old.get(number), new.get(number)
        if a is None:
            out.append(Change("added", number, b.title, []))
        elif b is None:
            out.append(Change("removed", number, a.title, []))
        else:
            da, db = model_to_dict(a, fields=fields), model_to_dict(b, fields=fields)
            names = tuple(f for f in fields if da[f] != db[f])
            if names:
                changed = [(labels[f], da[f], db[f]) for f in names]
                out.append(Change("changed", number, b.title, changed, names))
    return out
