"""Factories and fixtures of the bodies and meetings tests (import with `import *`).

The people: `board` (41211, 812 pupils: chamber Small) is a member with its contact;
`councillor` holds a council seat in Small; `outsider` is the contact of 10249, not a
member; `supplier` is a supplier's login; `staff` runs everything."""

from datetime import date, datetime, time, timedelta

import factory
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from bundel.accounts.constants import Role as UserRole
from bundel.governance.constants import Body, MeetingKind, Outcome
from bundel.governance.models import Appointment, Election, ElectionChamber, Meeting, Proposal

from ..factories import (
    BoardFactory,
    LocationFactory,
    MembershipFactory,
    PupilCountFactory,
    UserFactory,
)

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def at(day: date, hour: int = 19, minute: int = 30) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def pdf_upload(name: str = "voorstel.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def member_board(*, pupils: int = 600, **kwargs):
    """A board with one po location of `pupils` pupils that is a member now."""
    board = BoardFactory(**kwargs)
    PupilCountFactory(location=LocationFactory(board=board), pupils=pupils)
    MembershipFactory(board=board, state="member", admitted_on=date(2025, 1, 1))
    return board


class AppointmentFactory(factory.django.DjangoModelFactory):
    """A seat as stored; tests of the rules go through the services instead."""

    class Meta:
        model = Appointment

    body = Body.COUNCIL
    name = factory.Sequence(lambda n: f"Raadslid {n}")
    email = factory.Sequence(lambda n: f"raadslid{n}@example.test")
    chamber = "small"
    starts_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=365))
    ends_on = factory.LazyAttribute(lambda o: o.starts_on + timedelta(days=4 * 365))


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    kind = MeetingKind.COUNCIL
    title = factory.Sequence(lambda n: f"Ledenraadvergadering {n}")
    starts_at = factory.LazyFunction(lambda: at(timezone.localdate() - timedelta(days=7)))
    place = "Utrecht"
    agenda = "1. Opening\n2. Lidmaatschapsovereenkomst 2027\n3. Sluiting"


class ProposalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Proposal

    meeting = factory.SubFactory(MeetingFactory)
    title = factory.Sequence(lambda n: f"Voorstel {n}")
    text = "De ledenraad stemt in."


def decided(meeting, **counts) -> Proposal:
    """A proposal as stored after the vote (for pages and PDFs)."""
    values = {
        "outcome": Outcome.PASSED,
        "electorate": 9,
        "quorum": 5,
        "votes_for": 5,
        "votes_against": 2,
        "abstentions": 1,
    }
    values.update(counts)
    return ProposalFactory(
        meeting=meeting, voting_opened_at=meeting.starts_at, closed_at=meeting.starts_at, **values
    )


def counted_election(*, seats: dict[str, int], term_starts_on: date) -> Election:
    """A counted election as stored, for the seats it gave the chambers."""
    closes = at(term_starts_on - timedelta(days=1), 17, 0)
    election = Election.objects.create(
        title=f"Verkiezing ledenraad {term_starts_on.year}",
        nomination_opens_at=closes - timedelta(days=40),
        nomination_closes_at=closes - timedelta(days=20),
        voting_opens_at=closes - timedelta(days=14),
        voting_closes_at=closes,
        term_starts_on=term_starts_on,
        seed=7,
        counted_at=closes + timedelta(hours=1),
    )
    for chamber, n in seats.items():
        ElectionChamber.objects.create(election=election, chamber=chamber, seats=n)
    return election


# -- fixtures -------------------------------------------------------------------------------


@pytest.fixture
def english(settings):
    """Pages in English, so assertions name the message ids whatever is translated."""
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def membership(board):
    return MembershipFactory(board=board, state="member", admitted_on=date(2025, 1, 1))


@pytest.fixture
def councillor(board, membership):
    return UserFactory(
        board=board, role=UserRole.COUNCIL_MEMBER, username="raadslid", email="rosa@example.test"
    )


@pytest.fixture
def seat(councillor, board, today):
    return AppointmentFactory(
        name="Rosa Raadslid",
        email=councillor.email,
        user=councillor,
        board=board,
        chamber="small",
        starts_on=today - timedelta(days=200),
        ends_on=today + timedelta(days=1000),
    )


@pytest.fixture
def supplier(db):
    return UserFactory(
        role=UserRole.SUPPLIER, board=None, organisation="Demo Netwerken B.V.", username="lev"
    )


@pytest.fixture
def council_meeting(db):
    return MeetingFactory(title="Ledenraadvergadering voorjaar")


@pytest.fixture
def member_day(db):
    return MeetingFactory(kind=MeetingKind.MEMBER_DAY, title="Algemene ledendag")
