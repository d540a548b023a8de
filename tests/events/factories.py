"""Events as stored (tests of the rules go through the services) and people of boards in
each membership state."""

from datetime import timedelta

import factory
from django.utils import timezone

from bundel.events.constants import Audience, EventKind
from bundel.events.models import Event

from ..factories import BoardFactory, LocationFactory, MembershipFactory, UserFactory


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    kind = EventKind.WORKSHOP
    title = factory.Sequence(lambda n: f"Workshop {n}")
    programme = "10:00 Welkom\n10:15 Aan de slag"
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=14))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=2))
    place = "Kantoor Bundel, Utrecht"
    capacity = 10
    waiting_list = True
    registration_deadline = factory.LazyAttribute(lambda o: o.starts_at - timedelta(days=2))
    audience = Audience.MEMBERS


def board_in_state(state: str | None, **kwargs):
    """A board (with a po location, so eligible) whose open membership is in `state`
    (None: no membership at all)."""
    board = BoardFactory(**kwargs)
    LocationFactory(board=board)
    if state is not None:
        MembershipFactory(board=board, state=state, admitted_on=timezone.localdate())
    return board


def person_of(board, **kwargs):
    return UserFactory(board=board, **kwargs)
