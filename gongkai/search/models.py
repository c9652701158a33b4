from django.db import models

from gongkai.disclosure.models import DisclosureItem
from gongkai.feedback.models import FeedbackCase


class SearchDoc(models.Model):
    """R30: one published (or once published) item as the full-text index sees it.

    The text columns hold pre-segmented tokens (words, sub-words, single hanzi, then hanzi bigrams),
    space-joined, so the database's own tokenizer only has to split on spaces. The SQLite FTS5 table
    and the PostgreSQL tsvector column are built over these columns by migration 0002.
    """

    # The item's pk is the doc's pk (and the FTS rowid): results join back without a mapping table.
    item = models.OneToOneField(
        DisclosureItem, on_delete=models.CASCADE, primary_key=True, related_name="search_doc"
    )
    org_id = models.IntegerField(db_index=True)
    org_path = models.CharField(max_length=255)
    category = models.PositiveSmallIntegerField()
    year = models.PositiveSmallIntegerField(null=True)
    scope = models.CharField(max_length=20)
    state = models.CharField(max_length=12)
    # Normalised (simplified, lower-case) title: ranking checks exact phrases in it without re-normalising.
    title_text = models.CharField(max_length=200)
    title_tokens = models.TextField()
    body_tokens = models.TextField()
    # Text of the attachments that go with the item, and of those kept inside its organisation (R13):
    # the latter is matched only for viewers access.inside_attachment_items lets read them.
    attach_tokens = models.TextField(blank=True, default="")
    inside_tokens = models.TextField(blank=True, default="")
    # access.item_audience_tokens: lets search narrow candidates inside the index (the exact check is
    # still access.visible_items).
    tags = models.CharField(max_length=40, blank=True, default="")

    def __str__(self) -> str:
        return self.title_text


class FtsRow(models.Model):
    """The SQLite FTS5 table (made by migration 0002), read through the ORM so the visibility
    subquery composes with MATCH; never written from Python."""

    rowid = models.IntegerField(primary_key=True, db_column="rowid")

    class Meta:
        managed = False
        db_table = "search_fts"

    def __str__(self) -> str:
        return str(self.rowid)


class SearchReply(models.Model):
    """R18/R30: a published feedback reply as the full-text index sees it: the subject and the published
    reply (both as the public reads them, the submitter's name and contact taken out), never the
    submitter's own text or personal data. Dropped when the reply is unpublished."""

    case = models.OneToOneField(
        FeedbackCase, on_delete=models.CASCADE, primary_key=True, related_name="search_doc"
    )
    org_id = models.IntegerField(db_index=True)
    org_path = models.CharField(max_length=255)
    year = models.PositiveSmallIntegerField(null=True)
    title_text = models.CharField(max_length=200)
    title_tokens = models.TextField()
    body_tokens = models.TextField()

    def __str__(self) -> str:
        return self.title_text


class ReplyFtsRow(models.Model):
    """The SQLite FTS5 table over SearchReply (migration 0005), read like FtsRow."""

    rowid = models.IntegerField(primary_key=True, db_column="rowid")

    class Meta:
        managed = False
        db_table = "search_reply_fts"

    def __str__(self) -> str:
        return str(self.rowid)
