"""Demo bidding for `make run`, made through the services: on the demo's published tender
(connectivity and security, see `tenders/demo.py`) the tender guide as a document, two
questions of the demo supplier ("leverancier") answered in the nota van inlichtingen,
and one sealed bid by it for lot 1. Idempotent: what exists is left alone."""

from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction

from bundel.accounts.constants import Role
from bundel.accounts.models import User
from bundel.membership.pdf import render_pdf
from bundel.tenders.constants import TenderState
from bundel.tenders.models import Tender

from . import selectors, services
from .models import Bid, Question, TenderDocument

TENDER_TITLE = "Externe connectiviteit en informatiebeveiliging 2027"
SUPPLIER = "leverancier"
GUIDE = "Aanbestedingsleidraad"

QUESTIONS = [
    (
        None,
        "Mogen inschrijvers voor meer dan één perceel inschrijven, en zo ja, kan een "
        "combinatiekorting worden aangeboden?",
        "Ja, u mag op elk perceel inschrijven. Een combinatiekorting wordt niet "
        "meegewogen: elk perceel wordt afzonderlijk beoordeeld en gegund.",
    ),
    (
        1,
        "Welke minimale bandbreedte per schoollocatie geldt voor perceel 1, en is "
        "redundante aansluiting verplicht voor locaties met meer dan 500 leerlingen?",
        "De minimale bandbreedte is 1 Gbit/s symmetrisch per locatie. Voor locaties met "
        "meer dan 500 leerlingen is een redundante aansluiting via een tweede, fysiek "
        "gescheiden route verplicht (zie het programma van eisen, paragraaf 3.2).",
    ),
]

ANSWERS = {
    "Plan van aanpak migratie": (
        "Migratie in drie golven per regio: eerst de besturen die al een glasvezelaansluiting "
        "hebben, dan de overige po-locaties, tot slot het vo. Per locatie één overstapdag "
        "buiten lestijd, met een terugvalscenario dat binnen twee uur is uit te voeren."
    ),
    "Service en beheer": (
        "Servicedesk op schooldagen van 7.00 tot 18.00 uur, storingen met prioriteit 1 binnen "
        "4 uur opgelost, een vaste contactpersoon per bestuur en een maandelijkse rapportage."
    ),
    "Informatiebeveiliging": (
        "ISO 27001-gecertificeerd; DDoS-bescherming en firewall als beheerde dienst, "
        "logging conform de Baseline Informatiebeveiliging Onderwijs, meldplicht datalekken "
        "binnen 24 uur."
    ),
}


def _pdf(title: str, *paragraphs: str) -> ContentFile:
    body = "".join(f"<p>{text}</p>" for text in paragraphs)
    html = f"<html><body><h1>{title}</h1>{body}</body></html>"
    return ContentFile(render_pdf(html, base_url="."), name=f"{title}.pdf")


@transaction.atomic
def seed_demo(*, staff) -> int:
    """Returns how many things were made (a document, questions, a bid)."""
    tender = Tender.objects.filter(title=TENDER_TITLE, state=TenderState.PUBLISHED).first()
    supplier = User.objects.filter(username=SUPPLIER, role=Role.SUPPLIER).first()
    if tender is None or supplier is None or not selectors.is_sealed(tender):
        return 0
    made = 0
    if not TenderDocument.objects.filter(tender=tender, title=GUIDE).exists():
        services.document_upload(
            tender=tender,
            title=GUIDE,
            upload=_pdf(
                GUIDE,
                TENDER_TITLE,
                "Openbare Europese aanbesteding in drie percelen: Noord en Oost, West, Zuid.",
                "Gunning op de beste prijs-kwaliteitverhouding: prijs 40, kwaliteit 60.",
            ),
            by=staff,
        )
        made += 1
    lots = {lot.number: lot for lot in tender.lots.all()}
    for lot_number, text, answer in QUESTIONS:
        if Question.objects.filter(tender=tender, asked_by=supplier, text=text).exists():
            continue
        question = services.question_ask(
            tender=tender, lot=lots.get(lot_number), text=text, by=supplier
        )
        services.question_answer(question=question, answer=answer, by=staff)
        made += 1
    if not Bid.objects.filter(tender=tender, supplier=supplier).exists():
        criteria = [c.name for c in tender.criteria.all()]
        services.bid_submit(
            tender=tender,
            lot=lots[1],
            by=supplier,
            price=Decimal("1485000.00"),
            answers={name: ANSWERS.get(name, "Zie de bijlage.") for name in criteria},
            attachments=[
                _pdf(
                    "Plan van aanpak",
                    "Demo Netwerken B.V. - inschrijving perceel 1, Noord en Oost.",
                    ANSWERS["Plan van aanpak migratie"],
                )
            ],
        )
        made += 1
    return made
