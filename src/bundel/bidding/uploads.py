"""Uploaded tender documents and bid attachments: PDFs, told by their content
(`bundel.core.uploads`), never by their name or the type the browser claims, of at most
`BIDDING_UPLOAD_MAX_BYTES`. A refused file raises `RuleViolation` naming the file and
why; the services check every file before they store anything."""

import hashlib
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.core.files.storage import default_storage

from bundel.core import uploads
from bundel.core.uploads import FileKind


@dataclass(frozen=True)
class CheckedPdf:
    name: str  # the uploader's name, made safe, ending in .pdf
    content: bytes
    sha256: str

    @property
    def size(self) -> int:
        return len(self.content)


def safe_name(original: str) -> str:
    return uploads.safe_name(original, FileKind.PDF, max_stem=150)


def check_pdf(upload) -> CheckedPdf:
    """Read an uploaded file (a Django `UploadedFile` or any file object with a name)
    and refuse it when it is empty, too large or not a PDF."""
    checked = uploads.check_upload(
        upload, allowed={FileKind.PDF}, max_bytes=settings.BIDDING_UPLOAD_MAX_BYTES
    )
    return CheckedPdf(
        name=safe_name(checked.name),
        content=checked.content,
        sha256=hashlib.sha256(checked.content).hexdigest(),
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
