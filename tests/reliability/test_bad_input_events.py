"""Bad registrations through the API (/api/v1/events/{id}/registrations/): each refused
with a message that names what is wrong, and events and registrations as before."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone

from bundel.events import services

from ..events.factories import EventFactory, board_in_state, person_of
from ..factories import StaffFactory
from .checksum import table_state
from .conftest import login

TABLES = ("events.Event", "events.Registration")


def post(who, event):
    return who, "post", f"/api/v1/events/{event.pk}/registrations/"


# case: the world -> (who, method, path); then the status and what the answer names
CASES = {
    "past the deadline": (
        lambda w: post(w.member, w.closed),
        400,
        "Registration for Gesloten workshop closed on",
    ),
    "full without a waiting list": (
        lambda w: post(w.member, w.full),
        400,
        "Volle workshop is full (1 places) and has no waiting list",
    ),
    "cancelled event": (lambda w: post(w.member, w.cancelled), 409, "is cancelled"),
    "registered twice": (
        lambda w: post(w.first, w.full),
        409,
        "You are already registered for Volle workshop",
    ),
    "members-only event for an interested board": (  # not even shown to it
        lambda w: post(w.interested, w.open),
        404,
        "No Event matches",
    ),
    "staff registering": (lambda w: post(w.staff, w.open), 403, "staff organise events"),
    "cancelling someone else's registration": (
        lambda w: (w.member, "delete", f"/api/v1/events/{w.full.pk}/{w.first_registration}/"),
        404,
        "",
    ),
    "event that does not exist": (
        lambda w: (w.member, "post", "/api/v1/events/987654/registrations/"),
        404,
        "",
    ),
}


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def world(db):
    now = timezone.now()
    first = person_of(board_in_state("member"))
    full = EventFactory(title="Volle workshop", capacity=1, waiting_list=False)
    registration = services.registration_register(event=full, by=first)
    return SimpleNamespace(
        staff=StaffFactory(),
        member=person_of(board_in_state("member")),
        interested=person_of(board_in_state("interested")),
        first=first,
        first_registration=f"registrations/{registration.pk}",
        full=full,
        open=EventFactory(title="Open workshop"),
        closed=EventFactory(title="Gesloten workshop", registration_deadline=now - timedelta(1)),
        cancelled=EventFactory(title="Afgelaste workshop", state="cancelled"),
    )


@pytest.mark.parametrize("case", list(CASES))
def test_a_bad_registration_is_refused_with_its_reason_and_changes_nothing(world, case):
    make, status, message = CASES[case]
    who, method, path = make(world)
    before = table_state(*TABLES)

    response = getattr(login(who), method)(path)

    assert response.status_code == status, response.content
    assert response.json()["detail"]
    assert message in str(response.json())
    assert table_state(*TABLES) == before
