"""The demo bodies and meetings: realistic, through the services, and idempotent."""

from datetime import timedelta

import pytest
from django.utils import timezone

from bundel.governance.constants import Body, MeetingKind, Outcome
from bundel.governance.demo_bodies import seed_bodies
from bundel.governance.models import Appointment, Meeting
from bundel.governance.selectors.bodies import appointment_history, composition_on
from bundel.membership.selectors import is_member

from .factories import *  # noqa: F403
from .factories import AppointmentFactory, member_board

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english", "media")]


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def members(db):
    return [member_board(pupils=400 + n) for n in range(6)]


def test_the_demo_seats_the_bodies_and_holds_a_meeting(staff, members, today):
    for n in range(9):  # the council, as the demo election seats it
        AppointmentFactory(name=f"Raadslid {n}", starts_on=today - timedelta(days=120))

    created = seed_bodies(staff=staff)
    again = seed_bodies(staff=staff)

    composition = composition_on()
    board = composition.board.members
    assert [s.seat_kind for s in board].count("member") == 3
    assert [s.seat_kind for s in board].count("professional") == 2
    assert all(is_member(s.board) for s in board if s.seat_kind == "member")
    assert [s.role for s in board].count("chair") == 1
    assert len(composition.supervisory.members) == 3
    assert not composition.supervisory.below_minimum
    assert all(s.employer and s.employer_board is None for s in composition.supervisory.members)
    assert [s.name for s in appointment_history(user=staff)] == ["Karin Visser"]
    assert not Appointment.objects.filter(body=Body.COUNCIL).exclude(name__startswith="Raadslid")

    past = Meeting.objects.get(kind=MeetingKind.COUNCIL)
    assert past.starts_at < timezone.now() and past.minutes_published_at is not None
    proposals = list(past.proposals.order_by("pk"))
    assert [p.title for p in proposals] == [
        "Lidmaatschapsovereenkomst 2027",
        "Meerjarenplan 2027-2030",
    ]
    assert [p.outcome for p in proposals] == [Outcome.PASSED, Outcome.PASSED]
    assert [(p.electorate, p.quorum) for p in proposals] == [(9, 5), (9, 5)]
    assert [(p.votes_for, p.votes_against, p.abstentions) for p in proposals] == [
        (8, 1, 0),
        (6, 2, 1),
    ]
    assert past.documents.count() == 2
    assert past.documents.first().file.read(5) == b"%PDF-"
    member_day = Meeting.objects.get(kind=MeetingKind.MEMBER_DAY)
    assert member_day.starts_at > timezone.now()
    assert created == 6 + 3 + 5 + 2 and again == 0


def test_without_a_seated_council_the_past_meeting_waits(staff, members):
    created = seed_bodies(staff=staff)

    assert not Meeting.objects.filter(kind=MeetingKind.COUNCIL).exists()
    assert Meeting.objects.filter(kind=MeetingKind.MEMBER_DAY).count() == 1
    assert created == 6 + 3 + 2
