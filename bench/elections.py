"""A council election at national scale: every member board votes.

On the national data set of bench/run.py (every board with locations has a membership),
staff open an election through the services (the seats per chamber from
`chamber_seats()`, as the demo does), nominate the chamber's seats + 2 candidates per
chamber, then every board on the roll votes through `vote_cast` by its contact, staff
count. The periods are moved with one UPDATE between the phases, as the demo does.

Prints: the roll, the vote through the service one at a time (votes/s, p50/p95 ms and
queries per vote), the vote by 8 threads at once (votes/s; no vote lost, none twice), 8
threads voting for the same board at the same moment (one vote stored), the count
(seconds, queries), that ballots = receipts = the roll, and p50/p95 and queries of the
results page and API and of the council API (test client, 30 after 3 warm-ups).

`run()` expects Django set up on PostgreSQL with that data set (bench/run.py). Alone:
`.venv/bin/python bench/elections.py` on BENCH_DATABASE_URL (default bundel_bench; an
empty database gets the registry and demo memberships as bench/load.py does, and every
board with locations that has no membership becomes a member, as bench/run.py does).

Bench data: the contacts that member boards lack are written with bulk_create (setup,
not measured). An election of this bench left by an earlier run is deleted first; the
one made here is kept, with its council.
"""

import os
import random
import statistics
import sys
import threading
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bundel_bench")
TITLE = "Bench: verkiezing ledenraad"
RUNS, WARM_UPS = 30, 3
THREADS = 8
PER_THREAD = 40  # boards each thread votes for in the concurrent part


def _queries():
    """Capture the queries of a block. The log is emptied first: it keeps at most 9,000
    queries, after which a capture's count (its length before and after) reads 0."""
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    reset_queries()
    return CaptureQueriesContext(connection)


def _ms(start: float) -> float:
    return (time.perf_counter() - start) * 1000


def _p95(times: list[float]) -> float:
    return statistics.quantiles(times, n=20)[-1]


def _staff():
    from bundel.accounts.constants import Role
    from bundel.accounts.models import User

    staff, _ = User.objects.get_or_create(
        username="bench-elections",
        defaults={"role": Role.STAFF, "is_staff": True, "email": "elections@bundel.test"},
    )
    return staff


def _delete_earlier() -> int:
    """Elections of this bench left by an earlier run, with everything they made."""
    from django.contrib.contenttypes.models import ContentType

    from bundel.audit.models import AuditEntry
    from bundel.governance.models import (
        Appointment,
        Ballot,
        Candidate,
        Election,
        Proxy,
        Result,
        VoteReceipt,
    )

    ids = list(Election.objects.filter(title=TITLE).values_list("pk", flat=True))
    if not ids:
        return 0
    owned = [
        (Appointment, Appointment.objects.filter(election_id__in=ids)),
        (VoteReceipt, VoteReceipt.objects.filter(election_id__in=ids)),
        (Proxy, Proxy.objects.filter(election_id__in=ids)),
        (Candidate, Candidate.objects.filter(election_id__in=ids)),
        (Election, Election.objects.filter(pk__in=ids)),
    ]
    for model, rows in owned:
        AuditEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(model),
            object_id__in=[str(pk) for pk in rows.values_list("pk", flat=True)],
        ).delete()
    Result.objects.filter(election_id__in=ids).delete()
    Ballot.objects.filter(election_id__in=ids).delete()
    for _model, rows in owned:  # the election last; its chambers and roll cascade
        rows.delete()
    return len(ids)


def _contacts(board_ids: list[int]) -> tuple[dict, int]:
    """An active contact per board: the first existing one, else a new account without a
    password (bulk_create). Returns ({board id: user}, accounts made)."""
    from django.contrib.auth.hashers import make_password

    from bundel.accounts.constants import Role
    from bundel.accounts.models import User
    from bundel.registry.models import Board

    contacts: dict = {}
    existing = User.objects.filter(
        board_id__in=board_ids, role=Role.BOARD_CONTACT, is_active=True
    ).order_by("pk")
    for user in existing:
        contacts.setdefault(user.board_id, user)
    lacking = Board.objects.filter(pk__in=set(board_ids) - set(contacts)).only("duo_number")
    unusable = make_password(None)
    made = User.objects.bulk_create(
        User(
            username=f"bench-contact-{board.duo_number}",
            email=f"bench-contact-{board.duo_number}@bundel.test",
            role=Role.BOARD_CONTACT,
            board=board,
            password=unusable,
        )
        for board in lacking
    )
    for user in made:
        contacts[user.board_id] = user
    return contacts, len(made)


def _move(election, *, voting_opens: timedelta, voting_closes: timedelta) -> None:
    """The periods relative to now (as the demo does: one UPDATE, no service)."""
    from django.utils import timezone

    from bundel.governance.models import Election

    now = timezone.now()
    closes = now + voting_closes
    Election.objects.filter(pk=election.pk).update(
        nomination_opens_at=now + voting_opens - timedelta(days=21),
        nomination_closes_at=now + voting_opens - timedelta(days=7),
        voting_opens_at=now + voting_opens,
        voting_closes_at=closes,
        term_starts_on=timezone.localdate(closes) + timedelta(days=1),
    )
    election.refresh_from_db()


def _open_and_nominate(staff):
    """The election with its roll fixed and seats + 2 candidates per chamber."""
    from django.utils import timezone

    from bundel.governance.selectors import chamber_seats
    from bundel.governance.services import candidate_nominate, election_open

    allocation = chamber_seats().allocation
    if allocation is None:
        raise SystemExit("No member boards with a chamber: nothing to elect.")
    now = timezone.now()
    start = time.perf_counter()
    with _queries() as captured:
        election = election_open(
            title=TITLE,
            seats=allocation.seats,
            nomination_opens_at=now - timedelta(hours=1),
            nomination_closes_at=now + timedelta(days=14),
            voting_opens_at=now + timedelta(days=21),
            voting_closes_at=now + timedelta(days=35),
            by=staff,
        )
    opened = (_ms(start), len(captured))

    roll = list(election.roll.select_related("board").order_by("board__duo_number"))
    by_chamber: dict[str, list] = {}
    for voter in roll:
        by_chamber.setdefault(voter.chamber, []).append(voter.board)
    draw = random.Random(2026)
    candidates: dict[str, list] = {}
    start = time.perf_counter()
    for chamber, seats in sorted(allocation.seats.items()):
        boards = by_chamber.get(chamber, [])
        for i in range(seats + 2 if boards else 0):
            board = draw.choice(boards)
            candidates.setdefault(chamber, []).append(
                candidate_nominate(
                    election=election,
                    name=f"Kandidaat {chamber} {i + 1}",
                    email=f"kandidaat-{chamber}-{i + 1}@{board.duo_number}.bundel.test",
                    board=board,
                    motivation="Ik wil de stem van onze kamer laten horen.",
                    by=staff,
                )
            )
    nominated = _ms(start)
    return election, roll, candidates, allocation.seats, opened, nominated


def _vote_one_at_a_time(election, jobs) -> tuple[float, list[float], list[int]]:
    """(seconds, ms per vote, queries per vote) of vote_cast in this thread."""
    from bundel.governance.services import vote_cast

    times, queries = [], []
    begin = time.perf_counter()
    for board, user, candidate in jobs:
        start = time.perf_counter()
        with _queries() as captured:
            vote_cast(election=election, board=board, candidate=candidate, by=user)
        times.append(_ms(start))
        queries.append(len(captured))
    return time.perf_counter() - begin, times, queries


def _vote_in_threads(election, batches: list[list]) -> tuple[float, list[list]]:
    """Each batch voted by its own thread on its own connection, all started together.
    Returns (seconds from the start to the last vote, per thread [(outcome, ms)]), the
    outcome "ok" or the refusal's code or the exception's name."""
    from django.db import connection, connections

    from bundel.governance.services import vote_cast

    barrier = threading.Barrier(len(batches) + 1)
    outcomes: list[list] = [[] for _ in batches]

    def work(index: int, batch: list) -> None:
        try:
            connection.ensure_connection()  # connecting is not part of the vote
            barrier.wait(timeout=60)
            for board, user, candidate in batch:
                start = time.perf_counter()
                try:
                    vote_cast(election=election, board=board, candidate=candidate, by=user)
                    outcome = "ok"
                except Exception as error:  # counted and shown, not raised
                    outcome = getattr(error, "code", None) or type(error).__name__
                outcomes[index].append((outcome, _ms(start)))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(i, b)) for i, b in enumerate(batches)]
    for thread in threads:
        thread.start()
    barrier.wait(timeout=60)
    start = time.perf_counter()
    for thread in threads:
        thread.join(timeout=600)
    return time.perf_counter() - start, outcomes


def _timed_requests(client, url: str) -> tuple[float, float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(WARM_UPS):
        client.get(url)
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        times.append(_ms(start))
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(times), _p95(times), len(captured)


def run() -> None:
    from collections import Counter

    from django.db import connection
    from django.db.models import Sum
    from django.test import Client

    from bundel.governance.models import Ballot, Result, VoteReceipt
    from bundel.governance.services import election_count
    from bundel.membership.models import Membership

    if connection.vendor != "postgresql":
        raise SystemExit("The elections bench runs on PostgreSQL.")
    staff = _staff()
    removed = _delete_earlier()
    if removed:
        print(f"(deleted {removed} election(s) of an earlier run of this bench)")
    members = Membership.objects.filter(state="member").count()

    election, roll, candidates, seats, opened, nominated = _open_and_nominate(staff)
    per_chamber = Counter(voter.chamber for voter in roll)
    print(
        f"\nElection: {members:,} memberships in state member; roll {len(roll):,} boards "
        f"({', '.join(f'{c} {n}' for c, n in sorted(per_chamber.items()))}); "
        f"{sum(seats.values())} seats ({', '.join(f'{c} {n}' for c, n in sorted(seats.items()))})"
    )
    print(
        f"election_open (roll fixed): {opened[0]:.1f} ms, {opened[1]} queries; "
        f"{sum(len(c) for c in candidates.values())} candidates nominated through "
        f"candidate_nominate in {nominated:.0f} ms"
    )

    start = time.perf_counter()
    contacts, made = _contacts([voter.board_id for voter in roll])
    print(
        f"Setup: {made:,} contact accounts made with bulk_create "
        f"({len(contacts) - made:,} boards had one) in {time.perf_counter() - start:.1f} s"
    )

    _move(election, voting_opens=-timedelta(hours=1), voting_closes=timedelta(days=7))
    draw = random.Random(2026)
    jobs = [
        (voter.board, contacts[voter.board_id], draw.choice(candidates[voter.chamber]))
        for voter in roll
        if voter.chamber in candidates
    ]
    # The last boards of the roll for the threads, and one for the race; the rest in turn.
    threaded = min(THREADS * PER_THREAD, (len(jobs) - 1) // 2)
    alone, concurrent, race = jobs[: -threaded - 1], jobs[-threaded - 1 : -1], jobs[-1]

    seconds, times, queries = _vote_one_at_a_time(election, alone)
    usual = statistics.mode(queries)  # the first vote also looks up a content type
    spread = f"{usual}" if usual == max(queries) else f"{usual} (at most {max(queries)})"
    print(
        f"\nvote_cast one at a time: {len(alone):,} votes in {seconds:.1f} s, "
        f"{len(alone) / seconds:,.0f} votes/s; p50 {statistics.median(times):.1f} ms, "
        f"p95 {_p95(times):.1f} ms; {spread} queries per vote"
    )

    before = VoteReceipt.objects.filter(election=election).count()
    batches = [concurrent[i::THREADS] for i in range(THREADS)]
    seconds, outcomes = _vote_in_threads(election, batches)
    flat = [item for thread in outcomes for item in thread]
    counts = Counter(outcome for outcome, _ms_ in flat)
    boards = [board.pk for board, _u, _c in concurrent]
    receipts = VoteReceipt.objects.filter(election=election, board_id__in=boards)
    stored = receipts.count()
    distinct = receipts.values("board_id").distinct().count()
    added = VoteReceipt.objects.filter(election=election).count() - before
    ok = counts["ok"] == len(concurrent) == stored == distinct == added
    thread_times = [ms for _outcome, ms in flat]
    print(
        f"vote_cast by {THREADS} threads at once: {len(concurrent)} votes in {seconds:.2f} s, "
        f"{len(concurrent) / seconds:,.0f} votes/s; p50 {statistics.median(thread_times):.1f} ms, "
        f"p95 {_p95(thread_times):.1f} ms per vote"
    )
    print(
        f"  check: {counts['ok']} stored of {len(concurrent)} cast, {stored} receipts for "
        f"{distinct} boards, {added} new receipts; other outcomes: "
        f"{dict(counts - Counter(ok=counts['ok'])) or 'none'} -> "
        f"{'no vote lost, none twice' if ok else 'WRONG'}"
    )

    board = race[0]
    seconds, outcomes = _vote_in_threads(election, [[race] for _ in range(THREADS)])
    counts = Counter(outcome for thread in outcomes for outcome, _ms_ in thread)
    stored = VoteReceipt.objects.filter(election=election, board=board).count()
    fine = counts == Counter(ok=1, voted=THREADS - 1) and stored == 1
    print(
        f"{THREADS} threads voting for board {board.duo_number} at the same moment: "
        f"{dict(counts)}, {stored} receipt -> {'one vote' if fine else 'WRONG'}"
    )

    _move(election, voting_opens=-timedelta(days=40), voting_closes=-timedelta(days=30))
    start = time.perf_counter()
    with _queries() as captured:
        results = election_count(election=election, by=staff)
    print(
        f"\nelection_count: {time.perf_counter() - start:.2f} s, {len(captured)} queries; "
        f"{sum(r.elected for r in results)} elected of {len(results)} candidates"
    )

    ballots = Ballot.objects.filter(election=election).count()
    receipts = VoteReceipt.objects.filter(election=election).count()
    counted = Result.objects.filter(election=election).aggregate(n=Sum("votes"))["n"] or 0
    voters = election.roll.count()
    same = ballots == receipts == voters == counted
    print(
        f"check: {ballots:,} ballots, {receipts:,} receipts, {voters:,} voters on the roll, "
        f"{counted:,} votes counted -> {'all equal' if same else 'NOT EQUAL'}"
    )

    staff_client, anonymous = Client(), Client()
    staff_client.force_login(staff)
    print(f"\n{'request':48} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8}")
    for client, who, url in [
        (staff_client, "staff", f"/governance/elections/{election.pk}/"),
        (staff_client, "staff", f"/api/v1/elections/{election.pk}/results/"),
        (anonymous, "anon", "/api/v1/council/"),
    ]:
        p50, p95, queries = _timed_requests(client, url)
        label = f"{url} ({who})" if who != "anon" else url
        print(f"{label:48} {p50:8.1f} {p95:8.1f} {queries:8}")


def _national_members() -> int:
    """Every board with locations that has no membership becomes a member (bench data,
    bulk_create, as bench/run.py's national case does)."""
    from bundel.membership.models import Membership
    from bundel.registry.models import Board

    joined = set(Membership.objects.values_list("board_id", flat=True))
    made = Membership.objects.bulk_create(
        Membership(
            board=b, state="member", applied_on=date(2026, 1, 5), admitted_on=date(2026, 2, 1)
        )
        for b in Board.objects.filter(locations__isnull=False).distinct()
        if b.pk not in joined
    )
    return len(made)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "bench"))
    from load import _prepare

    _prepare(URL)
    added = _national_members()
    if added:
        print(f"National data set: {added:,} boards with locations made members (bulk_create).")
    print(f"Database: {URL}")
    run()
