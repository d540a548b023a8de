"""What a group file is, read from its first bytes (never from its name or the type the
browser claims): PDF, PNG, JPEG, zip-based office documents (Office Open XML and
OpenDocument, without macros) and UTF-8 plain text. Anything else is refused."""

import codecs
import zipfile

from .constants import FileKind

CHUNK = 64 * 1024
OOXML_PARTS = (("word/", FileKind.DOCX), ("xl/", FileKind.XLSX), ("ppt/", FileKind.PPTX))
ODF_TYPES = {
    b"application/vnd.oasis.opendocument.text": FileKind.ODT,
    b"application/vnd.oasis.opendocument.spreadsheet": FileKind.ODS,
    b"application/vnd.oasis.opendocument.presentation": FileKind.ODP,
}
# Bytes plain text does not contain: control characters other than tab, newline,
# form feed and carriage return.
BINARY = set(range(0x00, 0x09)) | {0x0B} | set(range(0x0E, 0x20)) | {0x7F}


def _office_kind(fileobj) -> FileKind | None:
    try:
        with zipfile.ZipFile(fileobj) as archive:
            names = archive.namelist()
            if any(name.lower().endswith("vbaproject.bin") for name in names):
                return None  # macros
            if "mimetype" in names and archive.getinfo("mimetype").file_size <= 100:
                return ODF_TYPES.get(archive.read("mimetype").strip())
            if "[Content_Types].xml" in names:
                for prefix, kind in OOXML_PARTS:
                    if any(name.startswith(prefix) for name in names):
                        return kind
    except (zipfile.BadZipFile, OSError, KeyError, ValueError):
        return None
    return None


def _is_text(fileobj) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")(errors="strict")
    seen = False
    try:
        while chunk := fileobj.read(CHUNK):
            seen = True
            if BINARY.intersection(chunk):
                return False
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return seen


def detect_kind(fileobj) -> FileKind | None:
    """The file's type by content, or None when it is not one a group accepts."""
    fileobj.seek(0)
    head = fileobj.read(8)
    fileobj.seek(0)
    try:
        if head.startswith(b"%PDF-"):
            return FileKind.PDF
        if head.startswith(b"\x89PNG\r\n\x1a\n"):
            return FileKind.PNG
        if head.startswith(b"\xff\xd8\xff"):
            return FileKind.JPEG
        if head.startswith(b"PK\x03\x04"):
            return _office_kind(fileobj)
        return FileKind.TEXT if _is_text(fileobj) else None
    finally:
        fileobj.seek(0)
