"""What a proposal says about a board: its figures, fee, chamber, services and support."""

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import translation

from bundel.governance.chambers import Chamber
from bundel.membership.constants import State
from bundel.proposals.selectors import (
    proposal_board,
    proposal_boards_visible_to,
    proposal_for,
    prospective_boards,
)
from bundel.registry.constants import Sector

from ..factories import BoardFactory, MembershipFactory
from .conftest import board_with

TODAY = date(2026, 6, 1)


def build(board, user):
    return proposal_for(proposal_board(user=user, duo_number=board.duo_number), on=TODAY)


@pytest.mark.django_db
def test_a_small_board_pays_the_small_fee_and_sits_in_the_small_chamber(
    board, staff, rest_of_country
):
    proposal = build(board, staff)

    assert proposal.duo_number == "41211"
    assert proposal.name == board.display_name
    assert proposal.place == "VALKENSWAARD"
    assert proposal.pupils == 812
    assert proposal.location_count == 1
    assert proposal.sector == Sector.PO
    assert proposal.chamber == Chamber.SMALL
    assert (proposal.fee.year, proposal.fee.amount, proposal.fee.is_small) == (
        2026,
        Decimal("1000.00"),
        True,
    )
    assert proposal.support.national_pupils == 8120
    assert proposal.share_percent == Decimal("10.0")  # 812 / 8,120


@pytest.mark.django_db
def test_a_large_board_with_po_and_vo(large_board, staff, rest_of_country):
    proposal = build(large_board, staff)

    assert proposal.pupils == 1300
    assert proposal.fee.amount == Decimal("2800.00") and not proposal.fee.is_small
    assert proposal.chamber == Chamber.COMBINATION
    assert proposal.sector == Sector.BOTH
    assert proposal.locations_by_sector_type == [("bo", 1), ("vo", 1)]
    assert sorted(line.pupils for line in proposal.locations) == [400, 900]
    assert proposal.share_percent == Decimal("15.1")  # 1,300 / 8,608 = 15.10 %


@pytest.mark.django_db
def test_share_and_support_with_and_without_the_board(board, staff, rest_of_country):
    MembershipFactory(
        board=rest_of_country,
        state=State.INTERESTED,
        interested_on=date(2026, 1, 5),
        applied_on=None,
    )

    proposal = build(board, staff)

    assert proposal.support.together.pupils == 7308
    assert not proposal.in_support
    assert proposal.together_percent == Decimal("90.0")
    assert proposal.together_with_board_percent == Decimal("100.0")


@pytest.mark.django_db
def test_a_board_already_in_the_coalition_adds_nothing_twice(board, staff, rest_of_country):
    MembershipFactory(board=board, state=State.APPLIED, applied_on=date(2026, 2, 1))

    proposal = build(board, staff)

    assert proposal.in_support
    assert proposal.together_with_board_percent == proposal.together_percent == Decimal("10.0")


@pytest.mark.django_db
def test_services_fit_the_number_of_locations(board, large_board, staff):
    with translation.override("en"):
        one = build(board, staff)
        two = build(large_board, staff)

    assert [s.key for s in one.services] == ["connectivity", "network", "cloud", "security"]
    assert "its location" in one.services[0].fit
    assert "its 2 locations" in two.services[0].fit
    assert "each of its 2 locations" in two.services[1].fit
    assert large_board.display_name in two.services[3].fit
    assert "Required" in two.services[3].fit  # security comes with external connectivity


@pytest.mark.django_db
def test_a_board_without_locations_gets_no_services(staff):
    empty = BoardFactory()

    proposal = build(empty, staff)

    assert proposal.services == []
    assert proposal.chamber is None
    assert proposal.share_percent is None  # no pupils anywhere: no national total


@pytest.mark.django_db
def test_who_sees_which_proposal(board, contact, outsider, staff):
    assert list(proposal_boards_visible_to(contact)) == [board]
    assert board not in proposal_boards_visible_to(outsider)
    assert board in proposal_boards_visible_to(staff)
    assert not proposal_boards_visible_to(AnonymousUser()).exists()
    contact.is_active = False
    assert not proposal_boards_visible_to(contact).exists()


@pytest.mark.django_db
def test_prospective_boards_leave_out_members_and_boards_without_locations(board):
    states = {
        State.INTERESTED: True,
        State.APPLIED: True,
        State.ENDED: True,
        State.REJECTED: True,
        State.MEMBER: False,
        State.NOTICE_GIVEN: False,
    }
    expected = {board.duo_number}
    for state, prospective in states.items():
        other = board_with(("vo", 300))
        MembershipFactory(board=other, state=state)
        if prospective:
            expected.add(other.duo_number)
    BoardFactory()  # no locations: cannot join

    found = prospective_boards()

    assert {b.duo_number for b in found} == expected
    assert {b.current_pupils for b in found} == {812, 300}
