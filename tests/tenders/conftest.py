import pytest

from bundel.accounts.constants import Role
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def supplier(db):
    return UserFactory(
        username="supplier", role=Role.SUPPLIER, board=None, organisation="Netwerk B.V."
    )


@pytest.fixture
def supplier_client(client, supplier):
    client.force_login(supplier)
    return client
