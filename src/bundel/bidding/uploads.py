"""Uploaded tender documents and bid attachments: PDFs, told by their content (the magic
bytes `%PDF-`), never by their name or the type the browser claims, of at most
`BIDDING_UPLOAD_MAX_BYTES`. A refused file raises `RuleViolation` naming the file and
why; the services check every file before they store anything."""

import hashlib
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.files.storage import default_storage
from django.template.defaultfilters import filesizeformat
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from bundel.core.errors import RuleViolation

PDF_MAGIC = b"%PDF-"


@dataclass(frozen=True)
class CheckedPdf:
    name: str  # the uploader's name, made safe, ending in .pdf
    content: bytes
    sha256: str

    @property
    def size(self) -> int:
        return len(self.content)


def safe_name(original: str) -> str:
    stem = PurePath((original or "").replace("\\", "/")).stem or "document"
    stem = get_valid_filename(stem)[:150].strip("._-") or "document"
    return f"{stem}.pdf"


def check_pdf(upload) -> CheckedPdf:
    """Read an uploaded file (a Django `UploadedFile` or any file object with a name)
    and refuse it when it is empty, too large or not a PDF."""
    limit = settings.BIDDING_UPLOAD_MAX_BYTES
    name = PurePath((getattr(upload, "name", "") or "document").replace("\\", "/")).name
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise _too_large(name, size, limit)
    upload.seek(0)
    content = upload.read(limit + 1)
    if len(content) > limit:
        raise _too_large(name, len(content), limit)
    if not content:
        raise RuleViolation(_("The file “%(name)s” is empty."), code="empty", params={"name": name})
    if not content.startswith(PDF_MAGIC):
        raise RuleViolation(
            _("The file “%(name)s” is not a PDF (by its content, whatever its name says)."),
            code="not_pdf",
            params={"name": name},
        )
    return CheckedPdf(
        name=safe_name(name), content=content, sha256=hashlib.sha256(content).hexdigest()
    )


def _too_large(name: str, size: int, limit: int) -> RuleViolation:
    return RuleViolation(
        _("The file “%(name)s” is %(size)s; files of at most %(limit)s are accepted."),
        code="too_large",
        params={"name": name, "size": filesizeformat(size), "limit": filesizeformat(limit)},
    )


@contextmanager
def removing_files_on_error(written: list[str]):
    """Files written during a change that then fails are deleted again: the transaction
    takes back the rows, but storage is not transactional."""
    try:
        yield
    except BaseException:
        for name in written:
            default_storage.delete(name)
        raise
