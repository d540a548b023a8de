"""Passwords pass Django's validators; sessions end SESSION_COOKIE_AGE after login."""

from datetime import timedelta
from importlib import import_module

import pytest
from django.apps import apps as django_apps
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils import timezone

from bundel.accounts.constants import Role
from bundel.accounts.models import User
from bundel.accounts.services import user_create

from .conftest import log_in

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("kort-1", "at least 12 characters"),
        ("123456789012345", "entirely numeric"),
        ("password1234", "too common"),
        ("jansen@example", "too similar"),
    ],
)
def test_weak_passwords_are_refused(settings, password, message):
    settings.LANGUAGE_CODE = "en"
    with pytest.raises(ValidationError) as caught:
        user_create(
            username="jansen",
            email="jansen@example.test",
            password=password,
            role=Role.STAFF,
            last_name="Jansen",
        )
    assert message in " ".join(caught.value.messages)
    assert not User.objects.exists()


def test_the_demo_password_passes():
    user = user_create(
        username="staf", email="staf@bundel.test", password="bundel-demo-2026", role=Role.STAFF
    )
    assert user.check_password("bundel-demo-2026")


def test_a_session_ends_eight_hours_after_login(client, contact, settings):
    assert settings.SESSION_COOKIE_AGE == 8 * 3600
    log_in(client, "contact")
    assert client.session.get_expiry_age() == 8 * 3600
    assert client.get("/membership/").status_code == 200

    # Eight hours pass: the stored session expires, and so does its copy in the cache
    # (sessions are read through it, for as long as they last).
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    cache.clear()

    response = client.get("/membership/")
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


def test_a_session_from_before_the_account_backend_stays_logged_in(client, contact):
    """Sessions name the backend that logged them in; migration accounts 0003 rewrites
    those of Django's ModelBackend, which gave way to AccountBackend."""
    migration = import_module("bundel.accounts.migrations.0003_sessions_read_by_account_backend")
    client.force_login(contact, backend=migration.BEFORE)
    cache.clear()  # sessions are read through the cache: read the stored one
    assert client.get("/membership/").status_code == 302  # not read: logged out

    migration.forwards(django_apps, None)
    cache.clear()

    assert client.get("/membership/").status_code == 200
    assert client.session[migration.KEY] == migration.AFTER
