"""Who sees which event: one selector for pages, API, feed and exports."""

import pytest
from django.contrib.auth.models import AnonymousUser

from bundel.events import selectors
from bundel.events.constants import Audience

from .factories import EventFactory, board_in_state, person_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def events():
    return {
        "members": EventFactory(title="Alleen leden", audience=Audience.MEMBERS),
        "open": EventFactory(
            title="Ook belangstellenden", audience=Audience.MEMBERS_AND_INTERESTED
        ),
    }


def seen(user) -> set[str]:
    return set(selectors.events_visible_to(user).values_list("title", flat=True))


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        ("member", {"Alleen leden", "Ook belangstellenden"}),
        ("notice_given", {"Alleen leden", "Ook belangstellenden"}),
        ("interested", {"Ook belangstellenden"}),
        ("applied", {"Ook belangstellenden"}),
        ("ended", set()),
        ("rejected", set()),
        (None, set()),
    ],
)
def test_a_board_sees_by_its_membership(events, state, expected):
    contact = person_of(board_in_state(state))
    council_member = person_of(contact.board, role="council_member")

    assert seen(contact) == expected
    assert seen(council_member) == expected


def test_staff_see_all_and_the_public_and_suppliers_nothing(events, staff, supplier):
    assert seen(staff) == {"Alleen leden", "Ook belangstellenden"}
    assert seen(supplier) == set()
    assert seen(AnonymousUser()) == set()
    assert seen(None) == set()


def test_an_inactive_person_sees_nothing(events, contact, member):
    contact.is_active = False
    assert seen(contact) == set()


def test_figures_count_places_and_the_waiting_list(contact, member, colleague, third):
    from bundel.events import services

    event = EventFactory(capacity=1)
    services.registration_register(event=event, by=colleague)
    services.registration_register(event=event, by=third)
    services.registration_register(event=event, by=contact)

    annotated = selectors.with_figures(selectors.events_visible_to(contact), contact).get()
    assert (annotated.confirmed_count, annotated.waitlist_count) == (1, 2)
    assert (annotated.places_left, annotated.is_full, annotated.my_state) == (0, True, "waitlisted")
