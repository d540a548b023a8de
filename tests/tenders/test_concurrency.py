"""Two people acting on one tender at the same moment (PostgreSQL only)."""

import pytest

from bundel.audit.models import AuditEntry
from bundel.tenders import services
from bundel.tenders.constants import TenderState
from bundel.tenders.models import DemandLine, Participation, Tender

from ..concurrency import run_at_once
from .factories import connectivity, demand_tender, make_member, make_tender, place

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]


def test_publishing_twice_at_once_publishes_once(staff):
    tender = make_tender(by=staff)
    services.tender_open_demand(tender=tender, by=staff)

    def publish():
        return services.tender_publish(tender=tender, by=staff, on=tender.notice_date)

    outcomes = run_at_once(publish, publish)

    assert sorted(type(o).__name__ for o in outcomes) == ["StateConflict", "Tender"]
    assert Tender.objects.get(pk=tender.pk).state == TenderState.PUBLISHED
    assert AuditEntry.objects.filter(action="tenders.tender.published").count() == 1


def test_two_updates_at_once_are_applied_one_after_the_other(staff):
    tender = make_tender(by=staff)

    outcomes = run_at_once(
        lambda: services.tender_update(tender=tender, by=staff, title="Eerste"),
        lambda: services.tender_update(tender=tender, by=staff, description="Tweede"),
    )

    assert all(isinstance(o, Tender) for o in outcomes)
    stored = Tender.objects.get(pk=tender.pk)
    assert (stored.title, stored.description) == ("Eerste", "Tweede")
    assert AuditEntry.objects.filter(action="tenders.tender.updated").count() == 2


def test_two_registrations_for_one_board_at_once_store_one_participation(staff, contact, board):
    tender = demand_tender(by=staff)
    make_member(board)
    location = place(board, "02FY00", pupils=100)

    def register(capacity):
        return lambda: services.participation_register(
            tender=tender, board=board, lines=connectivity(1, location, capacity), by=contact
        )

    outcomes = run_at_once(register("1g"), register("10g"))

    assert all(isinstance(o, Participation) for o in outcomes), outcomes
    assert Participation.objects.filter(tender=tender, board=board).count() == 1
    capacities = set(
        DemandLine.objects.filter(product__code="connectivity").values_list(
            "capacity__code", flat=True
        )
    )
    assert len(capacities) == 1 and capacities <= {"1g", "10g"}
    assert DemandLine.objects.count() == 2
    actions = sorted(
        AuditEntry.objects.filter(action__startswith="tenders.participation").values_list(
            "action", flat=True
        )
    )
    assert actions == ["tenders.participation.created", "tenders.participation.updated"]
