"""Demo member groups for `make run`: four groups with Dutch threads and posts, and a
planned joint dialogue with the demo supplier (`leverancier`). Everything goes through
the services (rules, audit, notifications); the demo login `raadslid` (a member board)
takes part, so it sees unread notifications. Three people of other member boards are
added as authors (they have random passwords: they cannot log in)."""

import secrets
from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from bundel.accounts.constants import Role
from bundel.accounts.models import User
from bundel.accounts.services import user_create
from bundel.membership.selectors import member_board_ids
from bundel.registry.models import Board

from . import selectors, services
from .constants import GroupKind
from .models import Group, Post, Thread

GROUPS = [
    (
        "Wifi in het po",
        GroupKind.TOPIC,
        "Ervaringen met wifi in het primair onderwijs: dekking in oude en nieuwe gebouwen, "
        "access points per lokaal, beheer op afstand en wat we van de aanbesteding van de "
        "coöperatie verwachten.",
    ),
    (
        "Regio Noord",
        GroupKind.REGION,
        "Besturen in Groningen, Friesland en Drenthe: samen optrekken bij glasvezel naar "
        "kleine scholen op het platteland en bij de migratie naar de diensten van Bundel.",
    ),
    (
        "Informatiebeveiliging en privacy",
        GroupKind.TOPIC,
        "Anti-phishing, incidentrespons, verwerkersovereenkomsten en het IBP-beleid van "
        "besturen. Deel documenten en ervaringen.",
    ),
    (
        "Regio Zuid",
        GroupKind.REGION,
        "Besturen in Noord-Brabant en Limburg: regionale afstemming over connectiviteit en "
        "het delen van kennis tussen ICT-coördinatoren.",
    ),
]

# username, first name, last name
AUTHORS = [
    ("demo.jvisser", "Jeroen", "Visser"),
    ("demo.abakker", "Anouk", "Bakker"),
    ("demo.mdejong", "Mehmet", "de Jong"),
]

# group index -> [(title, [(author, days ago, text)])]; authors: "staf", "raadslid", 0-2
THREADS = {
    0: [
        (
            "Hoeveel access points per lokaal?",
            [
                (
                    0,
                    9,
                    "Wij zitten op één access point per twee lokalen en merken bij toetsen "
                    "op tablets dat het niet genoeg is. Hoe doen jullie dat?",
                ),
                (
                    "raadslid",
                    8,
                    "Bij ons één per lokaal sinds de verbouwing, plus één in de aula. Sindsdien "
                    "geen klachten meer bij de digitale toetsen.\n\nDe richtlijn van "
                    "Kennisnet vonden wij handig: https://www.kennisnet.nl/",
                ),
                (
                    1,
                    7,
                    "Let ook op de bekabeling: bij ons bleek het oude netwerk de bottleneck, "
                    "niet de access points zelf.",
                ),
            ],
        ),
        (
            "Ervaringen met beheer op afstand",
            [
                (
                    2,
                    4,
                    "Wie laat het beheer van het wifi-netwerk al op afstand doen? Wij twijfelen "
                    "tussen zelf doen en uitbesteden.",
                ),
                (
                    "staf",
                    3,
                    "In het productaanbod van Bundel is beheer inbegrepen: apparatuur, "
                    "onderhoud, beheer en advies als volledig verzorgde dienst. Zie de "
                    "catalogus voor de capaciteiten.",
                ),
            ],
        ),
    ],
    1: [
        (
            "Glasvezel naar kleine dorpsscholen",
            [
                (
                    "raadslid",
                    12,
                    "Drie van onze scholen liggen buiten de bebouwde kom. Heeft iemand "
                    "ervaring met de aanleg van glasvezel daar, en met de kosten?",
                ),
                (
                    0,
                    11,
                    "Ja, via het provinciale breedbandprogramma. Het duurde wel ruim een jaar "
                    "van aanvraag tot oplevering.",
                ),
            ],
        ),
    ],
    2: [
        (
            "Oefenen met phishing-mails",
            [
                (
                    1,
                    6,
                    "Wij willen dit najaar een phishing-oefening doen onder leraren. Wie heeft "
                    "dat al gedaan, en hoe reageerden de teams?",
                ),
                (
                    "raadslid",
                    5,
                    "Wij deden het vorig jaar. Vooraf aankondigen aan de directeuren (niet aan "
                    "de teams) werkte goed; achteraf een korte uitleg per school.",
                ),
            ],
        ),
    ],
    3: [
        (
            "Kennismaking ICT-coördinatoren",
            [
                (
                    "staf",
                    2,
                    "Welkom in de groep Regio Zuid! Stel je gerust voor: welk bestuur, hoeveel "
                    "scholen, en waar loop je nu tegenaan?",
                ),
            ],
        ),
    ],
}

SESSION = {
    "title": "Gezamenlijke dialoog: wifi-aanbod voor het po",
    "supplier_name": "Demo Netwerken B.V.",
    "place": "Utrecht, kantoor van Bundel (ook online te volgen)",
    "agenda": (
        "1. Opening en kennismaking\n"
        "2. Presentatie van het wifi-aanbod door Demo Netwerken B.V.\n"
        "3. Vragen uit de groep (zie hieronder)\n"
        "4. Migratie in fases: hoe verhuizen vestigingen?\n"
        "5. Afspraken en vervolg"
    ),
}
QUESTIONS = [
    ("raadslid", "Hoe gaat u om met oude schoolgebouwen met dikke muren?"),
    (0, "Is beheer buiten schooltijd (avonden, vakanties) inbegrepen?"),
    (1, "Hoe snel wordt een defect access point vervangen?"),
]


def _authors(staff) -> dict:
    """The demo people: staff, raadslid (when its board is a member) and three contacts
    of other member boards."""
    people = {"staf": staff}
    raadslid = User.objects.filter(username="raadslid").first()
    if raadslid is not None and selectors.is_reader(raadslid):
        people["raadslid"] = raadslid
    boards = (
        Board.objects.filter(pk__in=member_board_ids())
        .exclude(pk=getattr(raadslid, "board_id", None))
        .order_by("duo_number")
    )
    for index, (board, (username, first, last)) in enumerate(
        zip(boards[: len(AUTHORS)], AUTHORS, strict=False)
    ):
        user = User.objects.filter(username=username).first() or user_create(
            username=username,
            email=f"{username}@bundel.test",
            password=secrets.token_urlsafe(24),
            role=Role.BOARD_CONTACT,
            board=board,
            first_name=first,
            last_name=last,
            by=staff,
        )
        people[index] = user
    return people


@transaction.atomic
def seed_demo(*, staff) -> int:
    """Idempotent: does nothing once a demo group exists. Returns the posts created."""
    if Group.objects.filter(name__in=[name for name, _k, _d in GROUPS]).exists():
        return 0
    people = _authors(staff)
    now = timezone.now()
    posts = 0
    for index, (name, kind, description) in enumerate(GROUPS):
        group = services.group_create(name=name, kind=kind, description=description, by=staff)
        writers = {author for _t, lines in THREADS[index] for author, _d, _x in lines}
        writers |= {"raadslid"} if index < 3 else set()
        for key in sorted(writers, key=str):
            if key in people:
                services.group_join(group=group, by=people[key])
        for title, lines in THREADS[index]:
            lines = [line for line in lines if line[0] in people]
            if not lines:
                continue
            (author, days, text), rest = lines[0], lines[1:]
            thread = services.thread_start(group=group, title=title, body=text, by=people[author])
            _backdate(thread, now - timedelta(days=days))
            posts += 1
            for author, days, text in rest:
                post = services.post_add(thread=thread, body=text, by=people[author])
                Post.objects.filter(pk=post.pk).update(created_at=now - timedelta(days=days))
                posts += 1
    _plan_session(staff, people)
    return posts


def _backdate(thread: Thread, when) -> None:
    """Demo only: spread the conversations over the past days."""
    Thread.objects.filter(pk=thread.pk).update(created_at=when)
    Post.objects.filter(thread=thread).update(created_at=when)


def _plan_session(staff, people) -> None:
    supplier = User.objects.filter(username="leverancier", role=Role.SUPPLIER).first()
    group = Group.objects.get(name=GROUPS[0][0])
    day = timezone.localdate() + timedelta(days=21)
    starts_at = timezone.make_aware(datetime.combine(day, time(14, 0)))
    session = services.session_plan(
        group=group,
        starts_at=starts_at,
        suppliers=[supplier] if supplier else [],
        by=staff,
        **SESSION,
    )
    for author, text in QUESTIONS:
        if author in people:
            services.question_ask(session=session, text=text, by=people[author])
