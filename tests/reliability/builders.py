"""Members, applicants and the catalogue made through the domain services, for the
reliability tests."""

from datetime import timedelta

from django.utils import timezone

from bundel.catalogue.demo import load_catalogue
from bundel.membership import services as membership
from bundel.membership.models import AgreementVersion, Membership

from ..factories import BoardFactory, LocationFactory, PupilCountFactory, UserFactory


def long_ago():
    return timezone.localdate() - timedelta(days=60)


def _version() -> AgreementVersion:
    version, _ = AgreementVersion.objects.get_or_create(
        kind="membership",
        version="2026.1",
        defaults={
            "valid_from": timezone.localdate() - timedelta(days=365),
            "summary": "Rights and obligations of members of the cooperative.",
        },
    )
    return version


def eligible_board(*, locations: int = 2, **board_fields):
    """A board with po locations and pupils, without a membership."""
    board = BoardFactory(**board_fields)
    for index in range(locations):
        PupilCountFactory(
            location=LocationFactory(board=board, name=f"Locatie {index + 1}"), pupils=300
        )
    return board


def applicant(staff, *, locations: int = 2, sign: bool = True, **board_fields) -> Membership:
    """A board with locations that applied (60 days ago) and signed the membership
    agreement (unless `sign` is False)."""
    board = eligible_board(locations=locations, **board_fields)
    _version()
    applied = membership.membership_start(board=board, kind="application", by=staff, on=long_ago())
    if not sign:
        return applied
    membership.agreement_sign(
        membership=applied,
        kind="membership",
        version="2026.1",
        signed_on=long_ago(),
        signer="Anna de Vries, voorzitter",
        by=staff,
    )
    return applied


def member(staff, **board_fields) -> Membership:
    """An admitted member with two locations; the catalogue loaded."""
    load_catalogue()
    return membership.membership_admit(
        membership=applicant(staff, **board_fields), by=staff, on=long_ago()
    )


def contact_of(board, **fields):
    return UserFactory(board=board, **fields)
