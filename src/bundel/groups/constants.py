from django.db import models
from django.utils.translation import gettext_lazy as _


class GroupKind(models.TextChoices):
    TOPIC = "topic", _("Topic")
    REGION = "region", _("Region")


class GroupState(models.TextChoices):
    ACTIVE = "active", _("Active")
    ARCHIVED = "archived", _("Archived")


class EmailPreference(models.TextChoices):
    """How a person hears of new posts in their groups by e-mail (in the app: always)."""

    IMMEDIATELY = "immediately", _("Immediately")
    DAILY = "daily", _("Daily digest")
    OFF = "off", _("Off")


class NotificationKind(models.TextChoices):
    POST = "post", _("New post")
    SESSION = "session", _("Dialogue session planned")


class NotificationEmail(models.TextChoices):
    """How a notification is to be mailed, fixed when it is made (from the preference)."""

    NONE = "none", _("Not mailed")
    IMMEDIATE = "immediate", _("Mailed at once")
    DIGEST = "digest", _("In the daily digest")


class SessionState(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


class FileKind(models.TextChoices):
    """The types a group file may have, recognised by content (magic bytes)."""

    PDF = "pdf", _("PDF document")
    PNG = "png", _("PNG image")
    JPEG = "jpeg", _("JPEG image")
    DOCX = "docx", _("Word document")
    XLSX = "xlsx", _("Excel workbook")
    PPTX = "pptx", _("PowerPoint presentation")
    ODT = "odt", _("OpenDocument text")
    ODS = "ods", _("OpenDocument spreadsheet")
    ODP = "odp", _("OpenDocument presentation")
    TEXT = "txt", _("Plain text")


CONTENT_TYPES = {
    FileKind.PDF: "application/pdf",
    FileKind.PNG: "image/png",
    FileKind.JPEG: "image/jpeg",
    FileKind.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    FileKind.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    FileKind.PPTX: "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    FileKind.ODT: "application/vnd.oasis.opendocument.text",
    FileKind.ODS: "application/vnd.oasis.opendocument.spreadsheet",
    FileKind.ODP: "application/vnd.oasis.opendocument.presentation",
    FileKind.TEXT: "text/plain; charset=utf-8",
}
