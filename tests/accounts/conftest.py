import pytest

from bundel.accounts.constants import Role

from ..factories import UserFactory


@pytest.fixture
def two_factor_on(settings):
    """As in production: staff and suppliers must use an authenticator app (the test
    settings leave it off for the other apps' tests)."""
    settings.TWO_FACTOR_REQUIRED_ROLES = ["staff", "supplier"]


@pytest.fixture
def english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def supplier(db):
    return UserFactory(
        username="supplier", role=Role.SUPPLIER, board=None, organisation="Netwerk B.V."
    )


def log_in(client, username: str, password: str = "correct-horse-battery", **extra):
    return client.post("/accounts/login/", {"username": username, "password": password}, **extra)
