"""Two staff members acting on one tender at the same moment (PostgreSQL only)."""

import pytest

from bundel.audit.models import AuditEntry
from bundel.tenders import services
from bundel.tenders.constants import TenderState
from bundel.tenders.models import Tender

from ..concurrency import run_at_once
from .factories import make_tender

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
