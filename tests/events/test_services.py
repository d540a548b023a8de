"""Registering, the waiting list, cancelling and moving up; staff changing and cancelling
events: every rule, what is stored (or not), the audit trail and the e-mails."""

import random
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from bundel.accounts.models import User
from bundel.audit.models import AuditEntry
from bundel.core.errors import RuleViolation, StateConflict
from bundel.events import selectors, services
from bundel.events.constants import Audience, EventState, RegistrationState
from bundel.events.models import Event, Registration
from bundel.membership.models import Membership

from .factories import EventFactory, board_in_state, person_of

pytestmark = pytest.mark.django_db

CONFIRMED, WAITLISTED, CANCELLED = (
    RegistrationState.CONFIRMED,
    RegistrationState.WAITLISTED,
    RegistrationState.CANCELLED,
)


def members(n: int) -> list:
    return [person_of(board_in_state("member"), first_name=f"P{i}") for i in range(n)]


def states(event) -> dict:
    return dict(Registration.objects.filter(event=event).values_list("user__username", "state"))


def stored(event) -> tuple:
    return (
        list(Registration.objects.filter(event=event).order_by("pk").values_list("state")),
        AuditEntry.objects.count(),
    )


# -- registering ---------------------------------------------------------------------------


def test_a_member_gets_a_place_with_board_and_audit(event, contact, member):
    registration = services.registration_register(event=event, by=contact)

    assert registration.state == CONFIRMED
    assert registration.board_id == contact.board_id
    assert registration.confirmed_at == registration.registered_at
    entry = AuditEntry.objects.get(action="events.registration.confirmed")
    assert entry.object_id == str(registration.pk) and entry.actor == contact
    assert entry.data == {"event": event.pk, "person": contact.get_full_name()}


def test_a_full_event_puts_later_registrations_on_the_waiting_list_in_order(event):
    results = [services.registration_register(event=event, by=p) for p in members(4)]

    assert [r.state for r in results] == [CONFIRMED, CONFIRMED, WAITLISTED, WAITLISTED]
    assert [selectors.waitlist_position(r) for r in results] == [None, None, 1, 2]
    assert results[2].confirmed_at is None


def test_a_full_event_without_waiting_list_refuses_with_the_reason(event):
    Event.objects.filter(pk=event.pk).update(waiting_list=False)
    event.refresh_from_db()
    for person in members(2):
        services.registration_register(event=event, by=person)
    late = members(1)[0]
    before = stored(event)

    with pytest.raises(RuleViolation) as refused:
        services.registration_register(event=event, by=late)

    assert refused.value.code == "full"
    assert refused.value.messages == [
        "Workshop migratieplan is full (2 places) and has no waiting list."
    ]
    assert stored(event) == before


def test_registering_after_the_deadline_is_refused_with_the_deadline(contact, member):
    starts = timezone.now() + timedelta(days=3)
    deadline = timezone.now() - timedelta(minutes=1)
    event = EventFactory(title="Ledendag", starts_at=starts, registration_deadline=deadline)

    with pytest.raises(RuleViolation) as refused:
        services.registration_register(event=event, by=contact)

    local = timezone.localtime(deadline).strftime("%d-%m-%Y %H:%M")
    assert refused.value.code == "deadline"
    assert refused.value.messages == [f"Registration for Ledendag closed on {local}."]
    assert not Registration.objects.exists()


def test_registering_twice_is_a_conflict(event, contact, member):
    services.registration_register(event=event, by=contact)

    with pytest.raises(StateConflict, match="already registered for Workshop migratieplan"):
        services.registration_register(event=event, by=contact)
    assert Registration.objects.count() == 1


def test_a_cancelled_event_takes_no_registrations(event, contact, member, staff):
    services.event_cancel(event=event, by=staff, reason="Te weinig aanmeldingen.")

    with pytest.raises(StateConflict, match="is cancelled"):
        services.registration_register(event=event, by=contact)
    assert not Registration.objects.exists()


def test_a_title_with_a_percent_sign_is_refused_cleanly(contact, member):
    event = EventFactory(title="100% digitaal", capacity=1, waiting_list=False)
    services.registration_register(event=event, by=members(1)[0])

    with pytest.raises(RuleViolation) as refused:
        services.registration_register(event=event, by=contact)
    assert refused.value.messages == ["100% digitaal is full (1 places) and has no waiting list."]


@pytest.mark.parametrize(
    ("state", "members_only", "open_to_interested"),
    [
        ("member", True, True),
        ("notice_given", True, True),
        ("interested", False, True),
        ("applied", False, True),
        ("ended", False, False),
        ("rejected", False, False),
        (None, False, False),
    ],
)
def test_who_may_register_follows_the_audience(state, members_only, open_to_interested):
    person = person_of(board_in_state(state))
    for audience, allowed in (
        (Audience.MEMBERS, members_only),
        (Audience.MEMBERS_AND_INTERESTED, open_to_interested),
    ):
        event = EventFactory(audience=audience)
        if allowed:
            assert services.registration_register(event=event, by=person).state == CONFIRMED
        else:
            with pytest.raises(PermissionDenied):
                services.registration_register(event=event, by=person)
            assert not Registration.objects.filter(event=event).exists()


def test_suppliers_staff_and_anonymous_do_not_register(event, supplier, staff):
    from django.contrib.auth.models import AnonymousUser

    for person in (supplier, staff, AnonymousUser()):
        with pytest.raises(PermissionDenied):
            services.registration_register(event=event, by=person)
    assert not Registration.objects.exists()


# -- cancelling and moving up ------------------------------------------------------------------


def test_cancelling_a_place_moves_the_first_on_the_list_up_and_mails_them(
    event, django_capture_on_commit_callbacks
):
    a, b, c, d = members(4)
    ra, rb, rc, rd = (services.registration_register(event=event, by=p) for p in (a, b, c, d))
    # d's registration is the earlier one, whatever the ids: the waiting list goes by time
    Registration.objects.filter(pk=rd.pk).update(
        registered_at=rc.registered_at - timedelta(seconds=1)
    )
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.registration_cancel(registration=ra, by=a)

    rb.refresh_from_db(), rc.refresh_from_db(), rd.refresh_from_db()
    assert [rb.state, rc.state, rd.state] == [CONFIRMED, WAITLISTED, CONFIRMED]
    assert selectors.waitlist_position(rc) == 1
    assert rd.confirmed_at is not None
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [d.email]
    assert message.subject == "Bundel: you have a place at Workshop migratieplan"
    assert "you were first on the waiting list" in message.body
    assert AuditEntry.objects.filter(action="events.registration.promoted").count() == 1
    assert AuditEntry.objects.get(action="events.registration.cancelled").changes == {
        "state": ["confirmed", "cancelled"]
    }


@pytest.mark.parametrize(
    ("audience", "left", "now_in"),
    [
        (Audience.MEMBERS, "member", "ended"),
        (Audience.MEMBERS, "member", "interested"),
        (Audience.MEMBERS_AND_INTERESTED, "interested", "rejected"),
    ],
)
def test_who_may_no_longer_come_is_skipped_and_cancelled_with_the_reason(
    audience, left, now_in, django_capture_on_commit_callbacks
):
    event = EventFactory(
        title="Webinar wifi", capacity=1, link="https://webinar.example/wifi", audience=audience
    )
    a, b, c = members(1) + [person_of(board_in_state(left), first_name=f"Q{i}") for i in (1, 2)]
    ra, rb, rc = (services.registration_register(event=event, by=p) for p in (a, b, c))
    Membership.objects.filter(board=b.board).update(state=now_in)  # b's board left
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.registration_cancel(registration=ra, by=a)

    rb.refresh_from_db(), rc.refresh_from_db()
    assert (rb.state, rc.state) == (CANCELLED, CONFIRMED)
    assert rb.confirmed_at is None and rb.cancelled_at is not None
    assert [m.to for m in mail.outbox] == [[c.email]]  # nothing, no link, to b
    assert all(b.email not in m.to for m in mail.outbox)
    entry = AuditEntry.objects.get(action="events.registration.cancelled", object_id=str(rb.pk))
    assert entry.actor is None and entry.changes == {"state": ["waitlisted", "cancelled"]}
    assert entry.data["event"] == event.pk and entry.data["person"] == b.get_full_name()
    assert entry.data["reason"] == (
        "Not moved up from the waiting list: the person's board may no longer come to this event."
    )
    promoted = AuditEntry.objects.get(action="events.registration.promoted")
    assert promoted.object_id == str(rc.pk)


def test_a_deactivated_person_on_the_waiting_list_is_skipped_too(event, staff):
    a, b, c, d = members(4)
    for person in (a, b, c, d):
        services.registration_register(event=event, by=person)
    c.is_active = False
    c.save(update_fields=["is_active"])

    services.event_update(event=event, by=staff, capacity=3)

    assert states(event) == {
        a.username: CONFIRMED,
        b.username: CONFIRMED,
        c.username: CANCELLED,
        d.username: CONFIRMED,
    }


def test_when_nobody_on_the_list_may_come_the_place_stays_free(event):
    a, b, c = members(3)
    ra = services.registration_register(event=event, by=a)
    services.registration_register(event=event, by=b)
    services.registration_register(event=event, by=c)
    Membership.objects.filter(board=c.board).update(state="ended")

    services.registration_cancel(registration=ra, by=a)

    assert states(event) == {a.username: CANCELLED, b.username: CONFIRMED, c.username: CANCELLED}
    assert not AuditEntry.objects.filter(action="events.registration.promoted").exists()


@pytest.mark.parametrize(
    "state", [None, "interested", "applied", "member", "notice_given", "ended", "rejected"]
)
@pytest.mark.parametrize("audience", list(Audience.values))
def test_the_rule_for_many_registrations_is_may_attend(state, audience):
    """`selectors.attending` (promotion, reminders) decides as `may_attend` (the pages)."""
    event = EventFactory(audience=audience)
    person = person_of(board_in_state("member"))
    registration = services.registration_register(event=event, by=person)
    if state is None:
        Membership.objects.filter(board=person.board).delete()
    else:
        Membership.objects.filter(board=person.board).update(state=state)

    one = Registration.objects.filter(pk=registration.pk)
    assert selectors.attending(one).exists() == selectors.may_attend(person, event)
    board = person.board_id
    for change in (
        {"role": "supplier", "board": None},
        {"role": "council_member", "board": None},
        {"role": "staff"},
        {"is_superuser": True},
        {"is_active": False},
    ):
        User.objects.filter(pk=person.pk).update(**change)
        assert not selectors.attending(one).exists(), change
        User.objects.filter(pk=person.pk).update(
            role="board_contact", board=board, is_active=True, is_superuser=False
        )


def test_no_mail_before_the_transaction_commits(event, django_capture_on_commit_callbacks):
    a, b, c = members(3)
    ra = services.registration_register(event=event, by=a)
    services.registration_register(event=event, by=b)
    services.registration_register(event=event, by=c)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.registration_cancel(registration=ra, by=a)

    assert mail.outbox == []
    for callback in callbacks:
        callback()
    assert [m.to for m in mail.outbox] == [[c.email]]  # moved up from the waiting list


def test_the_promotion_mail_is_dutch_whoever_acts(
    event, settings, django_capture_on_commit_callbacks
):
    settings.LANGUAGE_CODE = "nl"
    a, b, c = members(3)
    ra = services.registration_register(event=event, by=a)
    services.registration_register(event=event, by=b)
    services.registration_register(event=event, by=c)
    day = timezone.localtime(event.starts_at).date()
    with translation.override("nl"):
        dutch_day = ["maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag"]
        dutch_day += ["zondag"]
    mail.outbox.clear()

    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        services.registration_cancel(registration=ra, by=a)

    assert dutch_day[day.weekday()] in mail.outbox[0].body


def test_cancelling_a_waitlisted_registration_moves_nobody(event):
    a, b, c = members(3)
    for person in (a, b):
        services.registration_register(event=event, by=person)
    rc = services.registration_register(event=event, by=c)

    services.registration_cancel(registration=rc, by=c)

    assert states(event) == {a.username: CONFIRMED, b.username: CONFIRMED, c.username: CANCELLED}
    assert not AuditEntry.objects.filter(action="events.registration.promoted").exists()


def test_only_the_person_or_staff_cancels(event, colleague, contact, member, staff):
    registration = services.registration_register(event=event, by=contact)

    with pytest.raises(PermissionDenied):
        services.registration_cancel(registration=registration, by=colleague)
    registration.refresh_from_db()
    assert registration.state == CONFIRMED

    services.registration_cancel(registration=registration, by=staff)
    registration.refresh_from_db()
    assert registration.state == CANCELLED


def test_cancelling_twice_is_a_conflict(event, contact, member):
    registration = services.registration_register(event=event, by=contact)
    services.registration_cancel(registration=registration, by=contact)

    with pytest.raises(StateConflict):
        services.registration_cancel(registration=registration, by=contact)


def test_once_started_only_staff_cancel(contact, member, staff):
    event = EventFactory(
        starts_at=timezone.now() + timedelta(days=1),
        registration_deadline=timezone.now() + timedelta(hours=1),
    )
    registration = services.registration_register(event=event, by=contact)
    Event.objects.filter(pk=event.pk).update(
        starts_at=timezone.now() - timedelta(minutes=5),
        registration_deadline=timezone.now() - timedelta(hours=1),
    )

    with pytest.raises(RuleViolation, match="has started"):
        services.registration_cancel(registration=registration, by=contact)
    services.registration_cancel(registration=registration, by=staff)
    registration.refresh_from_db()
    assert registration.state == CANCELLED


def test_registering_again_after_cancelling_reuses_the_row_at_the_end_of_the_list(event):
    a, b, c, d = members(4)
    ra = services.registration_register(event=event, by=a)
    services.registration_register(event=event, by=b)
    services.registration_register(event=event, by=c)  # waiting list 1
    services.registration_cancel(registration=ra, by=a)  # c moves up
    services.registration_register(event=event, by=d)  # waiting list 1

    again = services.registration_register(event=event, by=a)

    assert again.pk == ra.pk
    assert again.state == WAITLISTED and selectors.waitlist_position(again) == 2
    assert again.cancelled_at is None


def test_the_waiting_list_law_holds_for_any_sequence_of_registrations_and_cancellations():
    """Whatever people do: never more people with a place than places, nobody waits while
    a place is free, and places go to the waiting list in the order of registering."""
    rng = random.Random(20260609)
    for capacity in (1, 2, 3):
        event = EventFactory(capacity=capacity)
        people = members(6)
        for _step in range(40):
            person = rng.choice(people)
            mine = Registration.objects.filter(event=event, user=person).first()
            if mine is not None and mine.is_active:
                services.registration_cancel(registration=mine, by=person)
            else:
                services.registration_register(event=event, by=person)
            confirmed = Registration.objects.filter(event=event, state=CONFIRMED).count()
            waiting = list(selectors.waiting_list(event))
            assert confirmed <= capacity
            assert not waiting or confirmed == capacity
            times = [(r.registered_at, r.pk) for r in waiting]
            assert times == sorted(times)
            assert [selectors.waitlist_position(r) for r in waiting] == list(
                range(1, len(waiting) + 1)
            )


# -- staff: events ------------------------------------------------------------------------------


def event_values(**overrides) -> dict:
    starts = timezone.now() + timedelta(days=30)
    values = dict(
        kind="member_day",
        title="Ledendag",
        programme="Opening\nSessies",
        starts_at=starts,
        ends_at=starts + timedelta(hours=6),
        place="Jaarbeurs Utrecht",
        link="",
        capacity=200,
        waiting_list=True,
        registration_deadline=starts - timedelta(days=7),
        audience=Audience.MEMBERS,
    )
    return {**values, **overrides}


def test_staff_create_an_event_audited(staff):
    event = services.event_create(by=staff, **event_values())

    assert event.created_by == staff and event.state == EventState.SCHEDULED
    entry = AuditEntry.objects.get(action="events.event.created")
    assert entry.data["title"] == "Ledendag" and entry.data["capacity"] == 200


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"ends_at": timezone.now()}, "ends_at"),
        ({"registration_deadline": timezone.now() + timedelta(days=60)}, "registration_deadline"),
        ({"place": "", "link": ""}, "place"),
        ({"capacity": 0}, "capacity"),
    ],
)
def test_an_invalid_event_is_refused_naming_the_field(staff, overrides, field):
    with pytest.raises(ValidationError) as refused:
        services.event_create(by=staff, **event_values(**overrides))
    assert field in refused.value.message_dict
    assert not Event.objects.exists()


def test_only_staff_create_events(contact):
    with pytest.raises(PermissionDenied):
        services.event_create(by=contact, **event_values())
    assert not Event.objects.exists()


def test_a_capacity_below_the_confirmed_count_is_refused(event, staff):
    for person in members(2):
        services.registration_register(event=event, by=person)
    before = (Event.objects.values_list("capacity", "sequence").get(), AuditEntry.objects.count())

    with pytest.raises(RuleViolation) as refused:
        services.event_update(event=event, by=staff, capacity=1)

    assert refused.value.code == "capacity_below_confirmed"
    assert (
        "lower than the 2 people who already have a place (asked: 1)" in (refused.value.messages[0])
    )
    assert (
        Event.objects.values_list("capacity", "sequence").get(),
        AuditEntry.objects.count(),
    ) == (before)


def test_a_higher_capacity_moves_people_up_and_tells_them(
    event, staff, django_capture_on_commit_callbacks
):
    people = members(5)
    for person in people:
        services.registration_register(event=event, by=person)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        updated = services.event_update(event=event, by=staff, capacity=4, title="Workshop XL")

    assert [states(event)[p.username] for p in people] == [CONFIRMED] * 4 + [WAITLISTED]
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in people[2:4])
    assert updated.sequence == 1
    assert AuditEntry.objects.get(action="events.event.updated").changes == {
        "title": ["Workshop migratieplan", "Workshop XL"],
        "capacity": [2, 4],
    }


def test_no_limit_moves_everyone_up(event, staff):
    for person in members(4):
        services.registration_register(event=event, by=person)

    services.event_update(event=event, by=staff, capacity=None)

    assert set(states(event).values()) == {CONFIRMED}


def test_an_unchanged_save_changes_nothing(event, staff):
    services.event_update(event=event, by=staff, title=event.title)

    event.refresh_from_db()
    assert event.sequence == 0
    assert not AuditEntry.objects.filter(action="events.event.updated").exists()


def test_the_waiting_list_cannot_be_switched_off_while_people_wait(event, staff):
    for person in members(3):
        services.registration_register(event=event, by=person)

    with pytest.raises(RuleViolation, match="1 people are on the waiting list"):
        services.event_update(event=event, by=staff, waiting_list=False)
    event.refresh_from_db()
    assert event.waiting_list is True


def test_members_only_is_refused_while_interested_boards_are_registered(
    open_event, interested_person, staff
):
    services.registration_register(event=open_event, by=interested_person)

    with pytest.raises(RuleViolation) as refused:
        services.event_update(event=open_event, by=staff, audience=Audience.MEMBERS)
    assert refused.value.code == "audience_in_use"
    open_event.refresh_from_db()
    assert open_event.audience == Audience.MEMBERS_AND_INTERESTED


def test_cancelling_an_event_tells_everyone_registered(
    event, staff, django_capture_on_commit_callbacks
):
    people = members(3)
    for person in people:
        services.registration_register(event=event, by=person)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.event_cancel(event=event, by=staff, reason="De spreker is ziek.")

    event.refresh_from_db()
    assert event.state == EventState.CANCELLED and event.sequence == 1
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in people)
    assert all("De spreker is ziek." in m.body for m in mail.outbox)
    assert mail.outbox[0].subject == "Bundel: Workshop migratieplan is cancelled"
    assert AuditEntry.objects.get(action="events.event.cancelled").data == {
        "reason": "De spreker is ziek.",
        "registered": 3,
    }
    with pytest.raises(StateConflict):
        services.event_cancel(event=event, by=staff, reason="Nogmaals")
    with pytest.raises(StateConflict):
        services.event_update(event=event, by=staff, title="Toch")


def test_cancelling_needs_a_reason_and_a_future_event(event, staff):
    with pytest.raises(RuleViolation, match="Give the reason"):
        services.event_cancel(event=event, by=staff, reason="  ")
    past = EventFactory(
        starts_at=timezone.now() - timedelta(days=2),
        registration_deadline=timezone.now() - timedelta(days=3),
    )
    with pytest.raises(RuleViolation, match="already taken place"):
        services.event_cancel(event=past, by=staff, reason="Te laat")
    assert not Event.objects.filter(state=EventState.CANCELLED).exists()


# -- the calendar feed ----------------------------------------------------------------------------


def test_a_new_feed_address_replaces_the_old_one(contact, colleague):
    first = services.feed_renew(user=contact, by=contact)
    old = first.token
    second = services.feed_renew(user=contact, by=contact)

    assert second.pk == first.pk and second.token != old and len(second.token) >= 40
    assert selectors.feed_by_token(old) is None
    assert selectors.feed_by_token(second.token).user == contact
    with pytest.raises(PermissionDenied):
        services.feed_renew(user=contact, by=colleague)
    actions = list(
        AuditEntry.objects.filter(action__startswith="events.feed").values_list("action", flat=True)
    )
    assert sorted(actions) == ["events.feed.created", "events.feed.renewed"]
    assert all(second.token not in str(e.data) for e in AuditEntry.objects.all())
