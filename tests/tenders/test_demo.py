from datetime import date

from bundel.audit.models import AuditEntry
from bundel.catalogue.demo import load_catalogue
from bundel.tenders.bundling import bundled_demand
from bundel.tenders.constants import TenderState
from bundel.tenders.demo import seed_demo
from bundel.tenders.models import DemandLine, Participation, Tender
from tests.factories import BoardFactory, MembershipFactory

from .factories import place


def founding_members(count: int):
    """Founding members with a primary and a secondary location each."""
    boards = []
    for n in range(count):
        board = BoardFactory(duo_number=f"2{n}000")
        MembershipFactory(
            board=board,
            state="member",
            is_founding=True,
            founding_since=date(2017, 3, 1),
            admitted_on=date(2017, 7, 1),
        )
        place(board, f"2{n}AA00", pupils=150 + 400 * n, province="Groningen")
        place(board, f"2{n}AA01", pupils=700, sector="vo", province="Limburg")
        boards.append(board)
    return boards


def test_the_demo_tenders_are_made_once_through_the_services(staff):
    load_catalogue()

    assert seed_demo(staff=staff) == 3
    assert seed_demo(staff=staff) == 0

    states = dict(Tender.objects.values_list("procedure", "state"))
    assert states == {
        "open": TenderState.PUBLISHED,
        "restricted": TenderState.DEMAND_REGISTRATION,
        "multiple_private": TenderState.DRAFT,
    }
    assert Tender.objects.get(procedure="open").lots.count() == 3


def test_founding_members_registered_their_demand_once(staff):
    load_catalogue()
    first, *others = founding_members(3)

    seed_demo(staff=staff)
    lines = DemandLine.objects.count()
    entries = AuditEntry.objects.count()
    seed_demo(staff=staff)

    assert (DemandLine.objects.count(), AuditEntry.objects.count()) == (lines, entries)
    connectivity = Tender.objects.get(procedure="open")
    wifi = Tender.objects.get(procedure="restricted")
    assert set(connectivity.participations.values_list("board", flat=True)) == {
        first.pk,
        *(b.pk for b in others),
    }
    # The first founding member (the demo login `lid`) registers for wifi itself.
    assert set(wifi.participations.values_list("board", flat=True)) == {b.pk for b in others}

    demand = bundled_demand(connectivity)
    by_lot = {lot.lot.number: lot.figures.locations for lot in demand.lots}
    assert by_lot == {1: 3, 2: 0, 3: 3}  # Groningen: north and east; Limburg: south
    assert demand.totals.boards == 3
    assert {o.product.code: o.locations for o in demand.optional} == {
        "anti-spam": 3,
        "url-filter": 3,
        "incident-response": 3,
    }
    wifi_lots = {lot.lot.number: lot.figures.locations for lot in bundled_demand(wifi).lots}
    assert wifi_lots == {1: 2, 2: 2}  # primary and secondary locations


def test_a_wifi_tender_from_an_earlier_demo_gets_its_demand(staff):
    load_catalogue()
    seed_demo(staff=staff)  # no members yet: no demand
    assert Participation.objects.count() == 0
    founding_members(2)

    assert seed_demo(staff=staff) == 0
    assert Participation.objects.filter(tender__procedure="restricted").count() == 1


def test_without_the_catalogue_the_demo_makes_nothing(staff):
    assert seed_demo(staff=staff) == 0
