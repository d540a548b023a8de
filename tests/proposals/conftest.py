from datetime import date

import pytest

from ..factories import BoardFactory, LocationFactory, PupilCountFactory


def board_with(*counts, name="", duo_number=None, province="Utrecht"):
    """A board with one location per (sector type, pupils) count at the 2019 count date."""
    extra = {"duo_number": duo_number} if duo_number else {}
    board = BoardFactory(name=name, **extra)
    for sector_type, pupils in counts:
        location = LocationFactory(board=board, sector_type=sector_type, province=province)
        PupilCountFactory(location=location, pupils=pupils, count_date=date(2019, 10, 1))
    return board


@pytest.fixture
def rest_of_country(db):
    """Everyone else: with board 41211's 812 pupils, 8,120 pupils nationally."""
    return board_with(("bo", 7308), name="Stichting Rest van het Land")


@pytest.fixture
def large_board(db):
    """Primary and secondary, 1,300 pupils: the large fee, the Combination chamber."""
    return board_with(("bo", 900), ("vo", 400), name="Stichting Brede Scholen")
