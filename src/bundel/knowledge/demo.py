"""Demo content of the knowledge base for `make run`: the four categories and sixteen
Dutch documents (tender templates, model agreements, ICT knowledge, security advice),
some with a PDF and with earlier versions, created through the services so the rules,
the search index and the audit trail apply. The texts are written for the demo; they
are examples, not legal advice."""

import logging
from datetime import datetime, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape

from . import services
from .constants import RATES_CATEGORY, Visibility
from .models import Category, Document

CATEGORIES = [
    (
        "procurement",
        "Aanbestedingsdocumenten",
        "Procurement documents",
        "Modellen en sjablonen voor aanbestedingen: leidraden, raamovereenkomsten, nota's "
        "van inlichtingen en handreikingen.",
        "Templates for tenders: tender guidelines, framework contracts, questions and "
        "answers and guidance.",
    ),
    (
        "ict",
        "ICT-kennis",
        "ICT knowledge",
        "Praktische kennis over netwerken, wifi, connectiviteit en cloud voor schoolbesturen.",
        "Practical knowledge of networks, wifi, connectivity and cloud for school boards.",
    ),
    (
        "security",
        "Informatiebeveiliging",
        "Security guidance",
        "Adviezen over informatiebeveiliging en privacy (IBP) in het onderwijs.",
        "Advice on information security and privacy in education.",
    ),
    (
        RATES_CATEGORY,
        "Tarieven raamovereenkomsten",
        "Negotiated rates",
        "De tarieven die de coöperatie in haar raamovereenkomsten heeft afgesproken.",
        "The rates the cooperative agreed in its framework contracts.",
    ),
]

logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

PUB, INT, MEM = Visibility.PUBLIC, Visibility.INTERESTED, Visibility.MEMBERS

# (title, category, visibility, tags, summary, [versions: (days ago, note, body, pdf?)])
DOCUMENTS = [
    (
        "Model aanbestedingsleidraad Europese openbare procedure",
        "procurement",
        MEM,
        ["aanbesteding", "model", "Europees"],
        "Sjabloon voor de leidraad van een Europese openbare aanbesteding van ICT-diensten "
        "door de coöperatie namens haar leden, met percelen, termijnen en gunningscriteria.",
        [
            (
                420,
                "Eerste versie",
                "Deze leidraad is het sjabloon voor Europese aanbestedingen van de coöperatie. "
                "Vul de gemarkeerde onderdelen per aanbesteding in. De volledige tekst staat "
                "in het PDF-bestand.",
                "leidraad",
            ),
            (
                95,
                "Drempelwaarden 2026-2027 en termijnen bijgewerkt",
                "Deze leidraad is het sjabloon voor Europese aanbestedingen van de coöperatie. "
                "Vul de gemarkeerde onderdelen per aanbesteding in. De volledige tekst staat "
                "in het PDF-bestand.\n\nNieuw in deze versie: de drempelwaarde van EUR "
                "216.000 voor leveringen en diensten (1 januari 2026 tot en met 31 december "
                "2027) en de verkorte termijn bij elektronische inschrijving.",
                "leidraad-2",
            ),
        ],
    ),
    (
        "Model raamovereenkomst ICT-diensten",
        "procurement",
        MEM,
        ["raamovereenkomst", "model", "contract"],
        "Modelovereenkomst voor raamovereenkomsten met leveranciers van volledig verzorgde "
        "ICT-diensten: looptijd, maximale omvang, tarieven en afroepen door leden.",
        [
            (
                380,
                "Eerste versie",
                "Artikel 1. Definities\nRaamovereenkomst: deze overeenkomst tussen de "
                "coöperatie en de leverancier, waaronder leden nadere opdrachten (afroepen) "
                "plaatsen. Lid: een schoolbestuur dat lid is van de coöperatie.\n\n"
                "Artikel 2. Looptijd\nDe raamovereenkomst gaat in op de datum van "
                "ondertekening en loopt ten hoogste vier jaar, verlengingen inbegrepen.\n\n"
                "Artikel 3. Omvang\nDe raamovereenkomst vermeldt de maximale hoeveelheid of "
                "de maximale waarde van de opdrachten die eronder worden geplaatst. Wordt "
                "die bereikt, dan eindigt de raamovereenkomst.\n\n"
                "Artikel 4. Tarieven\nDe leverancier levert tegen de tarieven van bijlage 2. "
                "Tarieven worden jaarlijks per 1 januari geïndexeerd met ten hoogste de "
                "CBS-prijsindex voor zakelijke diensten.\n\n"
                "Artikel 5. Afroepen\nEen lid plaatst een afroep voor zijn eigen vestigingen. "
                "De leverancier bevestigt een afroep binnen vijf werkdagen en noemt de "
                "geplande migratiedatum per vestiging.",
                None,
            ),
        ],
    ),
    (
        "Model nota van inlichtingen",
        "procurement",
        INT,
        ["aanbesteding", "nota van inlichtingen", "model"],
        "Sjabloon voor de nota van inlichtingen: alle vragen van inschrijvers en de "
        "antwoorden, gelijktijdig en geanonimiseerd aan alle gegadigden verstrekt.",
        [
            (
                300,
                "Eerste versie",
                "De nota van inlichtingen bundelt de vragen die gegadigden over de "
                "aanbestedingsstukken hebben gesteld, met de antwoorden van de coöperatie. "
                "Elke vraag krijgt een nummer en een verwijzing naar het onderdeel van de "
                "leidraad of het programma van eisen.\n\nDe nota gaat tegelijk naar alle "
                "gegadigden, zonder te vermelden wie een vraag stelde. Antwoorden in de nota "
                "gaan voor op de aanbestedingsstukken; dat staat in de nota zelf vermeld.\n\n"
                "Tip: plan bij aanbestedingen ten minste twee vragenrondes en houd na de "
                "laatste nota voldoende tijd vóór de sluitingsdatum van de inschrijving.",
                None,
            ),
        ],
    ),
    (
        "Handreiking gunningscriteria: beste prijs-kwaliteitverhouding",
        "procurement",
        PUB,
        ["gunning", "BPKV", "aanbesteding"],
        "Hoe de coöperatie gunt op beste prijs-kwaliteitverhouding: wegingen, puntentoekenning "
        "en gunnen op waarde, met rekenvoorbeelden.",
        [
            (
                250,
                "Eerste versie",
                "De coöperatie gunt haar aanbestedingen op de beste prijs-kwaliteitverhouding "
                "(BPKV). De criteria en hun wegingen staan vooraf in de leidraad.\n\n"
                "Methode 1: gewogen punten. De laagste prijs krijgt de volle prijspunten; een "
                "andere inschrijving krijgt laagste prijs gedeeld door haar prijs, maal het "
                "gewicht van de prijs. Voorbeeld: gewicht 40, laagste prijs EUR 100.000, "
                "inschrijving EUR 125.000: 100.000 / 125.000 x 40 = 32 punten.\n\n"
                "Methode 2: gunnen op waarde. De kwaliteit wordt in euro's gewaardeerd en van "
                "de prijs afgetrokken. De inschrijving met de laagste fictieve prijs wint.\n\n"
                "Na de gunningsbeslissing geldt een opschortende termijn (Alcatel-termijn) van "
                "twintig dagen voordat de raamovereenkomst wordt getekend.",
                None,
            ),
        ],
    ),
    (
        "Checklist Europese drempelwaarden en termijnen 2026-2027",
        "procurement",
        PUB,
        ["drempelwaarde", "termijnen", "Europees", "aanbesteding"],
        "Wanneer moet een schoolbestuur Europees aanbesteden, en welke minimumtermijnen "
        "gelden bij de openbare en de niet-openbare procedure?",
        [
            (
                60,
                "Eerste versie",
                "Drempelwaarde: voor leveringen en diensten van decentrale aanbestedende "
                "diensten, zoals schoolbesturen, geldt van 1 januari 2026 tot en met 31 "
                "december 2027 een drempel van EUR 216.000 (exclusief btw). Boven die waarde "
                "is een Europese procedure verplicht.\n\n"
                "Openbare procedure: ten minste 45 dagen vanaf de aankondiging; 5 dagen minder "
                "bij elektronische inschrijving; 5 dagen meer als de stukken niet vrij online "
                "beschikbaar zijn.\n\n"
                "Niet-openbare procedure: ten minste 30 dagen voor verzoeken tot deelneming, "
                "daarna ten minste 40 dagen voor de inschrijvingen (5 dagen minder bij "
                "elektronische inschrijving).\n\n"
                "Raamovereenkomsten lopen ten hoogste vier jaar en noemen een maximale "
                "hoeveelheid of waarde.",
                None,
            ),
        ],
    ),
    (
        "Inbesteding: waarom leden zonder eigen aanbesteding kunnen afnemen",
        "procurement",
        PUB,
        ["inbesteding", "coöperatie"],
        "De coöperatie is van en voor haar leden. Daardoor kunnen leden diensten van de "
        "coöperatie afnemen zonder zelf aan te besteden, mits aan de voorwaarden is voldaan.",
        [
            (
                500,
                "Eerste versie",
                "Schoolbesturen zijn aanbestedende diensten. Een opdracht aan een eigen "
                "organisatie mag zonder aanbesteding worden gegund (inbesteding) als de "
                "leden gezamenlijk toezicht houden zoals op een eigen dienst, de organisatie "
                "vrijwel uitsluitend voor hen werkt en er geen private deelneming is.\n\n"
                "Daarom zijn alleen publiek bekostigde schoolbesturen in het primair en "
                "voortgezet onderwijs lid, sturen de leden via de ledenraad, en besteedt de "
                "coöperatie zelf Europees aan waar zij inkoopt bij de markt.",
                None,
            ),
        ],
    ),
    (
        "Model verwerkersovereenkomst (AVG)",
        "procurement",
        MEM,
        ["privacy", "AVG", "model", "contract"],
        "Verwerkersovereenkomst voor leveranciers die persoonsgegevens van leerlingen of "
        "medewerkers verwerken, afgestemd op het Convenant Digitale Onderwijsmiddelen en "
        "Privacy.",
        [
            (
                200,
                "Eerste versie",
                "De leverancier verwerkt persoonsgegevens uitsluitend in opdracht van het "
                "schoolbestuur en volgens diens schriftelijke instructies. Subverwerkers "
                "worden alleen ingeschakeld na voorafgaande toestemming.\n\n"
                "Beveiliging: de leverancier neemt passende technische en organisatorische "
                "maatregelen, waaronder versleuteling van gegevens in rust en onderweg, "
                "tweefactorauthenticatie voor beheerders en logging van toegang.\n\n"
                "Datalekken meldt de leverancier onverwijld en uiterlijk binnen 24 uur na "
                "ontdekking, zodat het schoolbestuur binnen 72 uur kan melden bij de "
                "Autoriteit Persoonsgegevens.",
                None,
            ),
        ],
    ),
    (
        "Wifi-richtlijnen voor schoolgebouwen",
        "ict",
        INT,
        ["wifi", "netwerk", "richtlijn"],
        "Hoeveel access points een klaslokaal nodig heeft, welke standaarden de coöperatie "
        "hanteert en hoe een site survey verloopt.",
        [
            (
                330,
                "Eerste versie",
                "Uitgangspunt is één access point per lokaal met 30 leerlingen die elk een "
                "device gebruiken. Gymzalen, aula's en open leerpleinen krijgen een eigen "
                "ontwerp op basis van een site survey.\n\nDe coöperatie levert wifi 6 "
                "(802.11ax) met WPA3 voor personeel en leerlingen en een gescheiden "
                "gastennetwerk.",
                None,
            ),
            (
                40,
                "Wifi 6E en aandachtspunten voor toetsen toegevoegd",
                "Uitgangspunt is één access point per lokaal met 30 leerlingen die elk een "
                "device gebruiken. Gymzalen, aula's en open leerpleinen krijgen een eigen "
                "ontwerp op basis van een site survey.\n\nDe coöperatie levert wifi 6E "
                "(802.11ax in de 6 GHz-band) met WPA3 voor personeel en leerlingen en een "
                "gescheiden gastennetwerk.\n\nDigitale toetsen: plan bij centrale examens "
                "extra capaciteit in de examenruimtes en test de dekking vooraf met het "
                "aantal devices dat tegelijk inlogt.",
                None,
            ),
        ],
    ),
    (
        "Netwerksegmentatie: leerlingen, personeel, beheer en gasten",
        "ict",
        MEM,
        ["netwerk", "segmentatie", "beveiliging"],
        "Waarom en hoe het schoolnetwerk in gescheiden segmenten wordt ingericht, met een "
        "voorbeeldindeling in VLAN's.",
        [
            (
                150,
                "Eerste versie",
                "Een plat netwerk laat een besmette laptop bij alles komen. Scheid daarom "
                "ten minste vier segmenten: personeel, leerlingen, beheer (switches, access "
                "points, printers) en gasten.\n\nVoorbeeldindeling: VLAN 10 personeel, "
                "VLAN 20 leerlingen, VLAN 30 beheer, VLAN 40 gasten, VLAN 50 "
                "gebouwinstallaties. Verkeer tussen segmenten gaat alleen via de firewall, "
                "volgens een vastgelegde set regels.",
                None,
            ),
        ],
    ),
    (
        "Migratieplan naar een nieuwe internetverbinding",
        "ict",
        MEM,
        ["connectiviteit", "migratie", "planning"],
        "Stappenplan voor het gefaseerd overzetten van vestigingen naar de externe "
        "connectiviteit van de coöperatie, in migratiegolven.",
        [
            (
                110,
                "Eerste versie",
                "Stap 1: inventariseer per vestiging de huidige verbinding, de "
                "contracteinddatum en de opzegtermijn.\nStap 2: kies per vestiging de "
                "bandbreedte.\nStap 3: deel de vestigingen in golven in; begin met een "
                "proefvestiging.\nStap 4: plan de overstap buiten lestijd en houd de oude "
                "verbinding tot na de acceptatietest actief.\nStap 5: zeg de oude "
                "verbinding op na een geslaagde overstap.",
                None,
            ),
        ],
    ),
    (
        "Cloud of eigen server? Een afwegingskader",
        "ict",
        PUB,
        ["cloud", "IaaS", "server"],
        "Vragen die een schoolbestuur beantwoordt voordat het servers naar de cloud "
        "verplaatst: kosten, beschikbaarheid, privacy en exit.",
        [
            (
                75,
                "Eerste versie",
                "Begin bij de toepassingen, niet bij de servers: welke applicaties draaien "
                "er, wie gebruikt ze en hoe kritisch zijn ze voor het onderwijs?\n\n"
                "Vergelijk de totale kosten over vijf jaar: hardware, licenties, stroom, "
                "koeling en beheer tegenover het maandtarief van virtuele machines.\n\n"
                "Privacy: waar staan de gegevens, wie heeft toegang, en is er een "
                "verwerkersovereenkomst? Exit: hoe krijgt u de gegevens terug als het "
                "contract eindigt?",
                None,
            ),
        ],
    ),
    (
        "Beveiligingsadvies: phishing herkennen en melden",
        "security",
        PUB,
        ["phishing", "beveiliging", "bewustwording"],
        "Kenmerken van phishingmails die zich voordoen als leverancier of bestuurder, en wat "
        "medewerkers moeten doen als ze hebben geklikt.",
        [
            (
                30,
                "Eerste versie",
                "Phishingmails in het onderwijs doen zich vaak voor als de bestuurder, de "
                "salarisadministratie of een bekende leverancier. Let op: haast, een "
                "afwijkend afzenderadres, een verzoek om inloggegevens of een betaling.\n\n"
                "Geklikt of gegevens ingevuld? Meld het direct bij de ICT-helpdesk, wijzig "
                "uw wachtwoord en schaam u niet: snel melden beperkt de schade.\n\n"
                "Voor beheerders: blokkeer de afzender, zoek vergelijkbare berichten in alle "
                "postvakken en controleer aanmeldingen vanaf onbekende locaties.",
                None,
            ),
        ],
    ),
    (
        "Beveiligingsadvies: tweefactorauthenticatie invoeren",
        "security",
        INT,
        ["tweefactorauthenticatie", "beveiliging", "accounts"],
        "Een stappenplan om tweefactorauthenticatie (2FA) in te voeren voor medewerkers, "
        "te beginnen bij beheerders en de administratie.",
        [
            (
                20,
                "Eerste versie",
                "Begin bij de accounts met de meeste rechten: beheerders, de administratie "
                "en de bestuurder. Daarna volgen alle medewerkers.\n\nKies een "
                "authenticator-app of een hardwaresleutel; sms is de minst sterke vorm. "
                "Regel vooraf hoe iemand weer toegang krijgt bij een verloren telefoon.\n\n"
                "Communiceer ruim van tevoren en bied inloopspreekuren aan.",
                None,
            ),
        ],
    ),
    (
        "Incidentresponsplan voor schoolbesturen",
        "security",
        MEM,
        ["incident", "beveiliging", "datalek"],
        "Wie doet wat bij een beveiligingsincident of datalek: rollen, eerste uren, "
        "communicatie en melding.",
        [
            (
                140,
                "Eerste versie",
                "Rollen: de incidentcoördinator leidt, de ICT-beheerder onderzoekt en "
                "herstelt, de functionaris gegevensbescherming beoordeelt of er een datalek "
                "is, de bestuurder besluit en communiceert.\n\nDe eerste uren: isoleer "
                "getroffen systemen, bewaar logbestanden, wijzig gecompromitteerde "
                "wachtwoorden en leg elke stap vast met tijdstip.\n\nMelding: een datalek "
                "met risico voor betrokkenen meldt het bestuur binnen 72 uur bij de "
                "Autoriteit Persoonsgegevens.",
                None,
            ),
        ],
    ),
    (
        "Basisnormen informatiebeveiliging en privacy (IBP)",
        "security",
        INT,
        ["IBP", "privacy", "beveiliging", "normenkader"],
        "Een overzicht van de basisnormen voor informatiebeveiliging en privacy die de "
        "coöperatie hanteert bij haar diensten en leveranciers.",
        [
            (
                260,
                "Eerste versie",
                "De coöperatie toetst haar diensten aan een normenkader voor "
                "informatiebeveiliging en privacy: beleid en organisatie, toegangsbeheer, "
                "versleuteling, logging en monitoring, back-up en herstel, leveranciers en "
                "bewustwording.\n\nLeveranciers tonen jaarlijks aan dat zij aan de normen "
                "voldoen, met een onafhankelijke verklaring of een eigen rapportage.",
                None,
            ),
        ],
    ),
    (
        "Tarieven raamovereenkomsten: hoe ze tot stand komen",
        "rates",
        MEM,
        ["tarieven", "raamovereenkomst"],
        "Hoe de tarieven van de raamovereenkomsten tot stand komen en waar leden ze vinden "
        "zodra een aanbesteding is gegund.",
        [
            (
                10,
                "Eerste versie",
                "De tarieven volgen uit de aanbestedingen van de coöperatie: de winnende "
                "inschrijving per perceel bepaalt de tarieven van de raamovereenkomst. Leden "
                "betalen daarbovenop de inkoop- en servicetoeslag van de dienst.\n\nZodra een "
                "aanbesteding is gegund en de raamovereenkomst is getekend, staan de "
                "tarieven op de pagina Afgesproken tarieven van de kennisbank.",
                None,
            ),
        ],
    ),
]

LEIDRAAD = {
    "leidraad": (
        "Aanbestedingsleidraad: model",
        [
            (
                "1. Inleiding",
                "De coöperatie besteedt namens haar leden een raamovereenkomst aan voor "
                "volledig verzorgde ICT-diensten. Deze leidraad beschrijft de procedure, de "
                "eisen en de wijze van gunning.",
            ),
            (
                "2. Procedure",
                "Deze aanbesteding is een Europese openbare procedure. Aanbestedingen van "
                "de coöperatie verlopen elektronisch; inschrijvingen worden uitsluitend via "
                "het aanbestedingsplatform ingediend.",
            ),
            (
                "3. Percelen",
                "Perceel 1: wifi en intern vast netwerk. Perceel 2: externe connectiviteit "
                "met anti-DDoS en firewall. Perceel 3: informatiebeveiligingsdiensten.",
            ),
            (
                "4. Gunningscriteria",
                "Gunning vindt plaats op basis van de beste prijs-kwaliteitverhouding: prijs "
                "40 procent, kwaliteit 60 procent (plan van aanpak, dienstverlening, "
                "duurzaamheid).",
            ),
        ],
    ),
    "leidraad-2": (
        "Aanbestedingsleidraad: model (herzien)",
        [
            (
                "1. Inleiding",
                "De coöperatie besteedt namens haar leden een raamovereenkomst aan voor "
                "volledig verzorgde ICT-diensten. Deze leidraad beschrijft de procedure, de "
                "eisen en de wijze van gunning.",
            ),
            (
                "2. Procedure en termijnen",
                "Deze aanbesteding is een Europese openbare procedure boven de drempelwaarde "
                "van EUR 216.000. De termijn voor inschrijving is ten minste 40 dagen na de "
                "aankondiging, omdat inschrijvingen elektronisch worden ingediend.",
            ),
            (
                "3. Percelen",
                "Perceel 1: wifi en intern vast netwerk. Perceel 2: externe connectiviteit "
                "met anti-DDoS en firewall. Perceel 3: informatiebeveiligingsdiensten.",
            ),
            (
                "4. Gunningscriteria",
                "Gunning vindt plaats op basis van de beste prijs-kwaliteitverhouding: prijs "
                "40 procent, kwaliteit 60 procent. De methode is gunnen op waarde: de "
                "kwaliteit wordt in euro's gewaardeerd en van de prijs afgetrokken.",
            ),
            (
                "5. Alcatel-termijn",
                "Na de gunningsbeslissing geldt een opschortende termijn van twintig dagen.",
            ),
        ],
    ),
}


def leidraad_pdf(key: str) -> SimpleUploadedFile:
    """A PDF of the model tender guideline, made with WeasyPrint."""
    from weasyprint import HTML

    title, sections = LEIDRAAD[key]
    html = f"<h1>{escape(title)}</h1>" + "".join(
        f"<h2>{escape(heading)}</h2><p>{escape(text)}</p>" for heading, text in sections
    )
    content = HTML(string=f"<html lang='nl'><body>{html}</body></html>").write_pdf()
    return SimpleUploadedFile(f"{key}.pdf", content, content_type="application/pdf")


def _categories() -> dict[str, Category]:
    categories = {}
    for position, (code, nl, en, description_nl, description_en) in enumerate(CATEGORIES):
        categories[code], _created = Category.objects.get_or_create(
            code=code,
            defaults={
                "name_nl": nl,
                "name_en": en,
                "description_nl": description_nl,
                "description_en": description_en,
                "position": position,
            },
        )
    return categories


@transaction.atomic
def seed_demo(*, staff) -> int:
    """Idempotent: creates the categories and the documents that are missing (by title);
    returns how many documents it created."""
    categories = _categories()
    now = timezone.now()
    created = 0
    for title, category, visibility, tags, summary, versions in DOCUMENTS:
        if Document.objects.filter(title=title).exists():
            continue
        (days, note, body, pdf), *later = versions
        document = services.document_create(
            by=staff,
            title=title,
            category=categories[category],
            visibility=visibility,
            summary=summary,
            tags=tags,
            body=body,
            upload=leidraad_pdf(pdf) if pdf else None,
            note=note,
            at=_at(now, days),
        )
        for days, note, body, pdf in later:
            services.document_add_version(
                document=document,
                by=staff,
                body=body,
                upload=leidraad_pdf(pdf) if pdf else None,
                note=note,
                at=_at(now, days),
            )
        created += 1
    return created


def _at(now: datetime, days: int) -> datetime:
    return now - timedelta(days=days)
