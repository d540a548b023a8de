"""Demo data of the bodies and meetings for `make run`, entered through the services (so
checked and audited). Council seats are not made here: they come from the demo election,
which must be counted first for the past council meeting to have voters."""

from datetime import date, datetime, time, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from bundel.membership.constants import MEMBER_STATES
from bundel.membership.models import Membership
from bundel.membership.pdf import render_pdf

from .constants import Body, MeetingKind, Role, SeatKind
from .models import Appointment, Meeting, Proposal
from .selectors.bodies import seated_on
from .services import bodies as body_services
from .services import meetings as meeting_services

BOARD_FROM_MEMBERS = [
    ("Marieke van den Berg", "m.vandenberg@bestuur.example", Role.CHAIR),
    ("Jeroen Bakker", "j.bakker@bestuur.example", Role.MEMBER),
    ("Fatima el Amrani", "f.elamrani@bestuur.example", Role.MEMBER),
]
BOARD_PROFESSIONAL = [
    ("Pieter de Wit", "p.dewit@bundel.example"),
    ("Anouk Jansen", "a.jansen@bundel.example"),
]
FORMER_DIRECTOR = ("Karin Visser", "k.visser@bestuur.example")
SUPERVISORY = [
    ("Hans Mulder", "h.mulder@toezicht.example", "Universiteit Utrecht", Role.CHAIR),
    ("Sandra Koster", "s.koster@toezicht.example", "Koster Governance Advies", Role.MEMBER),
    ("Rob Verhoeven", "r.verhoeven@toezicht.example", "Gemeente Amersfoort", Role.MEMBER),
]

PAST_MEETING = "Ledenraadvergadering"
MEMBER_DAY = "Algemene ledendag"
PROPOSALS = [
    (
        "Lidmaatschapsovereenkomst 2027",
        "De ledenraad stelt de lidmaatschapsovereenkomst 2027 vast: een opzegtermijn van "
        "twaalf maanden voor leden en de regeling voor de financiële afwikkeling bij vertrek.",
        "Concept lidmaatschapsovereenkomst 2027",
    ),
    (
        "Meerjarenplan 2027-2030",
        "De ledenraad stemt in met het meerjarenplan 2027-2030: de aanbesteding van "
        "netwerkinfrastructuur en externe connectiviteit, en de verkenning van cloud en devices.",
        "Meerjarenplan 2027-2030",
    ),
]
MINUTES = (
    "Opening door de voorzitter; de agenda wordt ongewijzigd vastgesteld.\n"
    "De directie licht de lidmaatschapsovereenkomst 2027 toe. Vragen over de afwikkeling bij "
    "vertrek worden beantwoord; het voorstel wordt aangenomen.\n"
    "Het meerjarenplan 2027-2030 wordt besproken, met aandacht voor de migratie per locatie. "
    "Het voorstel wordt aangenomen.\n"
    "Rondvraag: de kamer Klein vraagt om een werkbezoek; de directie neemt dit mee.\n"
    "Sluiting om 21.40 uur."
)


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _pdf(title: str, text: str) -> SimpleUploadedFile:
    html = (
        f"<html><body style='font-family: sans-serif'><h1>{title}</h1><p>{text}</p></body></html>"
    )
    return SimpleUploadedFile(
        f"{title}.pdf", render_pdf(html, base_url="/"), content_type="application/pdf"
    )


def _member_boards(n: int) -> list:
    memberships = (
        Membership.objects.filter(state__in=MEMBER_STATES)
        .select_related("board")
        .order_by("board__duo_number")
    )
    return [m.board for m in memberships[:n]]


def _seat_bodies(*, staff, today: date) -> int:
    created = 0
    start = date(today.year - 1, 1, 1)
    known = set(Appointment.objects.values_list("email", flat=True))
    boards = _member_boards(len(BOARD_FROM_MEMBERS) + 1)
    if len(boards) <= len(BOARD_FROM_MEMBERS):
        return 0  # no members yet to come from
    former_name, former_email = FORMER_DIRECTOR
    if former_email not in known:
        former = body_services.appointment_create(
            body=Body.BOARD,
            name=former_name,
            email=former_email,
            board=boards[-1],
            seat_kind=SeatKind.MEMBER,
            starts_on=date(start.year - 2, 1, 1),
            by=staff,
        )
        body_services.appointment_end(
            appointment=former,
            on=date(start.year - 1, 12, 31),
            reason="Overgestapt naar een bestuur buiten de coöperatie",
            by=staff,
        )
        created += 1
    for (name, email, role), board in zip(BOARD_FROM_MEMBERS, boards, strict=False):
        if email not in known:
            body_services.appointment_create(
                body=Body.BOARD,
                name=name,
                email=email,
                board=board,
                role=role,
                seat_kind=SeatKind.MEMBER,
                starts_on=start,
                by=staff,
            )
            created += 1
    for name, email in BOARD_PROFESSIONAL:
        if email not in known:
            body_services.appointment_create(
                body=Body.BOARD,
                name=name,
                email=email,
                seat_kind=SeatKind.PROFESSIONAL,
                starts_on=start,
                by=staff,
            )
            created += 1
    for name, email, employer, role in SUPERVISORY:
        if email not in known:
            body_services.appointment_create(
                body=Body.SUPERVISORY,
                name=name,
                email=email,
                employer=employer,
                role=role,
                starts_on=start,
                by=staff,
            )
            created += 1
    return created


def _past_meeting_day(today: date) -> date | None:
    """A day in the past on which today's council already sat, or None without one."""
    starts = list(
        Appointment.objects.filter(seated_on(today), body=Body.COUNCIL).values_list(
            "starts_on", flat=True
        )
    )
    if not starts:
        return None
    day = max(max(starts) + timedelta(days=14), today - timedelta(days=60))
    return day if day < today else None


def _counts(present: int, against_share: int, abstain_share: int) -> tuple[int, int, int]:
    against, abstentions = present // against_share, present // abstain_share
    return present - against - abstentions, against, abstentions


def _hold_past_meeting(*, staff, today: date) -> int:
    if Proposal.objects.filter(title=PROPOSALS[0][0]).exists():
        return 0
    day = _past_meeting_day(today)
    if day is None:
        return 0
    meeting = meeting_services.meeting_create(
        kind=MeetingKind.COUNCIL,
        title=f"{PAST_MEETING} {day:%d-%m-%Y}",
        starts_at=_at(day, 19, 30),
        place="Utrecht, Vergadercentrum Domstad",
        agenda=(
            "1. Opening en vaststelling van de agenda\n"
            "2. Lidmaatschapsovereenkomst 2027 (besluit)\n"
            "3. Meerjarenplan 2027-2030 (besluit)\n"
            "4. Rondvraag en sluiting"
        ),
        by=staff,
    )
    created = 1
    shares = [(6, 10), (4, 8)]
    for (title, text, document_title), (against, abstain) in zip(PROPOSALS, shares, strict=True):
        document = meeting_services.document_add(
            meeting=meeting, title=document_title, file=_pdf(document_title, text), by=staff
        )
        proposal = meeting_services.proposal_add(
            meeting=meeting, title=title, text=text, document=document, by=staff
        )
        proposal = meeting_services.proposal_open(proposal=proposal, by=staff)
        present = max(proposal.quorum, proposal.electorate - proposal.electorate // 10)
        votes_for, votes_against, abstentions = _counts(present, against, abstain)
        meeting_services.proposal_count_record(
            proposal=proposal,
            votes_for=votes_for,
            votes_against=votes_against,
            abstentions=abstentions,
            by=staff,
        )
        created += 2
    meeting_services.minutes_publish(meeting=meeting, minutes=MINUTES, by=staff)
    return created


def _plan_member_day(*, staff, today: date) -> int:
    if Meeting.objects.filter(kind=MeetingKind.MEMBER_DAY, starts_at__gte=timezone.now()).exists():
        return 0
    day = today + timedelta(days=60)
    meeting = meeting_services.meeting_create(
        kind=MeetingKind.MEMBER_DAY,
        title=f"{MEMBER_DAY} {day.year}",
        starts_at=_at(day, 10),
        place="Amersfoort, De Eenhoorn",
        agenda=(
            "1. Welkom en jaaroverzicht van de directie\n"
            "2. Jaarplan en begroting (besluit)\n"
            "3. Workshops: netwerkmigratie, informatiebeveiliging, cloud\n"
            "4. Verkiezing van de ledenraad: de uitslag\n"
            "5. Borrel"
        ),
        by=staff,
    )
    meeting_services.proposal_add(
        meeting=meeting,
        title="Jaarplan en begroting",
        text="De leden stemmen in met het jaarplan en de begroting voor het komende jaar.",
        by=staff,
    )
    return 2


@transaction.atomic
def seed_bodies(*, staff) -> int:
    """Idempotent: a board of five (three from member boards, two professional), a
    supervisory board of three, a past council meeting with two decisions and published
    minutes, an upcoming general member day. Returns the number of rows created."""
    today = timezone.localdate()
    created = _seat_bodies(staff=staff, today=today)
    created += _hold_past_meeting(staff=staff, today=today)
    created += _plan_member_day(staff=staff, today=today)
    return created
