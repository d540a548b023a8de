"""Checking an uploaded document file and reading its text for the search index.

The kind of a file is told by its content (`bundel.core.uploads`), never by its name or
the type the browser claims; a document file is one of `FileKind`, at most
`KNOWLEDGE_UPLOAD_MAX_BYTES`. Anything else is refused with a message that says why;
nothing is stored (`services.py` checks before it saves).
"""

import io
import re
import zipfile
import zlib
from dataclasses import dataclass
from xml.etree import ElementTree

from django.conf import settings
from django.utils.translation import gettext as _

from bundel.core import uploads as core
from bundel.core.errors import RuleViolation
from bundel.core.uploads import CONTENT_TYPES, detect_kind, safe_name

from .constants import FileKind

__all__ = ["CONTENT_TYPES", "CheckedFile", "check_upload", "detect_kind", "safe_name"]


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


def check_upload(upload) -> CheckedFile:
    """Read an uploaded file (a Django `UploadedFile`) and refuse it when it is empty,
    too large, not one of the kinds of `FileKind` by its content, or a PDF or office file
    that cannot be read (`bundel.core.uploads.check_upload`). Returns the file with its
    text for the search index."""
    checked = core.check_upload(
        upload,
        allowed=FileKind.values,
        max_bytes=settings.KNOWLEDGE_UPLOAD_MAX_BYTES,
        allow_macros=True,
    )
    kind = FileKind(checked.kind)
    return CheckedFile(
        kind=kind,
        content=checked.content,
        name=safe_name(checked.name, kind),
        text=extract_text(kind, checked.content),
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
                # At most what the zip declares, which check_upload bounded.
                texts.append(_xml_text(archive.read(info), paragraphs))
    except (
        zipfile.BadZipFile,
        zlib.error,
        ElementTree.ParseError,
        OSError,
        EOFError,
        RuntimeError,
    ) as error:
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
