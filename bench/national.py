"""`make bench`, complete: queries per request of the main list pages and API calls at
100 locations and at national scale (about 10,000), and the load test (bench/load.py:
gunicorn, 16 clients, p50 / p95 / p99 per page and API call; a list page's throughput
against a trivial view on the same server).

`run()` expects Django set up on a migrated PostgreSQL database holding the national data
set of bench/run.py (the whole DUO registry; every board with locations a member; every
location with 3 subscriptions; 5,000 documents). What is missing of it (subscriptions,
events) is added here with bulk_create. The 100-location world is the national data cut
down inside a transaction that is rolled back (`small_world_counts`), so both worlds
have the same shape.

Alone: `.venv/bin/python bench/national.py` (BENCH_DATABASE_URL, default bundel_bench;
when empty, the registry and demo memberships are loaded as bench/load.py does).
Prints figures; asserts nothing but that every request answers 200.
"""

import os
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SMALL = 100  # locations of the small world
EVENTS = 200  # events at national scale (the small world has 20)


def _member_boards():
    from bundel.membership.selectors import member_board_ids
    from bundel.registry.models import Board

    return Board.objects.filter(pk__in=member_board_ids()).order_by("duo_number")


def _staff():
    from bundel.accounts.models import User

    staff, _ = User.objects.get_or_create(
        username="bench-national",
        defaults={"role": "staff", "is_staff": True, "email": "national@bundel.test"},
    )
    return staff


def subscribe(boards, staff) -> int:
    """Connectivity, security and wifi at every location of `boards` that has none yet
    (bench data: bulk_create, like bench/run.py)."""
    from bundel.catalogue.demo import load_catalogue
    from bundel.catalogue.models import CapacityOption
    from bundel.registry.models import Location
    from bundel.subscriptions.models import Order, Subscription

    load_catalogue()
    taken = [
        CapacityOption.objects.select_related("product").get(product__code=product, code=code)
        for product, code in [("connectivity", "1g"), ("security", "standard"), ("wifi", "m")]
    ]
    locations = Location.objects.filter(board__in=boards, subscriptions__isnull=True)
    by_board: dict = {}
    for location in locations.order_by("board_id", "code"):
        by_board.setdefault(location.board_id, []).append(location)
    orders = Order.objects.bulk_create(Order(board_id=b, placed_by=staff) for b in by_board)
    start = date.today() + timedelta(days=30)
    made = Subscription.objects.bulk_create(
        [
            Subscription(
                board_id=order.board_id,
                location=location,
                product=capacity.product,
                capacity=capacity,
                order=order,
                state="requested",
                monthly_price=capacity.monthly_price,
                surcharge_factor=capacity.product.surcharge_factor,
                wished_start=start,
            )
            for order in orders
            for location in by_board[order.board_id]
            for capacity in taken
        ],
        batch_size=2000,
    )
    return len(made)


def add_events(count: int, staff) -> int:
    """Member days, webinars and workshops in the coming months, up to `count`."""
    from django.utils import timezone

    from bundel.events.models import Event

    missing = count - Event.objects.count()
    if missing <= 0:
        return 0
    now = timezone.now()
    kinds = ["member_day", "webinar", "workshop"]
    Event.objects.bulk_create(
        Event(
            kind=kinds[i % 3],
            title=f"Bijeenkomst {i + 1}: wifi, beveiliging en aanbesteden",
            programme="10:00 Welkom\n10:15 Praktijkvoorbeelden\n12:00 Lunch",
            starts_at=now + timedelta(days=7 + i % 120, hours=i % 8),
            ends_at=now + timedelta(days=7 + i % 120, hours=i % 8 + 2),
            place="Kantoor Bundel, Utrecht",
            capacity=50 + i % 100,
            registration_deadline=now + timedelta(days=5 + i % 120),
            audience="members",
            created_by=staff,
        )
        for i in range(missing)
    )
    return missing


def add_documents(count: int, staff) -> int:
    from bundel.knowledge import services
    from bundel.knowledge.models import Category, Document

    missing = count - Document.objects.count()
    category = Category.objects.order_by("pk").first() or Category.objects.create(
        code="ict", name_nl="ICT-kennis", name_en="ICT knowledge"
    )
    for i in range(max(missing, 0)):
        services.document_create(
            by=staff,
            title=f"Aanbestedingsleidraad {i + 1}",
            category=category,
            visibility="members" if i % 2 else "public",
            body="De leidraad beschrijft de percelen, de termijnen en de gunningscriteria.",
            tags=["aanbesteding"],
        )
    return max(missing, 0)


def requests_of(board) -> list[tuple[str, str]]:
    duo = board.duo_number
    return [
        ("anon", "/registry/boards/"),
        ("anon", "/api/v1/boards/"),
        ("staff", "/membership/all/"),
        ("staff", "/api/v1/memberships/"),
        ("member", f"/services/{duo}/"),
        ("member", f"/api/v1/boards/{duo}/subscriptions/"),
        ("member", "/events/"),
        ("member", "/api/v1/events/"),
        ("member", "/knowledge/"),
        ("member", "/api/v1/documents/"),
    ]


def query_counts(staff) -> tuple[dict, dict]:
    """Queries of one request (after a warm-up) per page and API call, and what the world
    holds."""
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bundel.accounts.models import User
    from bundel.events.models import Event
    from bundel.knowledge.models import Document
    from bundel.registry.models import Location
    from bundel.subscriptions.models import Subscription

    board = _member_boards().annotate(n=Count("subscriptions")).order_by("-n", "duo_number").first()
    contact, _ = User.objects.get_or_create(
        username=f"bench-contact-{board.duo_number}",
        defaults={"role": "board_contact", "board": board, "email": "c@bundel.test"},
    )
    clients = {"anon": Client(), "staff": Client(), "member": Client()}
    clients["staff"].force_login(staff)
    clients["member"].force_login(contact)
    counts = {}
    for who, url in requests_of(board):
        client = clients[who]
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200, (url, who, response.status_code)
        generic = url.replace(f"/{board.duo_number}/", "/{duo}/")
        counts[(who, generic)] = len(captured)
    world = {
        "locations": Location.objects.count(),
        "member boards": _member_boards().count(),
        "subscriptions": Subscription.objects.count(),
        "events": Event.objects.count(),
        "documents": Document.objects.count(),
        "board": f"{board.duo_number} ({board.n} subscriptions)",
    }
    return counts, world


def _copies(queryset, staff) -> list:
    """The rows of `queryset` as unsaved copies (same primary keys), every reference to a
    person pointed at `staff` (the people are not part of the small world)."""
    from bundel.accounts.models import User

    rows = list(queryset)
    people = [
        f.attname
        for f in queryset.model._meta.concrete_fields
        if f.is_relation and f.related_model is User
    ]
    for row in rows:
        for name in people:
            if getattr(row, name) is not None:
                setattr(row, name, staff.pk)
    return rows


def small_world_counts() -> tuple[dict, dict]:
    """The national data cut down to SMALL locations in a transaction that is rolled back:
    the first member boards (by DUO number) up to SMALL locations, with their schools,
    locations, pupil counts, memberships, agreements, orders, waves and subscriptions as
    they are; the first 20 events and 20 documents (with their versions and tags)."""
    from django.db import connection, transaction

    from bundel.accounts.models import User
    from bundel.events.models import Event
    from bundel.knowledge.models import Document, DocumentVersion
    from bundel.knowledge.search import index_document
    from bundel.membership.models import Agreement, Membership
    from bundel.registry.models import Board, BoardSummary, Location, PupilCount, School
    from bundel.subscriptions.models import MigrationWave, Order, Subscription

    boards, total = [], 0
    for board in _member_boards().filter(locations__isnull=False).distinct():
        if total >= SMALL:
            break
        boards.append(board.pk)
        total += board.locations.count()
    documents = list(Document.objects.order_by("pk").values_list("pk", flat=True)[:20])
    staff = User(username="bench-small", role="staff", is_staff=True, email="s@bundel.test")
    with connection.cursor() as cursor:  # an id of the sequence: later inserts skip it
        cursor.execute("SELECT nextval(pg_get_serial_sequence('accounts_user', 'id'))")
        staff.pk = cursor.fetchone()[0]
    waves = MigrationWave.objects.filter(board__in=boards)
    copies = [
        _copies(Board.objects.filter(pk__in=boards), staff),
        _copies(School.objects.filter(locations__board__in=boards).distinct(), staff),
        _copies(Location.objects.filter(board__in=boards), staff),
        _copies(PupilCount.objects.filter(board__in=boards, location__board__in=boards), staff),
        _copies(BoardSummary.objects.filter(board__in=boards), staff),
        _copies(Membership.objects.filter(board__in=boards), staff),
        _copies(Agreement.objects.filter(membership__board__in=boards), staff),
        _copies(Order.objects.filter(board__in=boards), staff),
        _copies(waves, staff),
        _copies(MigrationWave.locations.through.objects.filter(migrationwave__in=waves), staff),
        _copies(Subscription.objects.filter(board__in=boards), staff),
        _copies(Event.objects.order_by("starts_at", "pk")[:20], staff),
        _copies(Document.objects.filter(pk__in=documents), staff),
        _copies(DocumentVersion.objects.filter(document__in=documents), staff),
        _copies(Document.tags.through.objects.filter(document__in=documents), staff),
    ]

    class Rollback(Exception):
        pass

    result = None
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:  # foreign keys are checked at commit
                cursor.execute(
                    "TRUNCATE registry_board, registry_school, knowledge_document, "
                    "events_event, accounts_user CASCADE"
                )
            staff.save(force_insert=True)
            for rows in copies:
                if rows:
                    type(rows[0]).objects.bulk_create(rows)
            for document in Document.objects.all():
                index_document(document)
            result = query_counts(staff)
            raise Rollback
    except Rollback:
        pass
    return result


def run() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import load

    staff = _staff()
    start = time.perf_counter()
    added = subscribe(_member_boards(), staff)
    events = add_events(EVENTS, staff)
    documents = add_documents(20, staff)  # bench/knowledge.py brings 5,000 in `make bench`
    if added or events or documents:
        print(
            f"Added (bulk_create, {time.perf_counter() - start:.1f} s): {added:,} "
            f"subscriptions, {events} events, {documents} documents"
        )
    from django.db import connection

    with connection.cursor() as cursor:  # statistics for the planner after the bulk loads
        cursor.execute("ANALYZE")
    national, national_world = query_counts(staff)

    board = load.member_board()
    result = load.measure(os.environ.get("DATABASE_URL", load.URL))
    load.report(result, board)

    small, small_world = small_world_counts()

    print("\nQueries per request (one request after a warm-up; member pages: the board with")
    print("the most subscriptions)")
    print(f"{'world':24} {'small':>24} {'national':>24}")
    for key in small_world:
        print(f"{key:24} {small_world[key]!s:>24} {national_world[key]!s:>24}")
    print(
        f"\n{'request':48} {'queries @' + str(small_world['locations']):>16} "
        f"{'queries @' + format(national_world['locations'], ','):>18}"
    )
    for (who, url), queries in national.items():
        label = url if who == "anon" else f"{url} ({who})"
        print(f"{label:48} {small[(who, url)]:16} {queries:18}")
    print(
        "\nList page vs trivial view (throughput on the same gunicorn): "
        f"/registry/boards/ {result.ratio('/registry/boards/'):.1%}, "
        f"/api/v1/boards/ {result.ratio('/api/v1/boards/'):.1%} "
        "(target >= 40%)"
    )


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import load

    load._prepare(os.environ.get("BENCH_DATABASE_URL", load.URL))
    run()
