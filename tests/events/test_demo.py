"""The demo events: a member day, two webinars, a full workshop with a waiting list, the
demo council member registered; a second run creates nothing."""

import pytest
from django.utils import timezone

from bundel.accounts.constants import Role
from bundel.events.demo import seed_demo
from bundel.events.models import Event, Registration

from ..factories import BoardFactory, MembershipFactory, UserFactory
from .factories import board_in_state

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_world(staff):
    for _ in range(6):
        board_in_state("member")
    council_board = BoardFactory(duo_number="10249")
    MembershipFactory(board=council_board, state="member", admitted_on=timezone.localdate())
    return UserFactory(username="raadslid", role=Role.COUNCIL_MEMBER, board=council_board)


def test_the_demo_events_and_registrations(staff, demo_world):
    assert seed_demo(staff=staff) == 4

    kinds = sorted(Event.objects.values_list("kind", flat=True))
    assert kinds == ["member_day", "webinar", "webinar", "workshop"]
    member_day = Event.objects.get(kind="member_day")
    assert member_day.title.startswith("Ledendag ") and member_day.starts_at > timezone.now()
    workshop = Event.objects.get(kind="workshop")
    states = list(workshop.registrations.values_list("state", flat=True).order_by("pk"))
    assert states == ["confirmed"] * 4 + ["waitlisted"]
    assert workshop.capacity == 4
    council = sorted(
        Registration.objects.filter(user=demo_world).values_list("event__kind", "state")
    )
    assert council == [("member_day", "confirmed"), ("webinar", "confirmed")]
    assert Event.objects.filter(audience="members_and_interested").count() == 1


def test_a_second_run_creates_nothing(staff, demo_world):
    seed_demo(staff=staff)
    before = (Event.objects.count(), Registration.objects.count())

    assert seed_demo(staff=staff) == 0
    assert (Event.objects.count(), Registration.objects.count()) == before
