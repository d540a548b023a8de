"""The bundled demand of a national tender: every location of the registry in it with 3
products each (external connectivity 1 Gbit/s, the security services it requires, and
wifi), spread over all boards with locations as members. Then `GET
/api/v1/tenders/{id}/demand/` (wall time and queries) against the same figures computed
by one hand-written SQL statement, and the ratio (target: at most 2x, a fixed number of
queries).

`run()` expects Django set up on PostgreSQL with the DUO registry loaded (bench/run.py
does both). Alone, `.venv/bin/python bench/tenders_demand.py` sets Django up on
BENCH_DATABASE_URL (default: bundel_bench on the local PostgreSQL), migrating it and
importing the DUO files first when the registry is empty.

Bench data is written with bulk_create (the services, one board at a time with their
rules and audit, are not what is measured; one registration through the service is timed
on its own). Everything the bench made is deleted at the end, memberships included.
"""

import os
import statistics
import sys
import time as clock
from datetime import date, datetime, time, timedelta
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
RUNS = 15
TITLE = "Bench: landelijke vraagbundeling"
PRODUCTS = [("connectivity", "1g"), ("security", "standard"), ("wifi", "m")]
LOTS = {  # lot number: (title, provinces)
    1: ("Noord en Oost", ("Groningen", "Friesland", "Drenthe", "Overijssel", "Gelderland")),
    2: ("West", ("Noord-Holland", "Zuid-Holland", "Utrecht", "Flevoland", "Zeeland")),
    3: ("Zuid", ("Noord-Brabant", "Limburg")),
}

# The same figures as the API's, in one statement: per lot and capacity, per lot (each
# location once) and for the whole tender (each location once), and the optional
# services' distinct locations.
RAW_SQL = """
WITH current_dates AS (
    SELECT sector_type, MAX(count_date) AS count_date
    FROM registry_pupilcount GROUP BY sector_type
), location_pupils AS (
    SELECT p.location_id, SUM(p.pupils) AS pupils
    FROM registry_pupilcount p
    JOIN current_dates c ON c.sector_type = p.sector_type AND c.count_date = p.count_date
    GROUP BY p.location_id
), lines AS (
    SELECT l.lot_id, l.product_id, l.capacity_id, l.location_id, pa.board_id,
           c.monthly_price, COALESCE(lp.pupils, 0) AS pupils
    FROM tenders_demandline l
    JOIN tenders_participation pa ON pa.id = l.participation_id
    JOIN catalogue_capacityoption c ON c.id = l.capacity_id
    LEFT JOIN location_pupils lp ON lp.location_id = l.location_id
    WHERE pa.tender_id = %(tender)s
), lot_locations AS (
    SELECT DISTINCT ON (lot_id, location_id) lot_id, location_id, pupils FROM lines
), tender_locations AS (
    SELECT DISTINCT ON (location_id) location_id, pupils FROM lines
)
SELECT 'product', lot_id, capacity_id, COUNT(DISTINCT location_id), COUNT(DISTINCT board_id),
       SUM(pupils), SUM(monthly_price) * 12
FROM lines GROUP BY lot_id, capacity_id
UNION ALL
SELECT 'lot', a.lot_id, NULL, a.locations, a.boards, b.pupils, a.value
FROM (SELECT lot_id, COUNT(DISTINCT location_id) AS locations,
             COUNT(DISTINCT board_id) AS boards, SUM(monthly_price) * 12 AS value
      FROM lines GROUP BY lot_id) a
JOIN (SELECT lot_id, SUM(pupils) AS pupils FROM lot_locations GROUP BY lot_id) b
  ON b.lot_id = a.lot_id
UNION ALL
SELECT 'total', NULL, NULL, (SELECT COUNT(*) FROM tender_locations),
       COUNT(DISTINCT board_id), (SELECT SUM(pupils) FROM tender_locations),
       SUM(monthly_price) * 12
FROM lines
UNION ALL
SELECT 'optional', NULL, product_id, COUNT(DISTINCT location_id), NULL, NULL, NULL
FROM lines WHERE product_id = ANY(%(optional)s) GROUP BY product_id
"""


def _ms(start: float) -> float:
    return (clock.perf_counter() - start) * 1000


def _build(staff):
    """The tender in demand registration, every board with locations a member, and
    3 lines per location in the lot of its province. Returns (tender, new memberships)."""
    from django.db import connection
    from django.utils import timezone

    from bundel.catalogue.demo import load_catalogue
    from bundel.catalogue.models import CapacityOption, ProductGroup
    from bundel.membership.models import Membership
    from bundel.registry.models import Board, Location
    from bundel.tenders import services
    from bundel.tenders.models import DemandLine, Participation

    load_catalogue()
    today = timezone.localdate()
    notice = today + timedelta(days=30)
    tender = services.tender_create(
        by=staff,
        product_groups=list(
            ProductGroup.objects.filter(code__in=["connectivity", "security", "network"])
        ),
        lots=[services.LotInput(n, title) for n, (title, _p) in LOTS.items()],
        criteria=[services.CriterionInput("Kwaliteit", 10, weight=40)],
        title=TITLE,
        procedure="open",
        estimated_value=25_000_000,
        notice_date=notice,
        demand_deadline=notice - timedelta(days=1),
        closing_at=timezone.make_aware(datetime.combine(notice + timedelta(days=60), time(12))),
        award_method="points",
        price_weight=60,
    )
    services.tender_open_demand(tender=tender, by=staff)
    lots = {lot.number: lot for lot in tender.lots.all()}
    lot_of = {province: lots[n] for n, (_t, provinces) in LOTS.items() for province in provinces}
    capacities = [
        CapacityOption.objects.select_related("product").get(product__code=p, code=c)
        for p, c in PRODUCTS
    ]

    boards = list(Board.objects.filter(locations__isnull=False).distinct().order_by("pk"))
    joined = set(Membership.objects.filter(state="member").values_list("board_id", flat=True))
    taken = set(Membership.objects.values_list("board_id", flat=True))
    added = Membership.objects.bulk_create(
        Membership(board=b, state="member", applied_on=date(2026, 1, 5), admitted_on=today)
        for b in boards
        if b.pk not in joined and b.pk not in taken
    )
    # Boards with another open membership state (interested, applied) stay out of it.
    members = [b for b in boards if b.pk in joined or b.pk not in taken]
    participations = Participation.objects.bulk_create(
        Participation(tender=tender, board=b, changed_by=staff) for b in members
    )
    by_board = {p.board_id: p for p in participations}
    start = date(notice.year + 1, 8, 1)
    lines = [
        DemandLine(
            participation=by_board[location.board_id],
            lot=lot_of.get(location.province, lots[2]),
            location=location,
            product=capacity.product,
            capacity=capacity,
            start=start,
        )
        for location in Location.objects.filter(board_id__in=by_board).order_by("code")
        for capacity in capacities
    ]
    DemandLine.objects.bulk_create(lines, batch_size=5000)
    with connection.cursor() as cursor:  # as autovacuum would after a bulk load
        cursor.execute("ANALYZE tenders_demandline, tenders_participation, registry_pupilcount")
    return tender, added


def _raw(tender):
    """A call running the one statement, returning its rows."""
    from django.db import connection

    from bundel.catalogue.models import Product

    optional = list(Product.objects.filter(is_optional=True).values_list("pk", flat=True))
    params = {"tender": tender.pk, "optional": optional}

    def query():
        with connection.cursor() as cursor:
            cursor.execute(RAW_SQL, params)
            return cursor.fetchall()

    return query


def _interleaved(*calls, runs: int = RUNS) -> list[list[float]]:
    """Milliseconds per call, the calls taking turns (after two warm-up rounds)."""
    times = [[] for _ in calls]
    for round_ in range(runs + 2):
        for index, call in enumerate(calls):
            start = clock.perf_counter()
            call()
            if round_ >= 2:
                times[index].append(_ms(start))
    return times


def _same(api: dict, rows: list, tender) -> bool:
    """Do the API's figures equal the statement's?"""
    from bundel.catalogue.models import CapacityOption

    codes = {
        c.pk: (c.product.code, c.code) for c in CapacityOption.objects.select_related("product")
    }
    lots = {lot.pk: lot.number for lot in tender.lots.all()}
    raw_products, raw_lots, raw_total = {}, {}, None
    for level, lot, capacity, locations, boards, pupils, value in rows:
        figures = (
            locations,
            boards,
            int(pupils or 0),
            f"{value:.2f}" if value is not None else None,
        )
        if level == "product":
            raw_products[(lots[lot], *codes[capacity])] = figures
        elif level == "lot":
            raw_lots[lots[lot]] = figures
        elif level == "total":
            raw_total = figures
    api_products = {
        (lot["lot"], p["product"], p["capacity"]): (
            p["locations"],
            p["boards"],
            p["pupils"],
            p["value"],
        )
        for lot in api["lots"]
        for p in lot["products"]
    }
    api_lots = {
        lot["lot"]: (lot["locations"], lot["boards"], lot["pupils"], lot["value"])
        for lot in api["lots"]
        if lot["locations"]
    }
    t = api["totals"]
    api_total = (t["locations"], t["boards"], t["pupils"], t["value"])
    return (api_products, api_lots, api_total) == (raw_products, raw_lots, raw_total)


def run() -> None:
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bundel.accounts.constants import Role
    from bundel.accounts.models import User
    from bundel.membership.models import Membership
    from bundel.tenders import services
    from bundel.tenders.models import DemandLine, Participation, Tender

    if connection.vendor != "postgresql":
        raise SystemExit("The tenders bench runs on PostgreSQL.")
    staff = User.objects.filter(role=Role.STAFF, is_active=True).first() or User.objects.create(
        username="bench-tenders", email="bench-tenders@bundel.test", role=Role.STAFF
    )
    _delete(Tender.objects.filter(title=TITLE))  # left by a run that was interrupted
    start = clock.perf_counter()
    tender, added = _build(staff)
    try:
        built = clock.perf_counter() - start
        lines = DemandLine.objects.filter(participation__tender=tender)
        print(
            f"\nNational tender (bench data via bulk_create, {built:.1f} s): "
            f"{Participation.objects.filter(tender=tender).count():,} member boards, "
            f"{lines.values('location').distinct().count():,} locations, {lines.count():,} "
            f"lines in {tender.lots.count()} lots"
        )
        client = Client()
        client.force_login(staff)
        url = f"/api/v1/tenders/{tender.pk}/demand/"
        results, queries = {}, {}
        for query in ("", "?provinces=1"):
            with CaptureQueriesContext(connection) as captured:
                response = client.get(url + query)
            assert response.status_code == 200, response.status_code
            queries[query] = len(captured)  # before the next request resets the log
            results[query] = response.json()
        raw = _raw(tender)
        rows = raw()
        same = _same(results[""], rows, tender)
        # Interleaved, so that both see the same load of the machine.
        times = _interleaved(lambda: client.get(url), raw, lambda: client.get(url + "?provinces=1"))
        api_ms, raw_ms, provinces_ms = (statistics.median(t) for t in times)
        print(f"{'':44} {'p50 ms':>8} {'min ms':>8} {'queries':>8}")
        for label, ms, fastest, count in [
            (f"GET {url}", api_ms, min(times[0]), queries[""]),
            ("the same figures in one raw SQL statement", raw_ms, min(times[1]), 1),
            (f"GET {url}?provinces=1", provinces_ms, min(times[2]), queries["?provinces=1"]),
        ]:
            print(f"{label:44} {ms:8.1f} {fastest:8.1f} {count:8}")
        print(
            f"ratio API / raw SQL: {api_ms / raw_ms:.2f}x at the median, "
            f"{min(times[0]) / min(times[1]):.2f}x at the fastest (target at most 2x); "
            f"same figures: {'yes' if same else 'NO'}"
        )
        totals = results[""]["totals"]
        print(
            f"totals: {totals['locations']:,} locations, {totals['boards']:,} boards, "
            f"{totals['pupils']:,} pupils, EUR {float(totals['value']):,.2f} a year"
        )

        # One board's change through the service (rules, audit): the largest board's.
        biggest = (
            Participation.objects.filter(tender=tender)
            .annotate(n=Count("lines"))
            .order_by("-n", "pk")
            .select_related("board")
            .first()
        )
        lines = biggest.lines.select_related("lot", "location", "product", "capacity")
        own = [
            services.DemandLineInput(
                line.lot.number,
                line.location.code,
                line.product.code,
                "10g" if line.product.code == "connectivity" else line.capacity.code,
                line.start,
            )
            for line in lines
        ]
        start = clock.perf_counter()
        with CaptureQueriesContext(connection) as captured:
            services.participation_register(tender=tender, board=biggest.board, lines=own, by=staff)
        print(
            f"participation_register({biggest.board.duo_number}, {len(own)} lines, a change): "
            f"{_ms(start):.1f} ms, {len(captured)} queries"
        )
    finally:
        _delete(Tender.objects.filter(pk=tender.pk))
        Membership.objects.filter(pk__in=[m.pk for m in added]).delete()


def _delete(tenders) -> None:
    """Bench tenders with their demand (lines first: a lot protects its lines) and audit."""
    from bundel.audit.models import AuditEntry
    from bundel.tenders.models import DemandLine, Participation

    ids = list(tenders.values_list("pk", flat=True))
    participations = Participation.objects.filter(tender_id__in=ids)
    AuditEntry.objects.filter(
        content_type__app_label="tenders",
        content_type__model="participation",
        object_id__in=[str(pk) for pk in participations.values_list("pk", flat=True)],
    ).delete()
    AuditEntry.objects.filter(
        content_type__app_label="tenders",
        content_type__model="tender",
        object_id__in=[str(pk) for pk in ids],
    ).delete()
    DemandLine.objects.filter(participation__tender_id__in=ids).delete()
    participations.delete()
    tenders.delete()


def _setup_alone() -> None:
    """Django on BENCH_DATABASE_URL (created when missing), migrated, with the registry."""
    import psycopg

    url = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bundel_bench")
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "bundel.conf.test"
    sys.path.insert(0, str(ROOT / "src"))
    parts = urlparse(url)
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        name = parts.path.lstrip("/")
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from bundel.registry.duo.importer import import_duo_files
    from bundel.registry.management.commands.import_duo import read_manifest
    from bundel.registry.models import Location

    call_command("migrate", verbosity=0)
    if not Location.objects.exists():
        print("Importing the DUO registry ...")
        import_duo_files(read_manifest(settings.DUO_MANIFEST))
    print(f"Database: {url}")


if __name__ == "__main__":
    _setup_alone()
    run()
