"""The proposal page and its PDF: for staff and the board's own contact only."""

from datetime import date

import pytest
from django.urls import reverse

from bundel.membership.constants import State

from ..factories import MembershipFactory, UserFactory
from .conftest import board_with


def page(board):
    return reverse("proposals:board", args=[board.duo_number])


def pdf(board):
    return reverse("proposals:pdf", args=[board.duo_number])


@pytest.mark.django_db
def test_the_contact_sees_the_proposal_of_its_board(contact_client, board, rest_of_country):
    response = contact_client.get(page(board))

    assert response.status_code == 200
    html = response.content.decode()
    proposal = response.context["proposal"]
    assert proposal.duo_number == "41211"
    assert html.count(board.display_name) >= 5  # filled in wherever the seed names the board
    assert "€ 1.000" in html  # the small fee, in Dutch notation
    assert "10,0%" in html  # 812 of 8,120 pupils
    assert "Valkenswaard" in html
    assert reverse("proposals:pdf", args=["41211"]) in html


@pytest.mark.django_db
def test_the_seed_text_carries_the_boards_name(client, rest_of_country):
    board = board_with(("bo", 420), ("bo", 380), name="Stichting Kindante")
    client.force_login(UserFactory(board=board))

    html = client.get(page(board), headers={"accept-language": "en"}).content.decode()

    assert "What is in it for Stichting Kindante?" in html
    assert "Stichting Kindante:" in html
    assert "Tenders now being prepared in which Stichting Kindante can take part" in html
    assert "migrate its 2 locations in phases" in html
    assert "The yearly fee of Stichting Kindante in" in html
    assert "would vote in the chamber Small" in html


@pytest.mark.django_db
def test_a_large_board_sees_the_large_fee(client, large_board):
    client.force_login(UserFactory(board=large_board))

    html = client.get(page(large_board)).content.decode()

    assert "€ 2.800" in html
    assert "1.300" in html


@pytest.mark.django_db
def test_staff_see_any_boards_proposal_and_pdf(staff_client, board, large_board):
    assert staff_client.get(page(large_board)).context["proposal"].pupils == 1300

    response = staff_client.get(pdf(board))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert 'filename="voorstel-41211.pdf"' in response["Content-Disposition"]


@pytest.mark.django_db
def test_the_contact_gets_the_pdf_of_its_board(contact_client, board):
    response = contact_client.get(pdf(board))

    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")


@pytest.mark.django_db
def test_a_contact_of_another_board_gets_404_for_page_and_pdf(outsider_client, board):
    assert outsider_client.get(page(board)).status_code == 404
    assert outsider_client.get(pdf(board)).status_code == 404


@pytest.mark.django_db
def test_the_contact_of_a_member_still_sees_its_proposal(contact_client, board):
    MembershipFactory(board=board, state=State.MEMBER, admitted_on=date(2026, 3, 1))

    response = contact_client.get(page(board))

    assert response.status_code == 200
    assert response.context["proposal"].in_support is True
    assert response.context["proposal"].duo_number == "41211"


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_log_in(client, board):
    for url in (page(board), pdf(board)):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
def test_unknown_board_is_404_for_staff(staff_client):
    assert staff_client.get("/proposals/99999/").status_code == 404
    assert staff_client.get("/proposals/99999.pdf").status_code == 404
