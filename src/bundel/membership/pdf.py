"""The membership and service agreements as PDF, filled in with the board's data.

WeasyPrint renders an HTML template whose CSS is inline; the URL fetcher allows only
`data:` URLs, so rendering never reaches the network (nor this server).
"""

from django.http import Http404, HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from bundel.registry import selectors as registry_selectors

from . import selectors
from .constants import AgreementKind, NoticeBy
from .models import AgreementVersion, Membership
from .services import notice_terms


def render_pdf(html: str, *, base_url: str) -> bytes:
    # Imported here: WeasyPrint is slow to import and only the PDF views need it.
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols=("data",))
    return HTML(string=html, base_url=base_url, url_fetcher=fetcher).write_pdf()


def agreement_context(*, membership: Membership, kind: str, user) -> dict:
    """What the agreement shows: the signed version and signature, or else the version
    valid today (to be signed)."""
    today = timezone.localdate()
    agreement = membership.agreements.filter(version__kind=kind).select_related("version").last()
    if agreement:
        version = agreement.version
    else:
        versions = AgreementVersion.objects.filter(kind=kind)
        version = versions.filter(valid_from__lte=today).first() or versions.first()
    if version is None:
        raise Http404(_("There is no version of this agreement yet."))
    board = registry_selectors.board_detail(user=user, duo_number=membership.board.duo_number)
    return {
        "kind": kind,
        "title": AgreementKind(kind).label,
        "membership": membership,
        "board": board,
        "version": version,
        "agreement": agreement,
        "fee": selectors.fee_for_board(board, year=today.year),
        "notice_months_member": notice_terms(NoticeBy.MEMBER).months,
        "notice_months_cooperative": notice_terms(NoticeBy.COOPERATIVE).months,
        "today": today,
    }


def agreement_response(request, *, membership: Membership, kind: str) -> HttpResponse:
    context = agreement_context(membership=membership, kind=kind, user=request.user)
    html = render_to_string("membership/agreement_pdf.html", context, request=request)
    document = render_pdf(html, base_url=request.build_absolute_uri("/"))
    response = HttpResponse(document, content_type="application/pdf")
    filename = f"{slugify(context['title'])}-{membership.board.duo_number}.pdf"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
