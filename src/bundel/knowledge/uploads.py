"""Checking an uploaded file and reading its text.

The kind of a file is told by its content (magic bytes, and for the zip-based office
formats the parts inside), never by its name or the type the browser claims. Anything
else is refused with a message that says why; nothing is stored (`services.py` checks
before it saves).
"""

import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import PurePath
from xml.etree import ElementTree

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from bundel.core.errors import RuleViolation

from .constants import FileKind

# What a download is served as: a fixed, safe type per kind (never the uploader's).
CONTENT_TYPES = {
    FileKind.PDF: "application/pdf",
    FileKind.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    FileKind.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    FileKind.ODT: "application/vnd.oasis.opendocument.text",
    FileKind.PNG: "image/png",
    FileKind.JPEG: "image/jpeg",
    FileKind.TEXT: "text/plain; charset=utf-8",
}
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
# A part of an office file is read up to this many bytes (a zip bomb stops here).
MAX_PART_BYTES = 50 * 1024 * 1024
# Text control characters besides tab, newline and carriage return mark a binary file.
_BINARY = re.compile(rb"[\x00-\x08\x0b\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class CheckedFile:
    kind: FileKind
    content: bytes
    name: str  # the uploader's name, made safe, with the extension of its kind
    text: str  # for the search index

    @property
    def size(self) -> int:
        return len(self.content)

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.kind]


def _refuse(message: str, code: str, **params) -> RuleViolation:
    return RuleViolation(message, code=code, params=params)


def detect_kind(content: bytes) -> FileKind | None:
    if content.startswith(b"%PDF-"):
        return FileKind.PDF
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return FileKind.PNG
    if content.startswith(b"\xff\xd8\xff"):
        return FileKind.JPEG
    if content.startswith(b"PK\x03\x04"):
        return _zip_kind(content)
    if _is_text(content):
        return FileKind.TEXT
    return None


def _zip_kind(content: bytes) -> FileKind | None:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
            if "mimetype" in names and archive.read("mimetype").strip() == ODT_MIMETYPE:
                return FileKind.ODT
            if "[Content_Types].xml" in names:
                if "word/document.xml" in names:
                    return FileKind.DOCX
                if "xl/workbook.xml" in names:
                    return FileKind.XLSX
    except (zipfile.BadZipFile, OSError, ValueError, RuntimeError, NotImplementedError):
        return None
    return None


def _is_text(content: bytes) -> bool:
    if _BINARY.search(content):
        return False
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def safe_name(original: str, kind: FileKind) -> str:
    """The uploader's file name without folders or odd characters, ending in the
    extension of what the file is."""
    stem = PurePath(original.replace("\\", "/")).stem or "document"
    stem = get_valid_filename(stem)[:100].strip("._-") or "document"
    return f"{stem}.{kind.value}"


def check_upload(upload) -> CheckedFile:
    """Read an uploaded file (a Django `UploadedFile`) and refuse it when it is empty,
    too large, of a kind not accepted, or a PDF or office file that cannot be read.
    Returns the file with its text for the search index."""
    limit = settings.KNOWLEDGE_UPLOAD_MAX_BYTES
    name = getattr(upload, "name", "") or "document"
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise _too_large(name, size, limit)
    upload.seek(0)
    content = upload.read(limit + 1)
    if len(content) > limit:
        raise _too_large(name, len(content), limit)
    if not content:
        raise _refuse(_("The file “%(name)s” is empty.") % {"name": name}, "empty", name=name)
    kind = detect_kind(content)
    if kind is None:
        raise _refuse(
            _(
                "The file “%(name)s” is not a PDF, Word (DOCX), Excel (XLSX), OpenDocument "
                "text (ODT), PNG, JPEG or plain UTF-8 text file, whatever its name says."
            )
            % {"name": name},
            "file_type",
            name=name,
        )
    return CheckedFile(
        kind=kind, content=content, name=safe_name(name, kind), text=extract_text(kind, content)
    )


def _too_large(name: str, size: int, limit: int) -> RuleViolation:
    return _refuse(
        _("The file “%(name)s” is %(size)s; files of at most %(limit)s are accepted.")
        % {"name": name, "size": filesizeformat(size), "limit": filesizeformat(limit)},
        "file_too_large",
        name=name,
        size=size,
        limit=limit,
    )


def extract_text(kind: FileKind, content: bytes) -> str:
    """The text of a file, for the search index. Images have none."""
    if kind == FileKind.PDF:
        return _pdf_text(content)
    if kind == FileKind.TEXT:
        return content.decode("utf-8")
    if kind in (FileKind.DOCX, FileKind.XLSX, FileKind.ODT):
        return _office_text(kind, content)
    return ""


def _pdf_text(content: bytes) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(content))
        if reader.is_encrypted and not reader.decrypt(""):
            raise _refuse(
                _("The PDF is protected with a password; upload it without one."),
                "pdf_encrypted",
            )
        return "\n\n".join(page.extract_text() or "" for page in reader.pages)
    except RuleViolation:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, OSError) as error:
        raise _refuse(
            _("The PDF cannot be read (%(error)s); is it damaged?") % {"error": error},
            "pdf_unreadable",
        ) from error


# Which parts of an office file hold its text, and the XML elements of a paragraph.
_OFFICE_PARTS = {
    FileKind.DOCX: (r"word/(document|header\d*|footer\d*)\.xml", {"p"}),
    FileKind.XLSX: (r"xl/(sharedStrings|worksheets/sheet\d+)\.xml", {"si", "row"}),
    FileKind.ODT: (r"content\.xml", {"p", "h"}),
}


def _office_text(kind: FileKind, content: bytes) -> str:
    pattern, paragraphs = _OFFICE_PARTS[kind]
    texts = []
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            for info in archive.infolist():
                if not re.fullmatch(pattern, info.filename):
                    continue
                with archive.open(info) as part:
                    data = part.read(MAX_PART_BYTES + 1)
                if len(data) > MAX_PART_BYTES:
                    raise _refuse(
                        _("The file unpacks to more text than can be read."), "file_unpacks"
                    )
                texts.append(_xml_text(data, paragraphs))
    except RuleViolation:
        raise
    except (zipfile.BadZipFile, ElementTree.ParseError, OSError, RuntimeError) as error:
        raise _refuse(
            _("The file cannot be read (%(error)s); is it damaged?") % {"error": error},
            "file_unreadable",
        ) from error
    return "\n\n".join(t for t in texts if t)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _xml_text(data: bytes, paragraphs: set[str]) -> str:
    """The text of the paragraphs of an office XML part, one per line (a spreadsheet
    row: its cells, tab-separated)."""
    lines = []
    for element in ElementTree.fromstring(data).iter():
        name = _local(element.tag)
        if name == "row":
            line = "\t".join(filter(None, map(_cell_text, element)))
        elif name in paragraphs:
            line = "".join(element.itertext()).strip()
        else:
            continue
        if line:
            lines.append(line)
    return "\n".join(lines)


def _cell_text(cell) -> str:
    """A spreadsheet cell's own text: an inline string or a value (a shared string's
    number is left out: the shared strings are read themselves)."""
    if cell.get("t") == "s":
        return ""
    return "".join(cell.itertext()).strip()
