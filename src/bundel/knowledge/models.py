"""The knowledge base: documents and articles in categories, with versions and tags.

A document's versions are kept: a new version becomes the current one and the old ones
stay readable. Every change goes through `services.py`, which also keeps the search
index of the current version: on PostgreSQL the `search_vector` (Dutch configuration,
GIN index), elsewhere the `search_stems` the fallback searches (`search.py`).
"""

import uuid

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .constants import DocumentState, FileKind, Visibility


class Category(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_nl = models.CharField(_("name (Dutch)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)
    description_nl = models.TextField(_("description (Dutch)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "nl").startswith("en") else self.name_nl

    @property
    def description(self) -> str:
        english = (get_language() or "nl").startswith("en")
        return self.description_en if english else self.description_nl


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=60, unique=True)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Document(models.Model):
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(
        _("summary"), blank=True, help_text=_("One or two sentences, shown in search results.")
    )
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="documents", verbose_name=_("category")
    )
    visibility = models.CharField(
        _("visible to"), max_length=20, choices=Visibility.choices, default=Visibility.MEMBERS
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="documents", verbose_name=_("tags"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="knowledge_documents",
        verbose_name=_("owner"),
        help_text=_("The staff member who keeps this document up to date."),
    )
    state = models.CharField(
        _("state"), max_length=20, choices=DocumentState.choices, default=DocumentState.PUBLISHED
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_reason = models.TextField(_("reason for withdrawal"), blank=True)
    current_version = models.ForeignKey(
        "DocumentVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("current version"),
    )
    created_at = models.DateTimeField(_("created"))
    updated_at = models.DateTimeField(
        _("updated"), help_text=_("When the current version was added.")
    )
    # The search index of the title, summary, tags and current version (services keep it).
    search_vector = SearchVectorField(null=True, editable=False)
    search_stems = models.TextField(editable=False, blank=True)
    search_title_stems = models.TextField(editable=False, blank=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-updated_at", "-pk"]
        indexes = [
            models.Index(fields=["state", "visibility", "-updated_at"]),
            models.Index(fields=["category", "-updated_at"]),
            # Staff's unfiltered list: newest first without sorting every document.
            models.Index(fields=["-updated_at", "-id"], name="knowledge_doc_newest"),
        ]
        # The GIN index on search_vector is created on PostgreSQL only (migration 0001).

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("knowledge:document", args=[self.pk])

    @property
    def is_withdrawn(self) -> bool:
        return self.state == DocumentState.WITHDRAWN

    def clean(self) -> None:
        if self.owner_id and not self.owner.is_cooperative_staff:
            raise ValidationError({"owner": _("The owner of a document is a staff member.")})


def version_upload_to(version: "DocumentVersion", filename: str) -> str:
    """A stored name nobody can guess or choose: the uploader's name is kept apart."""
    return f"knowledge/{version.document_id}/{uuid.uuid4().hex}.{version.file_kind}"


class DocumentVersion(models.Model):
    document = models.ForeignKey(
        Document, on_delete=models.CASCADE, related_name="versions", verbose_name=_("document")
    )
    number = models.PositiveIntegerField(_("version"))
    body = models.TextField(
        _("text"), blank=True, help_text=_("The article itself, or an introduction to the file.")
    )
    file = models.FileField(_("file"), upload_to=version_upload_to, blank=True, max_length=200)
    file_name = models.CharField(_("file name"), max_length=120, blank=True)
    file_kind = models.CharField(
        _("file type"), max_length=10, choices=FileKind.choices, blank=True
    )
    file_size = models.PositiveBigIntegerField(_("file size (bytes)"), null=True, blank=True)
    extracted_text = models.TextField(_("text of the file"), blank=True, editable=False)
    note = models.CharField(_("what changed"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("added at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("added by"),
    )

    class Meta:
        verbose_name = _("document version")
        verbose_name_plural = _("document versions")
        ordering = ["document", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="knowledge_version_unique"),
            models.CheckConstraint(
                condition=~Q(body="") | ~Q(file=""),
                name="knowledge_version_has_content",
                violation_error_message=_("A version has a text, a file or both."),
            ),
            models.CheckConstraint(
                condition=Q(file="", file_kind="") | (~Q(file="") & ~Q(file_kind="")),
                name="knowledge_version_file_has_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.document} (v{self.number})"

    def get_absolute_url(self) -> str:
        return reverse("knowledge:version", args=[self.document_id, self.number])

    @property
    def download_url(self) -> str:
        if not self.file:
            return ""
        return reverse("knowledge:download", args=[self.document_id, self.number])

    @property
    def searchable_text(self) -> str:
        return "\n\n".join(t for t in (self.body, self.extracted_text) if t)
