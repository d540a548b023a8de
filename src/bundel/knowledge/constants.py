from django.db import models
from django.utils.translation import gettext_lazy as _


class Visibility(models.TextChoices):
    """Who may read a document (besides staff, who read everything).

    Each level includes the ones before it: members read what interested boards read,
    and both read what is public."""

    PUBLIC = "public", _("Public")
    INTERESTED = "interested", _("Interested boards and members")
    MEMBERS = "members", _("Members only")


class DocumentState(models.TextChoices):
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class FileKind(models.TextChoices):
    """The kinds of file a document may be: some of `bundel.core.uploads.FileKind` (same
    values), told by its content (`uploads.py`). Kept here with its own labels so the
    model's choices stay as they are."""

    PDF = "pdf", _("PDF")
    DOCX = "docx", _("Word document (DOCX)")
    XLSX = "xlsx", _("Spreadsheet (XLSX)")
    ODT = "odt", _("OpenDocument text (ODT)")
    PNG = "png", _("PNG image")
    JPEG = "jpeg", _("JPEG image")
    TEXT = "txt", _("Plain text")


# The category whose documents hold the rate sheets of the framework contracts; the
# negotiated rates page links to it.
RATES_CATEGORY = "rates"
