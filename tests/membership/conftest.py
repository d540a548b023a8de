"""Memberships in each state, made through the services (as the pages would)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from bundel.membership import services

from ..factories import AgreementVersionFactory


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def long_ago(today):
    """A past date staff enter history with; after the versions' valid_from."""
    return today - timedelta(days=60)


@pytest.fixture
def membership_version(db, today):
    return AgreementVersionFactory(
        kind="membership", version="2026.1", valid_from=today - timedelta(days=365)
    )


@pytest.fixture
def service_version(db, today):
    return AgreementVersionFactory(
        kind="service", version="SLA-1", valid_from=today - timedelta(days=365)
    )


@pytest.fixture
def interested(board, staff, long_ago):
    return services.membership_start(board=board, kind="interest", by=staff, on=long_ago)


@pytest.fixture
def applied(interested, staff, long_ago):
    return services.membership_apply(membership=interested, by=staff, on=long_ago)


@pytest.fixture
def signed(applied, staff, long_ago, membership_version):
    services.agreement_sign(
        membership=applied,
        kind="membership",
        version="2026.1",
        signed_on=long_ago,
        signer="Anna de Vries, voorzitter",
        by=staff,
    )
    return applied


@pytest.fixture
def member(signed, staff, long_ago):
    return services.membership_admit(membership=signed, by=staff, on=long_ago)


@pytest.fixture
def english(settings):
    """Pages in English, so assertions name the message ids whatever is translated."""
    settings.LANGUAGE_CODE = "en"
