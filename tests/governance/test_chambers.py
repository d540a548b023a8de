"""The chamber a board would sit in: Small up to the fee's line, else by its sectors."""

import pytest
from django.conf import settings as conf
from hypothesis import given
from hypothesis import strategies as st

from bundel.governance.chambers import Chamber, chamber_for


@pytest.mark.parametrize(
    ("has_po", "has_vo", "pupils", "chamber"),
    [
        (True, False, 812, Chamber.SMALL),  # a one-school po board
        (False, True, 640, Chamber.SMALL),  # a small vo board: Small, not VO
        (True, True, 950, Chamber.SMALL),  # small with both sectors: still Small
        (True, False, 1000, Chamber.SMALL),  # the line itself is small (as for the fee)
        (True, False, 1001, Chamber.PO),
        (False, True, 1001, Chamber.VO),
        (True, True, 1001, Chamber.COMBINATION),
        (True, False, 12_480, Chamber.PO),
        (False, True, 57_307, Chamber.VO),
        (True, True, 31_250, Chamber.COMBINATION),
        (True, False, None, Chamber.SMALL),  # pupils unknown count as none, as for the fee
        (False, False, 500, None),  # no po or vo locations: cannot be a member
        (False, False, None, None),
    ],
)
def test_chamber_for_real_looking_boards(has_po, has_vo, pupils, chamber):
    assert chamber_for(has_po=has_po, has_vo=has_vo, pupils=pupils) == chamber


def test_the_small_line_is_the_setting(settings):
    settings.SMALL_BOARD_MAX_PUPILS = 2500

    assert chamber_for(has_po=True, has_vo=True, pupils=2500) == Chamber.SMALL
    assert chamber_for(has_po=True, has_vo=True, pupils=2501) == Chamber.COMBINATION


@given(has_po=st.booleans(), has_vo=st.booleans(), pupils=st.integers(min_value=0, max_value=10**6))
def test_small_exactly_up_to_the_line_and_otherwise_by_sector(has_po, has_vo, pupils):
    chamber = chamber_for(has_po=has_po, has_vo=has_vo, pupils=pupils)

    if not (has_po or has_vo):
        assert chamber is None
    elif pupils <= conf.SMALL_BOARD_MAX_PUPILS:
        assert chamber == Chamber.SMALL
    else:
        assert (
            chamber
            == {
                (True, True): Chamber.COMBINATION,
                (True, False): Chamber.PO,
                (False, True): Chamber.VO,
            }[(has_po, has_vo)]
        )


def test_chambers_are_the_four_of_the_seed():
    assert [c.value for c in Chamber] == ["po", "vo", "combination", "small"]


def test_the_chamber_shows_on_the_members_page(contact_client, board, settings):
    """Board 41211 in the fixture: one po location with 812 pupils, so Small."""
    settings.LANGUAGE_CODE = "en"
    from tests.factories import MembershipFactory

    MembershipFactory(board=board, state="member")
    page = contact_client.get("/membership/")
    assert page.status_code == 200
    assert '<dd class="chamber">Small' in page.text
