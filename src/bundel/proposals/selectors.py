"""Reading what a personalised proposal ("Wat heeft <<naam bestuur>> eraan?") says.

A proposal is built from a board annotated by `registry.selectors.with_registry_figures`
(its place, sectors, locations and current pupils), its locations and the support
figures of the day. A run over many boards loads the support figures once.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from bundel.governance.chambers import Chamber, chamber_for
from bundel.membership.constants import MEMBER_STATES
from bundel.membership.models import Membership
from bundel.membership.selectors import Fee, fee_for_pupils
from bundel.registry.constants import PO_SECTOR_TYPES, VO_SECTOR_TYPES, Sector, SectorType
from bundel.registry.models import Board, Location
from bundel.registry.selectors import (
    board_locations,
    sector_of,
    with_registry_figures,
)
from bundel.support.selectors import SupportFigures, support_at


def proposal_boards_visible_to(user) -> QuerySet[Board]:
    """Staff see the proposal of every board; a board contact only its own board's."""
    if user is None or not user.is_authenticated:
        return Board.objects.none()
    if user.is_cooperative_staff:
        return Board.objects.all()
    if user.is_board_contact:
        return Board.objects.filter(pk=user.board_id)
    return Board.objects.none()


def proposal_board(*, user, duo_number: str) -> Board:
    """The board of a proposal the user may see, with its figures; raises Board.DoesNotExist."""
    boards = proposal_boards_visible_to(user).filter(duo_number=duo_number)
    return with_registry_figures(boards).get()


def prospective_boards(boards: QuerySet[Board] | None = None) -> QuerySet[Board]:
    """Boards a proposal is for: eligible (po or vo locations) and not a member, with figures."""
    boards = Board.objects.all() if boards is None else boards
    locations = Location.objects.filter(
        board=OuterRef("pk"), sector_type__in=(*PO_SECTOR_TYPES, *VO_SECTOR_TYPES)
    )
    members = Membership.objects.filter(board=OuterRef("pk"), state__in=MEMBER_STATES)
    boards = boards.filter(Exists(locations)).exclude(Exists(members))
    return with_registry_figures(boards).order_by("duo_number")


@dataclass(frozen=True)
class Service:
    key: str
    title: str
    description: str
    fit: str  # what it means for this board's locations


@dataclass(frozen=True)
class LocationLine:
    code: str
    name: str
    place: str
    sector_type: str
    pupils: int | None


@dataclass(frozen=True)
class Proposal:
    date: date
    name: str
    duo_number: str
    place: str
    sector: str | None
    pupils: int | None
    locations: list[LocationLine]
    locations_by_sector_type: list[tuple[str, int]]  # (sector type code, locations)
    chamber: Chamber | None
    fee: Fee
    share_percent: Decimal | None  # of all pupils in po and vo, one decimal
    support: SupportFigures
    in_support: bool  # already in the start group, coalition or members
    together_with_board_percent: Decimal | None  # one decimal
    services: list[Service]

    @property
    def location_count(self) -> int:
        return len(self.locations)

    @property
    def sector_label(self) -> str:
        return Sector(self.sector).label if self.sector else ""

    @property
    def together_percent(self) -> Decimal | None:
        return _percent(self.support.together.pupils, self.support.national_pupils)


SERVICE_TEXTS = {
    "connectivity": (
        gettext_lazy("External connectivity"),
        gettext_lazy(
            "The network that connects school locations with each other, and internet "
            "access; anti-DDoS, firewall services, fixed telephony and colocation and "
            "datacentre services to centralise your servers."
        ),
    ),
    "network": (
        gettext_lazy("Network infrastructure"),
        gettext_lazy("Wifi and, if wanted, the internal fixed network in the school locations."),
    ),
    "cloud": (
        gettext_lazy("Cloud server infrastructure"),
        gettext_lazy("Server infrastructure in the cloud (IaaS, virtual machines)."),
    ),
    "security": (
        gettext_lazy("Information security services"),
        gettext_lazy(
            "Information security services related to the tenders above are included "
            "directly. If there is enough demand, other information security services "
            "follow (such as anti-spam, anti-virus, anti-phishing, URL and content "
            "filtering, and incident detection and response)."
        ),
    ),
}


def _percent(part: int | None, whole: int) -> Decimal | None:
    if not whole or part is None:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def fitting_services(*, name: str, locations: int) -> list[Service]:
    """The seed's first tenders, each said for this board's number of locations."""
    if not locations:
        return []
    fits = {
        "connectivity": ngettext(
            "For %(name)s: internet access for its location, with the bandwidth it chooses.",
            "For %(name)s: one network connecting its %(n)s locations with each other and "
            "with the internet, with the bandwidth chosen per location.",
            locations,
        ),
        "network": ngettext(
            "For %(name)s: wifi and the internal network of its location, with the capacity "
            "it chooses.",
            "For %(name)s: wifi and the internal network in each of its %(n)s locations, "
            "with the capacity chosen per location.",
            locations,
        ),
        "cloud": _("For %(name)s: servers in the cloud instead of in its school buildings."),
        "security": _(
            "Required for %(name)s as soon as it takes external connectivity; what comes "
            "with it is included."
        ),
    }
    return [
        Service(key, str(title), str(description), fits[key] % {"name": name, "n": locations})
        for key, (title, description) in SERVICE_TEXTS.items()
    ]


def proposal_for(
    board: Board,
    *,
    on: date | None = None,
    support: SupportFigures | None = None,
) -> Proposal:
    """The proposal for a board annotated by `with_registry_figures` (see `proposal_board`,
    `prospective_boards`). Pass `support` when building many: it is the same for all."""
    on = on or timezone.localdate()
    support = support if support is not None else support_at(on)
    locations = list(board_locations(board))
    types = dict(SectorType.choices)
    counted = Counter(location.sector_type for location in locations)
    pupils = board.current_pupils
    national = support.national_pupils
    in_support = board.pk in support.board_ids.get("together", frozenset())
    together = support.together.pupils + (0 if in_support else pupils or 0)
    name = board.display_name
    return Proposal(
        date=on,
        name=name,
        duo_number=board.duo_number,
        place=board.main_place,
        sector=sector_of(has_po=board.has_po, has_vo=board.has_vo),
        pupils=pupils,
        locations=[
            LocationLine(
                location.code,
                location.name,
                location.place,
                str(types.get(location.sector_type, location.sector_type)),
                getattr(location, "latest_pupils", None),
            )
            for location in locations
        ],
        locations_by_sector_type=[(key, counted[key]) for key in SectorType.values if counted[key]],
        chamber=chamber_for(has_po=board.has_po, has_vo=board.has_vo, pupils=pupils),
        fee=fee_for_pupils(pupils, on.year),  # pupils already annotated: no extra query
        share_percent=_percent(pupils or 0, national),
        support=support,
        in_support=in_support,
        together_with_board_percent=_percent(together, national),
        services=fitting_services(name=name, locations=len(locations)),
    )
