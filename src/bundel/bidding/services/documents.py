"""Tender documents: staff upload PDFs to a tender; a document uploaded again under the
same title is its next version."""

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from bundel.audit.services import audit_log
from bundel.core.errors import RuleViolation
from bundel.tenders.constants import TenderState
from bundel.tenders.models import Tender

from .. import clock
from ..models import TenderDocument, document_path
from ..uploads import check_pdf, removing_files_on_error
from .common import locked_tender, require_staff, require_state

# Documents are added while the tender is prepared and, as addenda, while it is open.
UPLOAD_STATES = (TenderState.DRAFT, TenderState.DEMAND_REGISTRATION, TenderState.PUBLISHED)
TITLE_MAX = 200


@transaction.atomic
def document_upload(*, tender: Tender, title: str, upload, by) -> TenderDocument:
    """Add a document, or the next version of the document with this title."""
    require_staff(by)
    title = " ".join((title or "").split())
    if not title:
        raise RuleViolation(_("Give the document a title."), code="title")
    if len(title) > TITLE_MAX:
        raise RuleViolation(
            _("A title has at most %(max)s characters."), code="title", params={"max": TITLE_MAX}
        )
    checked = check_pdf(upload)
    current = locked_tender(tender)
    require_state(
        current,
        UPLOAD_STATES,
        _("The tender %(tender)r is %(state)s: documents are added until bids close."),
    )
    if clock.now() >= current.closing_at:
        raise RuleViolation(_("Bids have closed: documents can no longer be added."), code="closed")
    latest = TenderDocument.objects.filter(tender=current, title=title).aggregate(Max("version"))
    document = TenderDocument(
        tender=current,
        title=title,
        version=(latest["version__max"] or 0) + 1,
        file_name=checked.name,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=by,
        uploaded_at=clock.now(),
    )
    document.file.name = document_path(document, checked.name)
    document.full_clean()
    written: list[str] = []
    with removing_files_on_error(written):
        stored = default_storage.save(document.file.name, ContentFile(checked.content))
        written.append(stored)
        document.file.name = stored
        document.save()
        audit_log(
            action="bidding.document.uploaded",
            obj=document,
            actor=by,
            data={
                "tender": current.pk,
                "title": title,
                "version": document.version,
                "file_name": checked.name,
                "size": checked.size,
                "sha256": checked.sha256,
            },
        )
    return document
