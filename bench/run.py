"""`make bench`: the DUO import into an empty PostgreSQL database, page and API timings, a
national services case (costs, migration calendar), the proposals batch, and the benches
of bench/<capability>.py (knowledge search, member groups).

Prints figures; asserts nothing (targets are read by people, not by tests).
BENCH_DATABASE_URL picks the database (default: bundel_bench on the local PostgreSQL);
it is dropped and created anew.
"""

import os
import statistics
import sys
import time
from datetime import date
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bundel_bench")


def recreate_database(url: str) -> None:
    import psycopg

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def main() -> None:
    recreate_database(URL)
    os.environ["DATABASE_URL"] = URL
    os.environ["DJANGO_SETTINGS_MODULE"] = "bundel.conf.test"
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bundel.registry.duo.importer import import_duo_files
    from bundel.registry.management.commands.import_duo import read_manifest

    call_command("migrate", verbosity=0)
    sources = read_manifest(settings.DUO_MANIFEST)
    rows = sum(len(s.path.read_bytes().splitlines()) - 1 for s in sources)
    print(f"Database: PostgreSQL {connection.pg_version // 10000} ({URL})")
    print(f"DUO files: {len(sources)}, {rows:,} data rows\n")
    for label in ("full import (empty database)", "no-change re-import"):
        start = time.perf_counter()
        report = import_duo_files(sources)
        wall = time.perf_counter() - start
        changed = "changed" if report.changed else "unchanged"
        print(f"{label:32} {wall:6.2f} s  {rows / wall:9,.0f} rows/s  ({changed})")

    from bundel.accounts.services import user_create
    from bundel.membership.demo import seed_demo

    staff = user_create(
        username="bench", email="bench@bundel.test", password="bench-pass-2026", role="staff"
    )
    seeded = seed_demo(staff=staff, exclude=set())
    print(f"Demo memberships: {seeded}")

    print("\nRequests (test client, in process; 30 each after 3 warm-ups)")
    print(f"{'request':48} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8}")
    client = Client()
    staff_client = Client()
    staff_client.force_login(staff)
    for who, url in [("staff", "/membership/all/"), ("staff", "/api/v1/memberships/")] + [
        ("anon", u)
        for u in [
            "/registry/boards/",
            "/registry/boards/?q=amsterdam",
            "/registry/boards/?order=pupils",
            "/registry/boards/41211/",
            "/api/v1/boards/",
            "/api/v1/boards/?ordering=pupils&page_size=500",
            "/api/v1/boards/41211/",
            "/api/v1/registry/totals/?count_date=2019-10-01",
            "/support/",
            "/api/v1/support/",
        ]
    ]:
        browser = staff_client if who == "staff" else client
        for _ in range(3):
            browser.get(url)
        times = []
        for _ in range(30):
            start = time.perf_counter()
            with CaptureQueriesContext(connection) as queries:
                response = browser.get(url)
            times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        p95 = statistics.quantiles(times, n=20)[-1]
        label = f"{url} ({who})" if who != "anon" else url
        print(f"{label:48} {statistics.median(times):8.1f} {p95:8.1f} {len(queries):8}")

    import tempfile

    from bundel.proposals.services import generate_proposals

    # Proposals before the national case below, which makes every board a member.
    with tempfile.TemporaryDirectory() as out:
        result = generate_proposals(out)
        size = result.zip_path.stat().st_size / 1e6
        print(
            f"\nProposals: {result.count} PDFs for every prospective board + ZIP ({size:.0f} MB) "
            f"in {result.seconds:.1f} s ({result.seconds / max(result.count, 1):.2f} s each)"
        )

    national_services(staff, staff_client)

    # The benches of the other capabilities, each a module of bench/ with `run()`.
    sys.path.insert(0, str(ROOT / "bench"))
    for name, title in [
        ("knowledge", "Knowledge base: search over 5,000 documents"),
        ("groups", "Member groups: 1,000 participants"),
        ("tenders_demand", "Tenders: the bundled demand of a national tender"),
        ("elections", "Governance: an election with every member voting"),
        ("national", "National scale: queries at 100 and 8,889 locations, load test"),
    ]:
        print(f"\n== {title} ==")
        __import__(name).run()


def timed(call):
    """(result, milliseconds, queries) of one call."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    start = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        result = call()
    return result, (time.perf_counter() - start) * 1000, len(queries)


def national_services(staff, staff_client) -> None:
    """Every location of every board with a membership (any state) takes connectivity,
    security and wifi, migrated in weekly waves of 10 locations per board; then the cost
    overview of the largest board and the national migration calendar."""
    from datetime import timedelta

    from django.db import connection
    from django.db.models import Count
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from bundel.catalogue.demo import load_catalogue
    from bundel.catalogue.models import CapacityOption
    from bundel.registry.models import Board, Location
    from bundel.subscriptions.models import MigrationWave, Order, Subscription
    from bundel.subscriptions.selectors import board_costs, national_calendar

    load_catalogue()
    taken = [
        CapacityOption.objects.select_related("product").get(product__code=product, code=code)
        for product, code in [("connectivity", "1g"), ("security", "standard"), ("wifi", "m")]
    ]
    # National scale: every board with locations is a member (bench data, bulk_create).
    from bundel.membership.models import Membership

    joined = set(Membership.objects.values_list("board_id", flat=True))
    Membership.objects.bulk_create(
        Membership(
            board=b, state="member", applied_on=date(2026, 1, 5), admitted_on=date(2026, 2, 1)
        )
        for b in Board.objects.filter(locations__isnull=False).distinct()
        if b.pk not in joined
    )
    boards = list(Board.objects.filter(memberships__isnull=False).distinct().order_by("pk"))
    locations = {}
    for location in Location.objects.filter(board__in=boards).order_by("board_id", "code"):
        locations.setdefault(location.board_id, []).append(location)
    today = timezone.localdate()
    first_monday = today + timedelta(days=7 - today.weekday())

    # Bench data, written with bulk_create straight into the tables: the ordering and
    # wave services (rules, audit, one row at a time) would take minutes at this size and
    # are not what is measured here.
    start = time.perf_counter()
    orders = Order.objects.bulk_create(Order(board=b, placed_by=staff) for b in boards)
    waves, wave_locations, subscriptions = [], [], []
    for board, order in zip(boards, orders, strict=True):
        for week, index in enumerate(range(0, len(locations.get(board.pk, [])), 10)):
            group = locations[board.pk][index : index + 10]
            wave = MigrationWave(
                board=board, name=f"Golf {week + 1}", date=first_monday + timedelta(weeks=week)
            )
            waves.append(wave)
            wave_locations += [(wave, location) for location in group]
            subscriptions += [
                Subscription(
                    board=board,
                    location=location,
                    product=capacity.product,
                    capacity=capacity,
                    order=order,
                    wave=wave,
                    state="planned",
                    monthly_price=capacity.monthly_price,
                    surcharge_factor=capacity.product.surcharge_factor,
                    wished_start=wave.date,
                )
                for location in group
                for capacity in taken
            ]
    MigrationWave.objects.bulk_create(waves, batch_size=2000)
    MigrationWave.locations.through.objects.bulk_create(
        [
            MigrationWave.locations.through(migrationwave=wave, location=location)
            for wave, location in wave_locations
        ],
        batch_size=2000,
    )
    Subscription.objects.bulk_create(subscriptions, batch_size=2000)
    with connection.cursor() as cursor:  # statistics for the planner, as autovacuum would
        cursor.execute("ANALYZE")
    built = time.perf_counter() - start
    print(
        f"\nNational services (bench data via bulk_create, {built:.1f} s): "
        f"{len(boards)} boards with a membership, {len(wave_locations):,} locations, "
        f"{len(subscriptions):,} subscriptions, {len(waves):,} waves"
    )

    largest = (
        Board.objects.filter(pk__in=[b.pk for b in boards])
        .annotate(n=Count("subscriptions"))
        .order_by("-n", "duo_number")
        .first()
    )
    year = first_monday.year + 1  # the first whole year of service
    costs, ms, queries = timed(lambda: board_costs(largest, year, user=staff))
    print(
        f"board_costs({largest.duo_number}, {year}): {len(costs.lines)} lines, "
        f"total EUR {costs.total:,}  {ms:8.1f} ms  {queries} queries"
    )
    weeks, ms, queries = timed(lambda: national_calendar(staff, start=first_monday, weeks=52))
    print(
        f"national_calendar(52 weeks): {sum(n for _w, n in weeks):,} locations in "
        f"{sum(1 for _w, n in weeks if n)} weeks  {ms:8.1f} ms  {queries} queries"
    )

    url = f"/api/v1/boards/{largest.duo_number}/costs/?year={year}"
    for _ in range(3):
        staff_client.get(url)
    times = []
    for _ in range(30):
        start = time.perf_counter()
        with CaptureQueriesContext(connection) as captured:
            response = staff_client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    p95 = statistics.quantiles(times, n=20)[-1]
    print(f"{url + ' (staff)':48} {statistics.median(times):8.1f} {p95:8.1f} {len(captured):8}")


if __name__ == "__main__":
    main()
