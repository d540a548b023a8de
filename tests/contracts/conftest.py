"""The shipped catalogue, board 41211 as a member taking part in a running contract, and
a supplier with its own account."""

import pytest

from bundel.accounts.constants import Role
from bundel.catalogue.demo import load_catalogue

from ..factories import UserFactory
from .factories import admit, make_contract


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def catalogue(db):
    load_catalogue()


@pytest.fixture
def member(board, staff, catalogue):
    """Board 41211 is a member."""
    admit(board, staff)
    return board


@pytest.fixture
def supplier(db):
    return UserFactory(
        username="supplier", role=Role.SUPPLIER, board=None, organisation="Netwerk B.V."
    )


@pytest.fixture
def other_supplier(db):
    return UserFactory(
        username="other-supplier", role=Role.SUPPLIER, board=None, organisation="Ander B.V."
    )


@pytest.fixture
def contract(staff, member, supplier):
    """Running since 30 days, EUR 100,000 a year at most; board 41211 takes part."""
    return make_contract(by=staff, boards=[member], supplier_user=supplier)
