"""What an uploaded file is, told by its content, and the one check every upload passes.

The kind of a file is read from its first bytes (and for the zip-based office formats
from the parts inside), never from its name or the type the browser claims. Each app
says which kinds it accepts and how large a file may be; `check_upload` refuses anything
else with a `RuleViolation` naming the file, what it is by its content and what is
accepted, so nothing is stored.

Refusal codes: `empty`, `too_large`, `file_type`, `file_unpacks` (an office file that
unpacks to more than `MAX_UNPACKED_BYTES`: a zip bomb), `file_macros`.
"""

import io
import re
import zipfile
import zlib
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import PurePath

from django.db import models
from django.template.defaultfilters import filesizeformat
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .errors import RuleViolation


class FileKind(models.TextChoices):
    """The kinds of file Bundel accepts anywhere (an app accepts some of them)."""

    PDF = "pdf", gettext_lazy("PDF document")
    PNG = "png", gettext_lazy("PNG image")
    JPEG = "jpeg", gettext_lazy("JPEG image")
    DOCX = "docx", gettext_lazy("Word document")
    XLSX = "xlsx", gettext_lazy("Excel workbook")
    PPTX = "pptx", gettext_lazy("PowerPoint presentation")
    ODT = "odt", gettext_lazy("OpenDocument text")
    ODS = "ods", gettext_lazy("OpenDocument spreadsheet")
    ODP = "odp", gettext_lazy("OpenDocument presentation")
    TEXT = "txt", gettext_lazy("Plain text")


# What a download is served as: a fixed, safe type per kind (never the uploader's).
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
ZIP_KINDS = frozenset(
    {FileKind.DOCX, FileKind.XLSX, FileKind.PPTX, FileKind.ODT, FileKind.ODS, FileKind.ODP}
)
# An office file whose parts together unpack to more than this is refused (a zip bomb).
# The sizes are those the zip declares; reading a part never yields more than declared.
MAX_UNPACKED_BYTES = 100 * 1024 * 1024

_SIGNATURES = (
    (b"%PDF-", FileKind.PDF),
    (b"\x89PNG\r\n\x1a\n", FileKind.PNG),
    (b"\xff\xd8\xff", FileKind.JPEG),
)
_OOXML_MAIN_PARTS = (
    ("word/document.xml", FileKind.DOCX),
    ("xl/workbook.xml", FileKind.XLSX),
    ("ppt/presentation.xml", FileKind.PPTX),
)
_ODF_MIMETYPES = {
    b"application/vnd.oasis.opendocument.text": FileKind.ODT,
    b"application/vnd.oasis.opendocument.spreadsheet": FileKind.ODS,
    b"application/vnd.oasis.opendocument.presentation": FileKind.ODP,
}
# Text has no control characters besides tab, newline, form feed and carriage return.
_BINARY = re.compile(rb"[\x00-\x08\x0b\x0e-\x1f\x7f]")
# Text a browser would take for a web page, or an image it runs scripts in.
_MARKUP = re.compile(
    rb"\s*<(?:!doctype|html|head|body|script|iframe|svg|\?xml|!--|meta|style|object|embed)\b",
    re.IGNORECASE,
)
_ZIP_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    OSError,
    EOFError,
    KeyError,
    ValueError,
    RuntimeError,  # NotImplementedError (an unknown compression) is one
)


@dataclass(frozen=True)
class _Zip:
    kind: FileKind | None
    macros: bool
    unpacked: int  # the sizes its parts declare, together


@dataclass(frozen=True)
class _Sniffed:
    kind: FileKind | None
    what: str  # for a refusal: what the content is, e.g. "Windows program"
    what_code: str
    zip: _Zip | None = None


@dataclass(frozen=True)
class CheckedUpload:
    kind: FileKind
    content: bytes
    name: str  # the uploader's file name without folders (not made safe: see safe_name)

    @property
    def size(self) -> int:
        return len(self.content)

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.kind]


def _read_zip(content: bytes) -> _Zip | None:
    """The office kind of a zip, whether it holds macros and how large it unpacks;
    None when it cannot be read as a zip."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            infos = archive.infolist()
            names = {info.filename for info in infos}
            kind = None
            if "mimetype" in names:
                with archive.open("mimetype") as part:
                    kind = _ODF_MIMETYPES.get(part.read(100).strip())
            elif "[Content_Types].xml" in names:
                kind = next((k for part, k in _OOXML_MAIN_PARTS if part in names), None)
            macros = any(
                name.lower().endswith("vbaproject.bin") or name.startswith(("Basic/", "Scripts/"))
                for name in names
            )
            return _Zip(kind=kind, macros=macros, unpacked=sum(i.file_size for i in infos))
    except _ZIP_ERRORS:
        return None


def _is_text(content: bytes) -> bool:
    if _BINARY.search(content):
        return False
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _sniff(content: bytes) -> _Sniffed:
    for magic, kind in _SIGNATURES:
        if content.startswith(magic):
            return _Sniffed(kind, str(kind.label), kind.value)
    if content.startswith(b"PK\x03\x04"):
        archive = _read_zip(content)
        if archive is None:
            return _Sniffed(None, _("damaged zip archive"), "zip")
        if archive.kind is None:
            return _Sniffed(None, _("zip archive"), "zip", archive)
        return _Sniffed(archive.kind, str(archive.kind.label), archive.kind.value, archive)
    if content.startswith(b"MZ") or content.startswith(b"\x7fELF"):
        return _Sniffed(None, _("program (executable)"), "program")
    if _is_text(content):
        if _MARKUP.match(content.removeprefix(b"\xef\xbb\xbf")):
            # Plain text where text is accepted (served as text/plain, never rendered),
            # but a refusal names it for what it is.
            return _Sniffed(FileKind.TEXT, _("web page or XML (HTML, SVG, XML)"), "markup")
        return _Sniffed(FileKind.TEXT, str(FileKind.TEXT.label), FileKind.TEXT.value)
    return _Sniffed(None, _("unknown"), "unknown")


def detect_kind(content: bytes) -> FileKind | None:
    """The kind of a file by its content, or None when it is none of FileKind (a zip is
    an office file only with that format's parts; a web page is plain text, served as
    such)."""
    return _sniff(content).kind


def safe_name(original: str, kind: FileKind, *, max_stem: int = 100) -> str:
    """The uploader's file name without folders or odd characters, ending in the
    extension of what the file is."""
    stem = PurePath((original or "").replace("\\", "/")).stem or "document"
    stem = get_valid_filename(stem)[:max_stem].strip("._-") or "document"
    return f"{stem}.{FileKind(kind).value}"


def _sizes(size: int, limit: int) -> dict:
    """Sizes for a message ("1.2 KB") and, as `*_code`, in bytes for API clients."""
    return {
        "size": filesizeformat(size),
        "size_code": size,
        "limit": filesizeformat(limit),
        "limit_code": limit,
    }


def _too_large(name: str, size: int, limit: int) -> RuleViolation:
    return RuleViolation(
        _("The file “%(name)s” is %(size)s; files of at most %(limit)s are accepted."),
        code="too_large",
        params={"name": name, **_sizes(size, limit)},
    )


def check_upload(
    upload,
    *,
    allowed: Collection[FileKind],
    max_bytes: int,
    allow_macros: bool = False,
    max_unpacked_bytes: int = MAX_UNPACKED_BYTES,
) -> CheckedUpload:
    """Read an uploaded file (a Django `UploadedFile` or any file object with a name) and
    refuse it when it is empty, larger than `max_bytes`, not of an `allowed` kind by its
    content, an office file with macros (unless `allow_macros`) or one that unpacks to
    more than `max_unpacked_bytes`. The file is left at its start, for storing."""
    name = PurePath((getattr(upload, "name", "") or "").replace("\\", "/")).name or "document"
    size = getattr(upload, "size", None)
    if size is not None and size > max_bytes:
        raise _too_large(name, size, max_bytes)
    upload.seek(0)
    content = upload.read(max_bytes + 1)
    upload.seek(0)
    if len(content) > max_bytes:
        raise _too_large(name, len(content), max_bytes)
    if not content:
        raise RuleViolation(_("The file “%(name)s” is empty."), code="empty", params={"name": name})
    sniffed = _sniff(content)
    wanted = {FileKind(kind) for kind in allowed}
    accepted = [kind for kind in FileKind if kind in wanted]
    if sniffed.kind not in accepted:
        raise RuleViolation(
            _(
                "The file “%(name)s” is not accepted: by its content it is of the type "
                "“%(kind)s” (whatever its name says). Accepted: %(allowed)s."
            ),
            code="file_type",
            params={
                "name": name,
                "kind": sniffed.what,
                "kind_code": sniffed.what_code,
                "allowed": ", ".join(str(kind.label) for kind in accepted),
                "allowed_code": [kind.value for kind in accepted],
            },
        )
    if sniffed.zip is not None:
        if sniffed.zip.macros and not allow_macros:
            raise RuleViolation(
                _(
                    "The file “%(name)s” (%(kind)s) contains macros; files with macros are "
                    "not accepted. Save it without macros and upload it again."
                ),
                code="file_macros",
                params={"name": name, "kind": sniffed.what, "kind_code": sniffed.what_code},
            )
        if sniffed.zip.unpacked > max_unpacked_bytes:
            raise RuleViolation(
                _(
                    "The file “%(name)s” unpacks to %(size)s; office files that unpack to "
                    "at most %(limit)s are accepted."
                ),
                code="file_unpacks",
                params={"name": name, **_sizes(sniffed.zip.unpacked, max_unpacked_bytes)},
            )
    return CheckedUpload(kind=sniffed.kind, content=content, name=name)
