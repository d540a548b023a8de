"""A proposal as a standalone HTML document and as a PDF (WeasyPrint, no network).

WeasyPrint is imported when a PDF is made: it parses its own stylesheets on import and
logs every step at INFO, which nothing else needs to pay for or read.
"""

import logging
from functools import cache

from django.template.loader import render_to_string

from .selectors import Proposal

logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


@cache
def _fetcher():
    from weasyprint import URLFetcher

    # Only local files and inline data: a proposal never reaches out to the network.
    return URLFetcher(allowed_protocols={"file", "data"})


@cache
def _stylesheet():
    from weasyprint import CSS

    return CSS(string=render_to_string("proposals/print.css"), url_fetcher=_fetcher())


def proposal_document(proposal: Proposal) -> str:
    return render_to_string("proposals/proposal_pdf.html", {"proposal": proposal})


def proposal_pdf(proposal: Proposal) -> bytes:
    from weasyprint import HTML

    html = HTML(string=proposal_document(proposal), url_fetcher=_fetcher())
    return html.write_pdf(stylesheets=[_stylesheet()])


def proposal_filename(proposal: Proposal) -> str:
    return f"voorstel-{proposal.duo_number}.pdf"
