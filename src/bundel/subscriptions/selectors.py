"""Reading subscriptions: who sees which, what they cost a board per year, the national
migration calendar, and what open commitments a leaving member leaves behind."""

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, F, OuterRef, Prefetch, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import get_language

from bundel.membership.dates import add_months
from bundel.membership.models import Membership
from bundel.membership.selectors import fee_for_board
from bundel.registry.models import Board, Location
from bundel.registry.summaries import registry_cached

from .constants import OPEN_STATES, SUBSCRIPTIONS_VERSION, WaveState
from .models import CapacityChange, MigrationWave, Subscription

CENT = Decimal("0.01")


def subscriptions_visible_to(user) -> QuerySet[Subscription]:
    """Staff see all; a board contact (or a council member) its own board's."""
    base = Subscription.objects.select_related("board", "location", "product", "capacity", "wave")
    if user is None or not user.is_authenticated:
        return base.none()
    if user.is_cooperative_staff:
        return base
    if user.board_id:
        return base.filter(board_id=user.board_id)
    return base.none()


def service_boards_visible_to(user) -> QuerySet[Board]:
    """The boards whose services, costs and waves `user` may see: staff any board, anyone
    else only the board they belong to (the same rule as `subscriptions_visible_to`)."""
    if user is None or not user.is_authenticated:
        return Board.objects.none()
    if user.is_cooperative_staff:
        return Board.objects.all()
    return Board.objects.filter(pk=user.board_id) if user.board_id else Board.objects.none()


def service_board(user, duo_number: str) -> Board | None:
    """The board of `duo_number` if `user` may see its services (the rule of
    `service_boards_visible_to`), else None. A board's own contact has it at hand (the
    request's user is read with their board): no query."""
    if user is not None and user.is_authenticated and not user.is_cooperative_staff:
        board = user.board if user.board_id else None
        return board if board is not None and board.duo_number == duo_number else None
    return service_boards_visible_to(user).filter(duo_number=duo_number).first()


def waves_visible_to(user) -> QuerySet[MigrationWave]:
    base = MigrationWave.objects.select_related("board")
    if user is None or not user.is_authenticated:
        return base.none()
    if user.is_cooperative_staff:
        return base
    if user.board_id:
        return base.filter(board_id=user.board_id)
    return base.none()


def _sees_services_of(user, board: Board) -> bool:
    """The rule of `subscriptions_visible_to`, for one board: what it shows such a user
    of the board is all of it, so it is cached for the board, not per user."""
    if user is None or not user.is_authenticated:
        return False
    return user.is_cooperative_staff or user.board_id == board.pk


def board_cached(name: str, parts, compute):
    """`compute()` cached while the subscriptions, waves, the catalogue and the registry
    (the codes, names and places of locations) stay as they are: for what everyone who
    may see a board's services sees alike. `parts` name the board and every other input
    (the language, a page)."""
    return registry_cached(name, parts, compute, under=(SUBSCRIPTIONS_VERSION,))


def board_service_locations(board: Board, user) -> list[tuple[int, int]]:
    """(location id, number of subscriptions) for every location the board has
    subscriptions at, by location code: what the services page pages over. Cached; one
    query to compute.

    The code is looked up per location (a subquery) rather than joined: PostgreSQL would
    otherwise hash the whole national registry to join a board's few locations."""
    if not _sees_services_of(user, board):
        return []

    def compute():
        code = Location.objects.filter(pk=OuterRef("location_id")).order_by().values("code")
        rows = (
            Subscription.objects.filter(board=board)
            .values_list("location_id")
            .annotate(services=Count("pk"), code=Subquery(code))
            .order_by("code")
        )
        return [(location_id, services) for location_id, services, _code in rows]

    return board_cached("subscriptions.board_locations", (board.pk,), compute)


def board_services(board: Board, user, *, locations: list[int]) -> list[dict]:
    """The board's subscriptions at `locations` (ids), by location and product, as the
    values the services page shows. It shows nothing else of them, and a model instance of
    each subscription and of its location, product, capacity and wave cost more than the
    rest of the page. Cached per language (the product's name); one query to compute."""
    if not _sees_services_of(user, board):
        return []
    english = (get_language() or "nl").startswith("en")  # the catalogue's `Bilingual.name`

    def compute():
        return list(
            Subscription.objects.filter(board=board, location_id__in=locations)
            .order_by("location__code", "product__code", "pk")
            .values(
                "pk",
                "state",
                "monthly_price",
                "surcharge_factor",
                "wished_start",
                "active_on",
                "ends_on",
                "ended_on",
                "location_id",
                "location__code",
                "location__name",
                "location__place",
                "product__code",
                "capacity__label",
                "wave__name",
                product_name=F("product__name_en" if english else "product__name_nl"),
            )
        )

    parts = (board.pk, tuple(locations), english)
    return board_cached("subscriptions.board_services", parts, compute)


def board_subscriptions(board: Board, user) -> QuerySet[Subscription]:
    return (
        subscriptions_visible_to(user)
        .filter(board=board)
        .prefetch_related(
            Prefetch("changes", queryset=CapacityChange.objects.order_by("date", "pk"))
        )
    )


# -- costs --------------------------------------------------------------------------------


def _month_starts(year: int) -> list[date]:
    return [date(year, month, 1) for month in range(1, 13)]


def charge_start(subscription: Subscription) -> date:
    return subscription.active_on or subscription.wished_start


def runs_on(subscription: Subscription, day: date) -> bool:
    end = subscription.ended_on or subscription.ends_on
    return charge_start(subscription) <= day and (end is None or day <= end)


def price_on(subscription: Subscription, day: date) -> Decimal:
    """The monthly price in force on `day`, following the capacity changes."""
    changes = list(subscription.changes.all())
    price = changes[0].old_price if changes else subscription.monthly_price
    for change in changes:
        if change.date <= day:
            price = change.new_price
    return price


@dataclass(frozen=True)
class CostLine:
    subscription: Subscription
    months: int
    amount: Decimal  # price + surcharges, for the months it runs in the year


@dataclass(frozen=True)
class Costs:
    year: int
    fee: Decimal
    services: Decimal
    lines: list[CostLine]

    @property
    def total(self) -> Decimal:
        return self.fee + self.services

    def by(self, key) -> dict:
        totals: dict = {}
        for line in self.lines:
            k = key(line.subscription)
            totals[k] = totals.get(k, Decimal(0)) + line.amount
        return totals


def is_member_in(board: Board, year: int) -> bool:
    """A member at any day of the year (admitted by its end, not ended before its start)."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    for m in Membership.objects.filter(board=board, admitted_on__lte=last):
        if m.ended_on is None or m.ended_on >= first:
            return True
    return False


def board_costs(board: Board, year: int, *, user) -> Costs:
    """The membership fee plus every subscription's monthly charge (price and surcharges)
    for each month of the year it runs on the first day of. Four queries."""
    fee = fee_for_board(board, year).amount if is_member_in(board, year) else Decimal(0)
    lines = []
    for subscription in board_subscriptions(board, user).order_by(
        "location__code", "product__code"
    ):
        amount, months = Decimal(0), 0
        for day in _month_starts(year):
            if runs_on(subscription, day):
                months += 1
                amount += price_on(subscription, day) * subscription.surcharge_factor
        if months:
            lines.append(CostLine(subscription, months, amount.quantize(CENT)))
    services = sum((line.amount for line in lines), Decimal(0))
    return Costs(year, fee, services, lines)


# -- migration ------------------------------------------------------------------------------


@dataclass(frozen=True)
class WavePoint:
    wave: MigrationWave
    migrated_percent: Decimal  # of the board's locations in a wave that is done, cumulative
    codes: tuple[str, ...]  # of its locations, in order

    @property
    def locations(self) -> int:
        """How many locations the wave moves."""
        return len(self.codes)


@dataclass(frozen=True)
class MigrationPlan:
    points: list[WavePoint]  # the board's waves by date
    location_count: int  # the board's locations, in waves or not


def migration_plan(board: Board, user) -> MigrationPlan:
    """The board's waves by date, each with the codes of its locations, and how many
    locations the board has. Cached; three queries to compute."""
    if not _sees_services_of(user, board):
        return MigrationPlan([], 0)

    def compute() -> MigrationPlan:
        waves = list(MigrationWave.objects.filter(board=board).order_by("date", "pk"))
        codes = defaultdict(list)
        in_waves = MigrationWave.locations.through.objects.filter(migrationwave__in=waves)
        for wave_id, code in in_waves.order_by("location__code").values_list(
            "migrationwave_id", "location__code"
        ):
            codes[wave_id].append(code)
        location_count = board.locations.count()
        total, done, points = location_count or 1, 0, []
        for wave in waves:
            if wave.state == WaveState.DONE:
                done += len(codes[wave.pk])
            percent = (Decimal(done) * 100 / total).quantize(Decimal("0.1"))
            points.append(WavePoint(wave, percent, tuple(codes[wave.pk])))
        return MigrationPlan(points, location_count)

    return board_cached("subscriptions.migration_plan", (board.pk,), compute)


def board_migration(board: Board, user) -> list[WavePoint]:
    """The board's waves by date, each with the codes of its locations."""
    return migration_plan(board, user).points


def national_calendar(
    user, *, start: date | None = None, weeks: int = 26
) -> list[tuple[date, int]]:
    """Locations migrating per week (Monday), from `start` for `weeks` weeks. Staff only."""
    if not (user and user.is_authenticated and user.is_cooperative_staff):
        return []
    start = start or timezone.localdate()
    monday = start - timedelta(days=start.weekday())
    end = monday + timedelta(weeks=weeks)
    rows = MigrationWave.locations.through.objects.filter(
        migrationwave__date__gte=monday, migrationwave__date__lt=end
    ).values_list("migrationwave__date", flat=True)
    per_week = Counter(d - timedelta(days=d.weekday()) for d in rows)
    return [
        (monday + timedelta(weeks=i), per_week.get(monday + timedelta(weeks=i), 0))
        for i in range(weeks)
    ]


# -- settlement -----------------------------------------------------------------------------


def whole_months(start: date, end: date) -> int:
    """Whole months from `start` to `end` (0 when end <= start)."""
    if end <= start:
        return 0
    months = (end.year - start.year) * 12 + end.month - start.month
    if add_months(start, months) > end:
        months -= 1
    return max(months, 0)


@dataclass(frozen=True)
class SettlementLine:
    subscription: Subscription
    min_term_ends: date
    months: int
    monthly_charge: Decimal
    amount: Decimal


def settlement_lines(membership: Membership) -> list[SettlementLine]:
    """For every subscription whose minimum term runs past the membership's end date: the
    monthly charge times the whole months from that end date to the end of the term."""
    end = membership.ends_on or membership.ended_on
    if end is None:
        return []
    lines = []
    subscriptions = (
        Subscription.objects.filter(board=membership.board, state__in=OPEN_STATES)
        .select_related("location", "product", "capacity")
        .prefetch_related(Prefetch("changes", queryset=CapacityChange.objects.order_by("date")))
    )
    for subscription in subscriptions.order_by("location__code", "product__code"):
        term_end = add_months(charge_start(subscription), subscription.product.min_term_months)
        months = whole_months(end, term_end)
        if months:
            # the price in force when the membership ends (a later capacity change counts)
            charge = (price_on(subscription, end) * subscription.surcharge_factor).quantize(CENT)
            lines.append(SettlementLine(subscription, term_end, months, charge, charge * months))
    return lines


def settlement_total(membership: Membership) -> Decimal:
    return sum((line.amount for line in settlement_lines(membership)), Decimal(0))
