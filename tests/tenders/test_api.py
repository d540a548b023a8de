"""GET /api/v1/tenders/: who sees which tender, what a tender shows, bounded queries."""

from datetime import date
from decimal import Decimal

import pytest

from bundel.tenders import services
from tests.factories import MembershipFactory

from .factories import at_noon, make_tender

URL = "/api/v1/tenders/"


@pytest.fixture
def tenders(staff):
    """One tender in each state that matters for who sees it."""
    draft = make_tender(by=staff, title="Concept")
    demand = make_tender(by=staff, title="Vraagbundeling")
    services.tender_open_demand(tender=demand, by=staff)
    published = make_tender(by=staff, title="Gepubliceerd")
    services.tender_open_demand(tender=published, by=staff)
    services.tender_publish(tender=published, by=staff, on=published.notice_date)
    dropped = make_tender(by=staff, title="Ingetrokken voor publicatie")
    services.tender_cancel(tender=dropped, by=staff, reason="Geen budget.")
    withdrawn = make_tender(by=staff, title="Ingetrokken na publicatie")
    services.tender_open_demand(tender=withdrawn, by=staff)
    services.tender_publish(tender=withdrawn, by=staff, on=withdrawn.notice_date)
    services.tender_cancel(tender=withdrawn, by=staff, reason="Markt veranderd.")
    return {t.title: t for t in (draft, demand, published, dropped, withdrawn)}


def titles(client) -> set[str]:
    response = client.get(URL)
    assert response.status_code == 200
    return {t["title"] for t in response.json()["results"]}


def test_staff_see_every_tender(staff_client, tenders):
    assert titles(staff_client) == set(tenders)


def test_anyone_sees_what_was_published(client, tenders):
    assert titles(client) == {"Gepubliceerd", "Ingetrokken na publicatie"}


def test_a_member_board_also_sees_demand_registration(contact_client, board, tenders):
    MembershipFactory(board=board, state="member", admitted_on=date(2026, 2, 1))
    assert titles(contact_client) == {
        "Vraagbundeling",
        "Gepubliceerd",
        "Ingetrokken na publicatie",
    }


def test_an_outsider_board_sees_only_what_was_published(outsider_client, board, tenders, supplier):
    MembershipFactory(board=board, state="member", admitted_on=date(2026, 2, 1))
    assert titles(outsider_client) == {"Gepubliceerd", "Ingetrokken na publicatie"}
    response = outsider_client.get(f"{URL}{tenders['Vraagbundeling'].pk}/")
    assert response.status_code == 404
    assert response.json() == {"detail": "No Tender matches the given query."}


def test_a_supplier_sees_only_what_was_published(supplier_client, tenders):
    assert titles(supplier_client) == {"Gepubliceerd", "Ingetrokken na publicatie"}
    assert supplier_client.get(f"{URL}{tenders['Concept'].pk}/").status_code == 404


def test_a_tender_shows_its_procedure_timeline_lots_and_criteria(client, staff):
    tender = make_tender(
        by=staff,
        title="Wifi 2027",
        notice_date=date(2026, 12, 1),
        closing_at=at_noon(date(2027, 1, 20)),
    )
    services.tender_open_demand(tender=tender, by=staff)
    services.tender_publish(tender=tender, by=staff, on=date(2026, 12, 1))

    response = client.get(f"{URL}{tender.pk}/")

    assert response.status_code == 200
    assert response.json() == {
        "id": tender.pk,
        "title": "Wifi 2027",
        "description": "Netwerk tussen locaties en internettoegang.",
        "product_groups": ["connectivity"],
        "procedure": "open",
        "estimated_value": "500000.00",
        "european_procedure_required": True,
        "state": "published",
        "notice_date": "2026-12-01",
        "published_on": "2026-12-01",
        "demand_deadline": None,
        "requests_deadline": None,
        "invitation_date": None,
        "closing_at": "2027-01-20T12:00:00+01:00",
        "electronic": True,
        "documents_online": True,
        "award_method": "points",
        "price_weight": "60.00",
        "criteria": [
            {
                "name": "Plan van aanpak",
                "weight": "40.00",
                "scale_min": "0.00",
                "scale_max": "10.00",
                "max_value": None,
            }
        ],
        "lots": [
            {"number": 1, "title": "Noord", "description": ""},
            {"number": 2, "title": "Zuid", "description": "Limburg en Brabant"},
        ],
        "award_decision_on": None,
        "cancel_reason": "",
    }


def test_below_the_threshold_no_european_procedure_is_required(staff_client, staff):
    tender = make_tender(by=staff, estimated_value=Decimal("215999.99"))
    body = staff_client.get(f"{URL}{tender.pk}/").json()
    assert body["european_procedure_required"] is False


def test_the_api_reads_only(staff_client, staff):
    tender = make_tender(by=staff)
    response = staff_client.patch(
        f"{URL}{tender.pk}/", {"title": "x"}, content_type="application/json"
    )
    assert response.status_code == 405


@pytest.mark.parametrize("rows", [2, 50])
def test_the_list_costs_a_fixed_number_of_queries(
    staff_client, staff, rows, django_assert_max_num_queries
):
    for n in range(rows):
        make_tender(by=staff, title=f"Aanbesteding {n}")

    with django_assert_max_num_queries(7):
        response = staff_client.get(URL, {"page_size": 50})

    assert len(response.json()["results"]) == rows
