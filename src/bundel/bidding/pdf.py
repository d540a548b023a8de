"""The nota van inlichtingen and the award decision letters as PDF (WeasyPrint, through
`membership.pdf.render_pdf`: the URL fetcher reads `data:` URLs only)."""

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify

from bundel.membership.pdf import render_pdf


def pdf_response(request, *, template: str, context: dict, filename: str) -> HttpResponse:
    html = render_to_string(template, context, request=request)
    document = render_pdf(html, base_url=request.build_absolute_uri("/"))
    response = HttpResponse(document, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def nota_filename(tender) -> str:
    return f"nota-van-inlichtingen-{tender.pk}-{timezone.localdate():%Y%m%d}.pdf"


def letter_filename(bid) -> str:
    name = slugify(bid.organisation)
    return f"gunningsbeslissing-{bid.tender_id}-perceel-{bid.lot.number}-{name}.pdf"
