"""Login throttling (django-axes): after AXES_FAILURE_LIMIT failed logins in a row, the
account is blocked from that address for the cool-off period, with a page that says so."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.test import RequestFactory

from bundel.accounts.throttling import client_ip

from .conftest import log_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def fail(client, times: int, username: str = "contact", **extra):
    return [log_in(client, username, "wrong-password", **extra) for _ in range(times)]


def test_five_failed_logins_block_the_account_from_that_address(client, contact, settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    assert timedelta(minutes=30) == settings.AXES_COOLOFF_TIME
    answers = fail(client, 5)

    assert [a.status_code for a in answers] == [200, 200, 200, 200, 429]
    page = answers[-1].content.decode()
    assert "Too many failed logins" in page
    assert "failed 5 times in a row" in page and "Try again in 30 minutes" in page
    # The right password does not help now ...
    blocked = log_in(client, "contact")
    assert blocked.status_code == 429
    assert not client.get("/").context["user"].is_authenticated
    # ... from another address it works.
    other = client.__class__(REMOTE_ADDR="10.0.0.7")
    assert log_in(other, "contact").status_code == 302


def test_the_block_ends_after_the_cool_off(client, contact):
    fail(client, 5)
    assert log_in(client, "contact").status_code == 429

    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=31)
    )

    response = log_in(client, "contact")
    assert (response.status_code, response.url) == (302, "/")


def test_a_success_before_the_limit_starts_the_count_again(client, contact):
    fail(client, 4)
    assert log_in(client, "contact").status_code == 302
    client.post("/accounts/logout/")

    assert [a.status_code for a in fail(client, 4)] == [200] * 4


def test_the_limit_and_cool_off_are_settings(client, contact, settings):
    settings.AXES_FAILURE_LIMIT = 2
    settings.AXES_COOLOFF_TIME = timedelta(minutes=5)

    answers = fail(client, 2)

    assert [a.status_code for a in answers] == [200, 429]
    assert "Try again in 5 minutes" in answers[-1].content.decode()


def test_another_account_from_the_same_address_is_not_blocked(client, contact, outsider):
    fail(client, 5)
    assert log_in(client, "outsider").status_code == 302


def test_the_address_behind_trusted_proxies(settings):
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.1.1.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9, 10.0.0.2"
    )
    assert client_ip(request) == "10.1.1.1"
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(request) == "203.0.113.9"  # the left-most entry came from the client
    settings.TRUSTED_PROXY_COUNT = 4
    assert client_ip(request) == "10.1.1.1"


def test_force_login_is_not_throttled(client, contact):
    fail(client, 5)
    client.force_login(contact)
    assert client.get("/membership/").status_code == 200
