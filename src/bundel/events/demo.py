"""Demo events for `make run`: this year's member day (Ledendag), two webinars and a
workshop that is full with a waiting list, all made through the services (so audited),
with the demo council member (`raadslid`, of a member board) registered."""

import secrets
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from bundel.accounts.constants import Role
from bundel.accounts.models import User
from bundel.accounts.services import user_create
from bundel.membership.constants import State
from bundel.membership.models import Membership
from bundel.membership.selectors import user_is_member

from . import services
from .constants import Audience, EventKind
from .models import Event

# People of other member boards who fill the workshop (no demo logins: random passwords).
PARTICIPANTS = [
    ("deelnemer1", "Jan", "de Boer"),
    ("deelnemer2", "Fatima", "El Amrani"),
    ("deelnemer3", "Pieter", "Visser"),
    ("deelnemer4", "Sanne", "Jansen"),
    ("deelnemer5", "Ahmed", "Yilmaz"),
]
WORKSHOP_PLACES = 4


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _weekday_after(day: date, weekday: int) -> date:
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def _participants() -> list[User]:
    boards = list(
        Membership.objects.filter(state=State.MEMBER)
        .exclude(board__duo_number=settings.DEMO_COUNCIL_BOARD)
        .select_related("board")
        .order_by("board__duo_number")[: len(PARTICIPANTS)]
    )
    people = []
    for (username, first, last), membership in zip(PARTICIPANTS, boards, strict=False):
        user = User.objects.filter(username=username).first() or user_create(
            username=username,
            email=f"{username}@bundel.test",
            password=secrets.token_urlsafe(16),
            role=Role.BOARD_CONTACT,
            board=membership.board,
            first_name=first,
            last_name=last,
        )
        people.append(user)
    return people


@transaction.atomic
def seed_demo(*, staff) -> int:
    """Idempotent: does nothing once any event exists. Returns the events created."""
    if Event.objects.exists():
        return 0
    today = timezone.localdate()
    member_day = _weekday_after(today + timedelta(days=56), 3)  # a Thursday
    first_webinar = _weekday_after(today + timedelta(days=14), 1)  # a Tuesday
    workshop_day = _weekday_after(today + timedelta(days=21), 2)  # a Wednesday
    second_webinar = _weekday_after(today + timedelta(days=35), 3)
    events = {}
    events["member_day"] = services.event_create(
        by=staff,
        kind=EventKind.MEMBER_DAY,
        title=f"Ledendag {member_day.year}",
        programme=(
            "09:30 Ontvangst met koffie\n"
            "10:00 Opening door de voorzitter van de ledenraad\n"
            "10:30 Jaarverslag en plannen: waar staat de coöperatie?\n"
            "11:30 Parallelle sessies: netwerk en wifi, informatiebeveiliging, cloud\n"
            "12:30 Lunch en ontmoeting\n"
            "13:30 Ervaringen van leden: zo migreerden wij onze locaties\n"
            "15:00 Ledenraad: vragen en stemmingen\n"
            "16:00 Borrel"
        ),
        starts_at=_at(member_day, 9, 30),
        ends_at=_at(member_day, 16, 30),
        place="Jaarbeurs Utrecht, Jaarbeursplein 6, 3521 AL Utrecht",
        capacity=250,
        waiting_list=True,
        registration_deadline=_at(member_day - timedelta(days=7), 17),
        audience=Audience.MEMBERS,
    )
    events["webinar_tender"] = services.event_create(
        by=staff,
        kind=EventKind.WEBINAR,
        title="Webinar: de aanbesteding netwerkinfrastructuur",
        programme=(
            "Wat betekent de Europese aanbesteding voor netwerk en wifi voor uw bestuur? "
            "We lopen de percelen, de planning en de vraagbundeling door, en beantwoorden "
            "uw vragen. Ook voor besturen die overwegen lid te worden."
        ),
        starts_at=_at(first_webinar, 15, 30),
        ends_at=_at(first_webinar, 16, 30),
        link="https://webinar.bundel.example/aanbesteding-netwerk",
        capacity=100,
        waiting_list=True,
        registration_deadline=_at(first_webinar, 12),
        audience=Audience.MEMBERS_AND_INTERESTED,
    )
    events["webinar_security"] = services.event_create(
        by=staff,
        kind=EventKind.WEBINAR,
        title="Webinar: informatiebeveiliging en privacy op school",
        programme=(
            "Van firewall tot phishing-bewustzijn: wat regelen de beveiligingsdiensten van "
            "de coöperatie, en wat blijft de taak van het bestuur? Met een kort overzicht "
            "van de eisen uit de AVG."
        ),
        starts_at=_at(second_webinar, 15, 30),
        ends_at=_at(second_webinar, 16, 30),
        link="https://webinar.bundel.example/informatiebeveiliging",
        capacity=None,
        waiting_list=False,
        registration_deadline=_at(second_webinar, 12),
        audience=Audience.MEMBERS,
    )
    events["workshop"] = services.event_create(
        by=staff,
        kind=EventKind.WORKSHOP,
        title="Workshop: een migratieplan voor uw locaties",
        programme=(
            "In kleine groep stelt u het migratieplan van uw bestuur op: welke locatie gaat "
            "wanneer over, in welke golven, en wat vraagt dat van de scholen? Neem een "
            "overzicht van uw locaties mee."
        ),
        starts_at=_at(workshop_day, 10),
        ends_at=_at(workshop_day, 12, 30),
        place="Kantoor Bundel, Catharijnesingel 30, 3511 GB Utrecht",
        capacity=WORKSHOP_PLACES,
        waiting_list=True,
        registration_deadline=_at(workshop_day - timedelta(days=2), 17),
        audience=Audience.MEMBERS,
    )
    for person in _participants():  # four places, then the waiting list
        services.registration_register(event=events["workshop"], by=person)
    council = User.objects.filter(username="raadslid").first()
    if council is not None and user_is_member(council):
        services.registration_register(event=events["member_day"], by=council)
        services.registration_register(event=events["webinar_tender"], by=council)
    return len(events)
