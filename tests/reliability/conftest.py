"""Shared helpers of the reliability tests."""

from django.test import Client

from bundel.accounts.selectors import uses_two_factor

from ..accounts.helpers import verified_client


def login(user) -> Client:
    """A test client with `user` logged in (force_login) and, for a person who uses a
    second factor (staff and suppliers with an authenticator app), the code entered
    through the verification page (tests/accounts/helpers.py)."""
    client = Client()
    if uses_two_factor(user):
        return verified_client(client, user)
    client.force_login(user)
    return client
