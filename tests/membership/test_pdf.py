"""The agreements as PDF: rendered by WeasyPrint from the board's data, for staff and the
board's own contacts only."""

import re
import zlib

import pytest
import weasyprint

from bundel.registry.models import Board

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def inflated(document: bytes) -> bytes:
    """The PDF with its streams inflated: WeasyPrint compresses its objects (including the
    outline, whose entries are the headings' text) into Flate streams."""
    parts = [document]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", document, re.S):
        try:
            parts.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    return b"\n".join(parts)


@pytest.fixture
def rendered(monkeypatch):
    """The keyword arguments of every WeasyPrint HTML() the views make (still rendered)."""
    calls = []
    real = weasyprint.HTML

    def spy(*args, **kwargs):
        calls.append(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(weasyprint, "HTML", spy)
    return calls


def test_contact_gets_the_signed_membership_agreement(
    contact_client, member, board, long_ago, rendered
):
    Board.objects.filter(pk=board.pk).update(
        name="Stichting Kempenkind",
        street="Markt",
        house_number="12",
        postcode="5554 CA",
        place="VALKENSWAARD",
    )

    response = contact_client.get(f"/membership/{member.pk}/agreement/membership.pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="membership-agreement-41211.pdf"'
    assert response.content.startswith(b"%PDF") and len(response.content) > 5000
    pdf = inflated(response.content)
    assert b"Membership agreement" in pdf
    assert b"Stichting Kempenkind \\(41211\\)" in pdf  # the outline entry of the board
    [call] = rendered
    html = call["string"]
    assert call["base_url"] == "http://testserver/"
    assert '<h2 class="board">Stichting Kempenkind (41211)</h2>' in html
    assert "Markt 12, 5554 CA Valkenswaard" in html
    assert re.search(r"<th>Locations</th><td>1</td>", html)
    assert "Version 2026.1" in html
    assert f"Signed by Anna de Vries, voorzitter on {long_ago:%d-%m-%Y}." in html
    assert "€ 1,000.00" in html  # the fee of a board of 812 pupils


def test_an_unsigned_agreement_prints_the_current_version_to_sign(
    contact_client, applied, service_version, rendered
):
    response = contact_client.get(f"/membership/{applied.pk}/agreement/service.pdf")

    assert response.content.startswith(b"%PDF")
    assert b"Service agreement" in inflated(response.content)
    html = rendered[0]["string"]
    assert "Version SLA-1" in html and "not signed yet" in html and "Signed by" not in html


def test_staff_get_any_boards_agreement(staff_client, member, rendered):
    response = staff_client.get(f"/membership/{member.pk}/agreement/membership.pdf")

    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    html = rendered[0]["string"]
    assert member.board.duo_number in html and member.board.display_name in html


def test_no_version_or_unknown_kind_is_404(contact_client, applied):
    assert contact_client.get(f"/membership/{applied.pk}/agreement/service.pdf").status_code == 404
    assert contact_client.get(f"/membership/{applied.pk}/agreement/lease.pdf").status_code == 404


def test_outsider_gets_404_for_the_first_boards_agreements(
    outsider_client, member, service_version, rendered
):
    for kind in ("membership", "service"):
        response = outsider_client.get(f"/membership/{member.pk}/agreement/{kind}.pdf")
        assert response.status_code == 404
    assert rendered == []


def test_anonymous_visitors_must_log_in_for_a_pdf(client, member):
    response = client.get(f"/membership/{member.pk}/agreement/membership.pdf")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
