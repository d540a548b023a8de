"""Name badges of an event's attendees as PDF: ten to an A4 page (two columns of five,
90 x 54 mm, with cutting lines), rendered by WeasyPrint as the membership agreements are
(`bundel.membership.pdf.render_pdf`: no URL but `data:` is fetched)."""

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone

from bundel.membership.pdf import render_pdf

from .models import Event, Registration

COLUMNS, ROWS = 2, 5


def pages_of(attendees: list) -> list[list[list]]:
    """[[row, ...] per page], each row COLUMNS badges (the last padded with None)."""
    per_page = COLUMNS * ROWS
    pages = []
    for start in range(0, len(attendees), per_page):
        chunk = list(attendees[start : start + per_page])
        chunk += [None] * (-len(chunk) % COLUMNS)
        pages.append([chunk[i : i + COLUMNS] for i in range(0, len(chunk), COLUMNS)])
    return pages


def badges_pdf(*, event: Event, attendees: list[Registration], base_url: str) -> bytes:
    context = {
        "event": event,
        "starts": timezone.localtime(event.starts_at),
        "pages": pages_of(attendees),
    }
    html = render_to_string("events/badges_pdf.html", context)
    return render_pdf(html, base_url=base_url)


def badges_response(request, *, event: Event, attendees: list[Registration]) -> HttpResponse:
    document = badges_pdf(
        event=event, attendees=attendees, base_url=request.build_absolute_uri("/")
    )
    response = HttpResponse(document, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="naambadges-{event.pk}.pdf"'
    return response
