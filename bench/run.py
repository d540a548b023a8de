"""`make bench`: the DUO import into an empty PostgreSQL database, then page and API timings.

Prints figures; asserts nothing (targets are read by people, not by tests).
BENCH_DATABASE_URL picks the database (default: bundel_bench on the local PostgreSQL);
it is dropped and created anew.
"""

import os
import statistics
import sys
import time
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

    with tempfile.TemporaryDirectory() as out:
        result = generate_proposals(out)
        size = result.zip_path.stat().st_size / 1e6
        print(
            f"\nProposals: {result.count} PDFs for every prospective board + ZIP ({size:.0f} MB) "
            f"in {result.seconds:.1f} s ({result.seconds / max(result.count, 1):.2f} s each)"
        )


if __name__ == "__main__":
    main()
