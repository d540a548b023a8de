"""Two people asking for the last place at the same moment (PostgreSQL, real concurrent
requests on separate connections): exactly one gets it; the other lands on the waiting
list, or is refused when there is none. Cancellations racing each other each hand their
place on, and never more people have a place than there are places."""

import pytest
from django.test import Client

from bundel.core.errors import RuleViolation
from bundel.events import services
from bundel.events.models import Event, Registration

from ..concurrency import run_at_once
from .factories import EventFactory, board_in_state, person_of

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]


def people(n: int) -> list:
    return [person_of(board_in_state("member"), first_name=f"P{i}") for i in range(n)]


def logged_in(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def test_two_requests_for_the_last_place_give_exactly_one_place():
    event = EventFactory(capacity=2, waiting_list=True)
    first, a, b = people(3)
    services.registration_register(event=event, by=first)  # one place left
    url = f"/api/v1/events/{event.pk}/registrations/"
    clients = [logged_in(a), logged_in(b)]

    for _attempt in range(5):  # the race goes either way; the outcome must not
        Registration.objects.exclude(user=first).delete()
        responses = run_at_once(*(lambda c=c: c.post(url) for c in clients))

        assert [r.status_code for r in responses] == [201, 201]
        states = sorted(r.json()["state"] for r in responses)
        assert states == ["confirmed", "waitlisted"]
        assert Registration.objects.filter(event=event, state="confirmed").count() == 2
        waiting = Registration.objects.get(event=event, state="waitlisted")
        assert waiting.user in (a, b)


def test_without_a_waiting_list_the_other_is_refused_with_the_reason():
    event = EventFactory(title="Laatste plek", capacity=1, waiting_list=False)
    a, b = people(2)

    outcomes = run_at_once(
        lambda: services.registration_register(event=event, by=a),
        lambda: services.registration_register(event=event, by=b),
    )

    placed = [o for o in outcomes if isinstance(o, Registration)]
    refused = [o for o in outcomes if isinstance(o, RuleViolation)]
    assert len(placed) == 1 and placed[0].state == "confirmed"
    assert len(refused) == 1 and refused[0].code == "full"
    assert Registration.objects.filter(event=event).count() == 1


def test_many_at_once_never_overfill_and_queue_the_rest():
    event = EventFactory(capacity=3, waiting_list=True)
    crowd = people(8)

    outcomes = run_at_once(
        *(lambda p=p: services.registration_register(event=event, by=p) for p in crowd)
    )

    assert all(isinstance(o, Registration) for o in outcomes), outcomes
    assert Registration.objects.filter(event=event, state="confirmed").count() == 3
    assert Registration.objects.filter(event=event, state="waitlisted").count() == 5


def test_two_cancellations_at_once_each_move_someone_up():
    event = EventFactory(capacity=2, waiting_list=True)
    a, b, c, d, e = people(5)
    ra, rb = (services.registration_register(event=event, by=p) for p in (a, b))
    for person in (c, d, e):
        services.registration_register(event=event, by=person)

    outcomes = run_at_once(
        lambda: services.registration_cancel(registration=ra, by=a),
        lambda: services.registration_cancel(registration=rb, by=b),
    )

    assert all(isinstance(o, Registration) for o in outcomes), outcomes
    confirmed = set(
        Registration.objects.filter(event=event, state="confirmed").values_list("user", flat=True)
    )
    assert confirmed == {c.pk, d.pk}
    assert Registration.objects.get(event=event, state="waitlisted").user == e
    assert Event.objects.get().capacity == 2
