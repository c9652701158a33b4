"""Published items for archive and audit tests, made through the real publish action."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from gongkai.catalogue.models import (
    Catalogue,
    CatalogueItem,
    CatalogueVersion,
    Duration,
    Retention,
    Scope,
    Timing,
)
from gongkai.disclosure.actions import publish_item
from gongkai.disclosure.models import Attachment, DisclosureItem, State

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4"
    b"\x89\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99=\x1d\x00\x00\x00\x00IEND"
    b"\xaeB`\x82"
)


def catalogue_item(owner, *, category=3, retention=Retention.PERMANENT):
    catalogue, _ = Catalogue.objects.get_or_create(owner=owner, defaults={"name": "测试目录"})
    version, _ = CatalogueVersion.objects.get_or_create(
        catalogue=catalogue, number=1, defaults={"published_at": timezone.now()}
    )
    number = CatalogueItem.objects.filter(version=version).count() + 1
    return CatalogueItem.objects.create(
        version=version,
        number=number,
        category=category,
        title=f"测试目录事项{number}",
        target_scope=Scope.PUBLIC,
        duration=Duration.LONG,
        timing=Timing.NONE,
        retention=retention,
    )


def approved_item(org, author, rule, *, title="党员发展情况公示", with_attachment=False):
    """An item already through review and approval (those actions are the disclosure core's tests)."""
    item = DisclosureItem.objects.create(
        org=org,
        org_path=org.path,
        catalogue_item=rule,
        category=rule.category,
        title=title,
        body="正文内容",
        published_body="正文内容",
        scope=Scope.ORG_MEMBERS,
        state=State.APPROVED,
        author=author,
    )
    if with_attachment:
        from django.core.files.storage import default_storage

        stored = default_storage.save(f"attachments/test-{item.pk}.png", io.BytesIO(PNG))
        Attachment.objects.create(
            item=item,
            original_name="公示照片.png",
            stored_name=stored,
            kind="png",
            size=len(PNG),
            sha256="",
            text="",
        )
    return item


def published_item(org, clerk, rule, **kw):
    item = approved_item(org, clerk, rule, **kw)
    return publish_item(item, by=clerk)


def upload(name="a.png", data=PNG):
    return SimpleUploadedFile(name, data)
