"""A bounded load test on loopback: gunicorn (production settings) on PostgreSQL, 16
concurrent clients, a fixed number of requests per page and API call; it stops by itself.

Prints per URL: requests, errors, p50 / p95 / p99 ms under load, and the p50 of a single
client alone (the service time, without waiting for a worker); then the throughput of
a trivial view (Django's /i18n/setlang/ redirect, through every middleware) against the
board list page and API on the same server.

`run()` expects Django set up on a migrated PostgreSQL database with data (bench/run.py,
and bench/national.py, which calls `measure()`). Alone: `.venv/bin/python bench/load.py`
uses BENCH_DATABASE_URL (default: the bundel_bench database that `make bench` builds; when
it holds no registry yet: the whole DUO registry and the demo memberships are loaded).

Settings (environment): LOAD_REQUESTS (per URL, default 100), LOAD_THROUGHPUT_REQUESTS
(per URL of the throughput phase, default 400), LOAD_CLIENTS (16), LOAD_WORKERS (gunicorn
workers, 4), LOAD_MAX_SECONDS (the whole run's bound, 900), LOAD_CACHE_URL (the workers'
shared cache, emptied at the start; default redis://127.0.0.1:6379/13).
"""

import http.client
import os
import queue
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bundel_bench")
REQUESTS = int(os.environ.get("LOAD_REQUESTS", "100"))
THROUGHPUT_REQUESTS = int(os.environ.get("LOAD_THROUGHPUT_REQUESTS", "400"))
CLIENTS = int(os.environ.get("LOAD_CLIENTS", "16"))
WORKERS = int(os.environ.get("LOAD_WORKERS", "4"))
MAX_SECONDS = float(os.environ.get("LOAD_MAX_SECONDS", "900"))
ALONE = 10  # requests per URL by a single client, for the service time
WRK_SECONDS = int(os.environ.get("LOAD_WRK_SECONDS", "5"))
HOST = "127.0.0.1"
TRIVIAL = "/i18n/setlang/"  # Django's set_language: a GET is a redirect, nothing else
CACHE_URL = os.environ.get("LOAD_CACHE_URL", "redis://127.0.0.1:6379/13")  # emptied at start


@dataclass(frozen=True)
class Target:
    path: str
    who: str = "anon"  # anon, member (a member board's contact) or staff
    expect: int = 200

    @property
    def label(self) -> str:
        return self.path if self.who == "anon" else f"{self.path} ({self.who})"


@dataclass
class Tally:
    times: list[float] = field(default_factory=list)
    errors: int = 0
    first_error: str = ""

    def percentile(self, p: int) -> float:
        if len(self.times) < 2:
            return self.times[0] if self.times else float("nan")
        return statistics.quantiles(self.times, n=100, method="inclusive")[p - 1]


# --- the server -----------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def _server_env(database_url: str, static_root: Path) -> dict:
    from django.conf import settings

    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bundel.conf.production",
        # The bench's sessions are signed with its key: the server must know it.
        "SECRET_KEY": settings.SECRET_KEY,
        "ALLOWED_HOSTS": f"{HOST},localhost",
        "DATABASE_URL": database_url,
        "STATIC_ROOT": str(static_root),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "LOG_LEVEL": "WARNING",
        # One cache for all workers, as in production (docs/operations.md).
        "CACHE_URL": CACHE_URL,
    }


class Server:
    """gunicorn with WORKERS sync workers on a free loopback port, stopped on exit."""

    def __init__(self, database_url: str):
        self.database_url = database_url
        self.port = _free_port()
        self.folder = Path(tempfile.mkdtemp(prefix="bundel-load-"))
        self.process = None

    def __enter__(self):
        env = _server_env(self.database_url, self.folder / "static")
        import redis

        redis.Redis.from_url(CACHE_URL).flushdb()  # nothing cached from another data set
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
        collected = time.perf_counter() - start
        self.log = (self.folder / "gunicorn.log").open("w")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "bundel.wsgi",
                "--bind",
                f"{HOST}:{self.port}",
                "--workers",
                str(WORKERS),
                "--timeout",
                "60",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn stopped: see {self.folder / 'gunicorn.log'}")
            try:
                if get(self.port, TRIVIAL)[0] == 302:
                    break
            except OSError:
                time.sleep(0.2)
        else:
            raise RuntimeError("gunicorn did not answer within 60 s")
        print(
            f"gunicorn: {WORKERS} sync workers on {HOST}:{self.port}, bundel.conf.production "
            f"(static files collected in {collected:.0f} s)"
        )
        return self

    def __exit__(self, *exc):
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()
        shutil.rmtree(self.folder, ignore_errors=True)


# --- the clients ----------------------------------------------------------------------------


def get(port: int, path: str, cookie: str = "") -> tuple[int, float]:
    """One GET on a new connection (gunicorn's sync workers close each one), as the proxy
    in front would pass it (HTTPS). Returns the status and the milliseconds."""
    headers = {"X-Forwarded-Proto": "https", "Accept": "text/html,application/json"}
    if cookie:
        headers["Cookie"] = cookie
    start = time.perf_counter()
    connection = http.client.HTTPConnection(HOST, port, timeout=60)
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        response.read()
        return response.status, (time.perf_counter() - start) * 1000
    finally:
        connection.close()


def hammer(
    port: int, work: list[Target], cookies: dict, deadline: float, clients: int = CLIENTS
) -> tuple[dict, float]:
    """Every request of `work`, by `clients` threads at once, until done or the deadline.
    Returns the tallies per target and the wall time."""
    jobs: queue.SimpleQueue = queue.SimpleQueue()
    for target in work:
        jobs.put(target)
    tallies = {target: Tally() for target in work}
    lock = threading.Lock()

    def client():
        while time.monotonic() < deadline:
            try:
                target = jobs.get_nowait()
            except queue.Empty:
                return
            try:
                status, ms = get(port, target.path, cookies.get(target.who, ""))
                error = "" if status == target.expect else f"HTTP {status}"
            except OSError as problem:
                ms, error = float("nan"), f"{type(problem).__name__}: {problem}"
            with lock:
                tally = tallies[target]
                if error:
                    tally.errors += 1
                    tally.first_error = tally.first_error or error
                else:
                    tally.times.append(ms)

    start = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return tallies, time.perf_counter() - start


WRK_SCRIPT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("WRK %d %d %.3f %.3f %.3f %d\\n", summary.requests, summary.duration,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    e.connect + e.read + e.write + e.timeout + e.status))
end
"""


@dataclass
class WrkResult:
    requests: int
    seconds: float
    p50: float
    p95: float
    p99: float
    errors: int

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def wrk(port: int, target: Target, cookies: dict, seconds: int) -> WrkResult | None:
    """`target` alone for `seconds` by CLIENTS connections of wrk (a C load generator: it
    leaves the cores to the server). None when wrk is not installed."""
    binary = shutil.which("wrk")
    if binary is None:
        return None
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT)
    headers = ["-H", "X-Forwarded-Proto: https", "-H", "Accept: text/html,application/json"]
    if cookies.get(target.who):
        headers += ["-H", f"Cookie: {cookies[target.who]}"]
    try:
        out = subprocess.run(
            [
                binary,
                "-t2",
                f"-c{CLIENTS}",
                f"-d{seconds}s",
                "--timeout",
                "30s",
                "-s",
                script.name,
                *headers,
                f"http://{HOST}:{port}{target.path}",
            ],
            capture_output=True,
            text=True,
            check=True,
            timeout=seconds + 60,
        ).stdout
    finally:
        os.unlink(script.name)
    line = next(line for line in out.splitlines() if line.startswith("WRK "))
    requests, micros, p50, p95, p99, errors = line.split()[1:]
    return WrkResult(
        int(requests), int(micros) / 1e6, float(p50), float(p95), float(p99), int(errors)
    )


# --- the pages and who asks -----------------------------------------------------------------


def _sessions(member_board) -> dict[str, str]:
    """Session cookies of a member board's contact and of staff (with a verified second
    factor, as production requires of staff)."""
    from django.conf import settings
    from django.test import Client

    from bundel.accounts.models import User

    contact, _ = User.objects.get_or_create(
        username="load-member",
        defaults={"role": "board_contact", "board": member_board, "email": "lid@load.test"},
    )
    staff, _ = User.objects.get_or_create(
        username="load-staff",
        defaults={"role": "staff", "is_staff": True, "email": "staf@load.test"},
    )
    cookies = {}
    for who, user in (("member", contact), ("staff", staff)):
        client = Client()
        client.force_login(user)
        if who == "staff":
            from django_otp.plugins.otp_totp.models import TOTPDevice

            device, _ = TOTPDevice.objects.get_or_create(
                user=user, name="load", defaults={"confirmed": True}
            )
            session = client.session
            session["otp_device_id"] = device.persistent_id
            session.save()
        cookies[who] = (
            f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
        )
    return cookies


def member_board():
    """The member board with the most locations (the heaviest board pages)."""
    from django.db.models import Count

    from bundel.registry.models import Board

    return (
        Board.objects.filter(memberships__state="member")
        .annotate(n=Count("locations", distinct=True))
        .order_by("-n", "duo_number")
        .first()
    )


def targets(board) -> list[Target]:
    from bundel.registry.models import PupilCount

    count_date = PupilCount.objects.order_by("-count_date").values_list("count_date", flat=True)
    duo = board.duo_number
    return [
        Target("/"),
        Target("/registry/boards/"),
        Target("/registry/boards/?q=amsterdam"),
        Target(f"/registry/boards/{duo}/"),
        Target("/support/"),
        Target("/api/v1/boards/"),
        Target(f"/api/v1/boards/{duo}/"),
        Target(f"/api/v1/registry/totals/?count_date={count_date.first()}"),
        Target("/api/v1/products/"),
        Target("/membership/", "member"),
        Target(f"/services/{duo}/", "member"),
        Target(f"/api/v1/boards/{duo}/subscriptions/", "member"),
        Target("/events/", "member"),
        Target("/api/v1/events/", "member"),
        Target("/knowledge/", "member"),
        Target("/api/v1/documents/", "member"),
        Target("/api/v1/documents/?q=aanbesteding", "member"),
        Target("/membership/all/", "staff"),
        Target("/api/v1/memberships/", "staff"),
        Target(TRIVIAL, expect=302),
        Target("/static/bundel/favicon.svg"),
    ]


@dataclass
class LoadResult:
    per_url: dict  # Target -> Tally
    wall: float
    alone: dict  # Target -> Tally: one client, one request at a time (the service time)
    throughput: dict  # label -> (requests per second, errors)
    per_url_wrk: dict = field(default_factory=dict)  # Target -> WrkResult (each URL alone)

    @property
    def errors(self) -> int:
        return (
            sum(t.errors for t in self.per_url.values())
            + sum(t.errors for t in self.alone.values())
            + sum(e for _rps, e in self.throughput.values())
            + sum(r.errors for r in self.per_url_wrk.values())
        )

    def ratio(self, label: str) -> float:
        return self.throughput[label][0] / self.throughput[TRIVIAL][0]


def measure(database_url: str) -> LoadResult:
    """The load test against the database Django is set up on (named by `database_url`)."""
    board = member_board()
    cookies = _sessions(board)
    pages = targets(board)
    deadline = time.monotonic() + MAX_SECONDS
    with Server(database_url) as server:
        for target in pages:  # one each to warm up (and to see that each answers)
            get(server.port, target.path, cookies.get(target.who, ""))
        # The service time: one client, ALONE requests per page, nothing else running.
        work = [target for _round in range(ALONE) for target in pages]
        alone, _wall = hammer(server.port, work, cookies, deadline, clients=1)
        # The mix: every page and API call REQUESTS times, interleaved.
        work = [target for _round in range(REQUESTS) for target in pages]
        per_url, wall = hammer(server.port, work, cookies, deadline)
        # Throughput: each alone, THROUGHPUT_REQUESTS times by CLIENTS clients.
        throughput = {}
        for target in (
            Target(TRIVIAL, expect=302),
            Target("/registry/boards/"),
            Target("/api/v1/boards/"),
        ):
            tallies, seconds = hammer(
                server.port, [target] * THROUGHPUT_REQUESTS, cookies, deadline
            )
            tally = tallies[target]
            throughput[target.path] = (len(tally.times) / seconds, tally.errors)
        # Each URL alone under CLIENTS connections of wrk, WRK_SECONDS each.
        per_url_wrk = {}
        for target in pages:
            found = wrk(server.port, target, cookies, WRK_SECONDS)
            if found is None:
                break
            per_url_wrk[target] = found
    return LoadResult(
        per_url=per_url, wall=wall, alone=alone, throughput=throughput, per_url_wrk=per_url_wrk
    )


def report(result: LoadResult, board) -> None:
    total = sum(len(t.times) + t.errors for t in result.per_url.values())
    print(
        f"\nLoad: {total:,} requests, {CLIENTS} concurrent clients, {REQUESTS} per URL, "
        f"interleaved; {result.wall:.1f} s ({total / result.wall:.0f} requests/s). "
        f"Member pages: board {board.duo_number} ({board.locations.count()} locations)."
    )
    print(
        f"{'request':54} {'n':>5} {'errors':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
        f"{'alone p50':>10}"
    )
    for target, tally in result.per_url.items():
        print(
            f"{target.label:54} {len(tally.times) + tally.errors:5} {tally.errors:6} "
            f"{tally.percentile(50):8.1f} {tally.percentile(95):8.1f} {tally.percentile(99):8.1f} "
            f"{result.alone[target].percentile(50):10.1f}"
            + (f"  first error: {tally.first_error}" if tally.errors else "")
        )
    print(f"(alone p50: one client, {ALONE} requests per URL one at a time: the service time)")
    print(f"\nThroughput, each URL alone ({THROUGHPUT_REQUESTS} requests, {CLIENTS} clients):")
    for label, (rps, errors) in result.throughput.items():
        ratio = "" if label == TRIVIAL else f"  {result.ratio(label):6.1%} of the trivial view"
        print(f"  {label:40} {rps:7.1f} requests/s  errors {errors}{ratio}")
    if result.per_url_wrk:
        trivial = next(r for t, r in result.per_url_wrk.items() if t.path == TRIVIAL)
        print(
            f"\nEach URL alone under {CLIENTS} connections of wrk ({WRK_SECONDS} s each; "
            "wrk leaves the cores to the server):"
        )
        print(
            f"{'request':54} {'req/s':>8} {'errors':>6} {'p50 ms':>8} {'p95 ms':>8} "
            f"{'p99 ms':>8} {'of trivial':>10}"
        )
        for target, r in result.per_url_wrk.items():
            share = ""
            if target.path != TRIVIAL and trivial.rate:
                share = f"{r.rate / trivial.rate:10.1%}"
            print(
                f"{target.label:54} {r.rate:8.1f} {r.errors:6} {r.p50:8.1f} {r.p95:8.1f} "
                f"{r.p99:8.1f} {share}"
            )
    else:
        print("\n(wrk is not installed: `apt-get install wrk` adds the per-URL phase)")
    print(f"Errors in all: {result.errors}")


def run() -> None:
    """The load test on the database Django is set up on (DATABASE_URL, as bench/run.py
    sets it)."""
    report(measure(os.environ.get("DATABASE_URL", URL)), member_board())


def _prepare(url: str) -> None:
    """Alone: the database of BENCH_DATABASE_URL, with the registry and demo memberships
    when it holds none yet."""
    import psycopg

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "bundel.conf.test"
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from bundel.registry.models import Location

    call_command("migrate", verbosity=0)
    if not Location.objects.exists():
        from bundel.accounts.services import user_create
        from bundel.membership.demo import seed_demo
        from bundel.registry.duo.importer import import_duo_files
        from bundel.registry.management.commands.import_duo import read_manifest

        print("Empty database: importing the whole DUO registry and the demo memberships.")
        import_duo_files(read_manifest(settings.DUO_MANIFEST))
        staff = user_create(
            username="bench", email="bench@bundel.test", password="bench-pass-2026", role="staff"
        )
        seed_demo(staff=staff, exclude=set())
    from django.db import connection

    with connection.cursor() as cursor:  # planner statistics, whatever loaded the data
        cursor.execute("ANALYZE")


if __name__ == "__main__":
    _prepare(URL)
    run()
