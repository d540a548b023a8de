"""The knowledge base's search at 5,000 documents on PostgreSQL: p50/p95 and queries of
the search API and page, and the stored tsvector (GIN) against computing the vector at
query time.

`run()` expects Django set up on a migrated PostgreSQL database (bench/run.py does that).
Run alone: `.venv/bin/python bench/knowledge.py` (recreates BENCH_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/bundel_bench_knowledge). Prints figures; asserts
nothing but that every request answers 200.
"""

import os
import random
import re
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

DOCUMENTS = 5000
RUNS, WARM_UPS = 30, 3

# Subjects: (tag, category, what it is about, sentences only documents on it use).
SUBJECTS = [
    (
        "aanbesteding",
        "procurement",
        "Europese aanbestedingen",
        [
            "Bij aanbestedingen boven de Europese drempelwaarde geldt een openbare procedure.",
            "De leidraad beschrijft de percelen, de termijnen en de gunningscriteria.",
            "Inschrijvingen worden elektronisch ingediend via het aanbestedingsplatform.",
            "De nota van inlichtingen beantwoordt de vragen van alle gegadigden tegelijk.",
        ],
    ),
    (
        "raamovereenkomst",
        "procurement",
        "raamovereenkomsten",
        [
            "De raamovereenkomst loopt ten hoogste vier jaar en noemt een maximale waarde.",
            "Leden plaatsen afroepen voor hun eigen vestigingen onder de raamovereenkomst.",
            "De leverancier bevestigt een afroep binnen vijf werkdagen.",
        ],
    ),
    (
        "gunning",
        "procurement",
        "de gunning op beste prijs-kwaliteitverhouding",
        [
            "Na de gunningsbeslissing geldt een opschortende termijn van twintig dagen.",
            "Bij gunnen op waarde wordt de kwaliteit in euro's van de prijs afgetrokken.",
            "De prijspunten zijn de laagste prijs gedeeld door deze prijs maal het gewicht.",
        ],
    ),
    (
        "wifi",
        "ict",
        "wifi-capaciteit",
        [
            "Uitgangspunt is één access point per lokaal met dertig leerlingen.",
            "Gymzalen en aula's krijgen een eigen ontwerp op basis van een site survey.",
            "De coöperatie levert wifi met WPA3 en een gescheiden gastennetwerk.",
            "Digitale toetsen vragen extra capaciteit in de examenruimtes.",
        ],
    ),
    (
        "netwerk",
        "ict",
        "het interne netwerk",
        [
            "Scheid personeel, leerlingen, beheer en gasten in eigen segmenten.",
            "Verkeer tussen segmenten gaat alleen via de firewall, volgens vaste regels.",
        ],
    ),
    (
        "connectiviteit",
        "ict",
        "de internetverbinding",
        [
            "Plan de overstap naar de nieuwe verbinding buiten de lestijden.",
            "Houd de oude verbinding actief tot na de acceptatietest.",
            "Een migratieplan deelt de vestigingen in golven in, met een proefvestiging eerst.",
        ],
    ),
    (
        "cloud",
        "ict",
        "virtuele servers in de cloud",
        [
            "Vergelijk de totale kosten over vijf jaar met het maandtarief van virtuele machines.",
            "Regel vooraf hoe de gegevens terugkomen als het contract eindigt.",
        ],
    ),
    (
        "phishing",
        "security",
        "phishing",
        [
            "Phishingmails doen zich vaak voor als de bestuurder of een bekende leverancier.",
            "Meld een verdachte mail direct bij de helpdesk en wijzig uw wachtwoord.",
        ],
    ),
    (
        "tweefactorauthenticatie",
        "security",
        "tweefactorauthenticatie",
        [
            "Begin met tweefactorauthenticatie bij beheerders en de administratie.",
            "Een authenticator-app is sterker dan een code per sms.",
        ],
    ),
    (
        "privacy",
        "security",
        "de verwerking van persoonsgegevens",
        [
            "Een datalek met risico voor betrokkenen wordt binnen 72 uur gemeld.",
            "De leverancier verwerkt persoonsgegevens uitsluitend in opdracht van het bestuur.",
        ],
    ),
    (
        "tarieven",
        "rates",
        "de tarieven van de raamovereenkomsten",
        [
            "Tarieven worden jaarlijks geïndexeerd met ten hoogste de prijsindex.",
            "De inkoop- en servicetoeslag komen bovenop het tarief van de leverancier.",
        ],
    ),
]
KINDS = ["Handreiking", "Richtlijn", "Model", "Checklist", "Beveiligingsadvies", "Notitie"]
AUDIENCES = [
    "voor het primair onderwijs",
    "voor het voortgezet onderwijs",
    "voor kleine besturen",
    "voor scholen met meerdere vestigingen",
    "voor ICT-coördinatoren",
    "voor bestuurders",
]
# Sentences any document may hold.
GENERAL = [
    "Het bestuur bespreekt dit met de schoolleiders van alle vestigingen.",
    "Leg elke stap van de afhandeling vast met het tijdstip.",
    "De coöperatie helpt leden met advies en met voorbeelden uit de praktijk.",
    "Betrek de medezeggenschapsraad tijdig bij de keuze.",
    "Dit geldt voor het primair en het voortgezet onderwijs.",
    "Neem bij vragen contact op met de coöperatie.",
    "De leerlingen merken in de klas weinig van de overstap.",
]
RARE = "glasvezelring"  # in about 1 in 500 documents


def body(rng: random.Random, subject: str, own: list[str], long: bool) -> str:
    """A text of 8-60 sentences (one in five documents: 300-600, the size of a PDF of
    some pages), mostly general, some of its own subject, now and then of another."""
    count = rng.randint(300, 600) if long else rng.randint(8, 60)
    sentences = []
    for _ in range(count):
        draw = rng.random()
        if draw < 0.35:
            sentences.append(rng.choice(own))
        elif draw < 0.38:
            sentences.append(rng.choice(rng.choice(SUBJECTS)[3]))
        else:
            sentences.append(rng.choice(GENERAL))
    sentences.insert(rng.randrange(len(sentences)), f"Dit stuk gaat over {subject}.")
    if rng.random() < 1 / 500:
        sentences.append(f"De {RARE} verbindt de vestigingen van het bestuur.")
    paragraphs = [" ".join(sentences[i : i + 6]) for i in range(0, len(sentences), 6)]
    return "\n\n".join(paragraphs)


def build(staff) -> float:
    """Create the documents through the service (the index is the service's own);
    returns the seconds it took."""
    from django.db import transaction
    from django.utils import timezone

    from bundel.knowledge import services
    from bundel.knowledge.constants import Visibility
    from bundel.knowledge.demo import _categories
    from bundel.knowledge.models import Document

    categories = _categories()
    rng = random.Random(2026)
    visibilities = list(Visibility)
    now = timezone.now()
    missing = DOCUMENTS - Document.objects.filter(title__startswith="[bench] ").count()
    start = time.perf_counter()
    for first in range(0, missing, 250):  # commit in batches: one fsync per 250
        with transaction.atomic():
            for n in range(first, min(first + 250, missing)):
                tag, category, subject, own = rng.choice(SUBJECTS)
                services.document_create(
                    by=staff,
                    title=f"[bench] {rng.choice(KINDS)} {subject} {rng.choice(AUDIENCES)} ({n})",
                    category=categories[category],
                    visibility=visibilities[n % 3],
                    summary=f"Over {subject}, {rng.choice(AUDIENCES)}.",
                    tags=[tag, rng.choice(["2026", "2027", "model", "praktijk"])],
                    body=body(rng, subject, own, long=n % 5 == 0),
                    at=now - timedelta(days=rng.randint(0, 1500)),
                )
    return time.perf_counter() - start


def timed_requests(client, url: str) -> tuple[float, float, int, int]:
    """p50 and p95 in ms, the queries of the last request and the result count."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(WARM_UPS):
        client.get(url)
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    if response["Content-Type"].startswith("application/json"):
        count = response.json()["count"]
    else:
        count = int(re.search(rb'data-count="(\d+)"', response.content).group(1))
    return statistics.median(times), statistics.quantiles(times, n=20)[-1], len(captured), count


def stored_against_computed() -> list[tuple[str, float, float, int]]:
    """Milliseconds to count the matches of a query: the stored vector with its GIN index
    against the vector computed from the texts at query time."""
    from django.conf import settings
    from django.contrib.postgres.search import SearchQuery, SearchVector
    from django.db.models import F

    from bundel.knowledge.models import Document

    config = settings.KNOWLEDGE_SEARCH_CONFIG
    computed_vector = (
        SearchVector("title", weight="A", config=config)
        + SearchVector("summary", weight="B", config=config)
        + SearchVector(F("current_version__body"), weight="C", config=config)
    )
    rows = []
    for q in ("aanbesteding", "wifi toetsen", RARE):
        query = SearchQuery(q, config=config, search_type="websearch")
        stored = Document.objects.filter(search_vector=query)
        computed = Document.objects.annotate(v=computed_vector).filter(v=query)
        ms = []
        for queryset, runs in ((stored, 5), (computed, 1)):  # computed takes seconds
            queryset.count()
            start = time.perf_counter()
            for _ in range(runs):
                count = queryset.count()
            ms.append((time.perf_counter() - start) * 1000 / runs)
        rows.append((q, ms[0], ms[1], count))
    return rows


def run() -> None:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from bundel.knowledge.models import Document

    User = get_user_model()
    staff = User.objects.filter(username="bench-knowledge").first() or User.objects.create_user(
        username="bench-knowledge",
        email="bench-knowledge@bundel.test",
        password="bench-pass-2026",
        role="staff",
        first_name="Bench",
        last_name="Kennisbank",
    )
    with connection.cursor() as cursor:
        cursor.execute("SHOW random_page_cost")
        page_cost = cursor.fetchone()[0]
    print(
        f"\nKnowledge base search (PostgreSQL {connection.pg_version // 10000}, "
        f"random_page_cost {page_cost})"
    )
    seconds = build(staff)
    total = Document.objects.count()
    with connection.cursor() as cursor:
        # The visibility map after a bulk load: index-only counts, as in a settled database.
        cursor.execute("VACUUM ANALYZE knowledge_document")
        cursor.execute("VACUUM ANALYZE knowledge_documentversion")
        cursor.execute("SELECT pg_size_pretty(pg_relation_size('knowledge_document_search_gin'))")
        gin_size = cursor.fetchone()[0]
    print(
        f"{total:,} documents ({seconds:.1f} s through document_create, index included); "
        f"GIN index {gin_size}"
    )

    anonymous, staff_client = Client(), Client()
    staff_client.force_login(staff)
    last_year = (timezone.localdate() - timedelta(days=365)).isoformat()
    print(f"{'request':84} {'results':>8} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8}")
    for who, url in [
        ("staff", "/api/v1/documents/?q=aanbesteding"),
        ("staff", "/api/v1/documents/?q=wifi+toetsen"),
        ("staff", f"/api/v1/documents/?q=aanbesteding&category=procurement&date_from={last_year}"),
        ("staff", f"/api/v1/documents/?q={RARE}"),
        ("staff", "/api/v1/documents/"),
        ("anon", "/api/v1/documents/?q=phishing"),
        ("staff", "/knowledge/?q=aanbesteding"),
        ("staff", "/knowledge/?q=raamovereenkomst+or+gunning"),
        ("anon", "/knowledge/?q=wifi"),
        ("anon", "/knowledge/"),
    ]:
        client = staff_client if who == "staff" else anonymous
        p50, p95, queries, count = timed_requests(client, url)
        label = f"{url} ({who})"
        print(f"{label:84} {count:8,} {p50:8.1f} {p95:8.1f} {queries:8}")

    print("\nMatching only (count), stored tsvector + GIN vs computed at query time:")
    for q, stored_ms, computed_ms, count in stored_against_computed():
        print(
            f"  {q!r:24} {count:6,} matches  stored {stored_ms:7.1f} ms  "
            f"computed {computed_ms:8.1f} ms"
        )


def main() -> None:
    url = os.environ.get(
        "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bundel_bench_knowledge"
    )
    here = Path(__file__).resolve().parent
    sys.path[:0] = [str(here), str(here.parent / "src")]
    from run import recreate_database

    recreate_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "bundel.conf.test"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    run()


if __name__ == "__main__":
    main()
