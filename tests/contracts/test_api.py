"""The contracts API: contracts with their rates for who may see them (nothing for an
outsider or the public), a board joining, call-offs against the maximum (400 with the
headroom), other boards' call-offs hidden, and a list of a fixed number of queries."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from bundel.contracts import services
from bundel.contracts.models import CallOff, ContractParticipant
from bundel.contracts.services import CallOffLine

from ..factories import UserFactory
from .factories import make_contract, member_board
from .test_pages import many_contracts

TODAY = timezone.localdate()
LIST = "/api/v1/contracts/"


def post(client, url, data):
    return client.post(url, data, content_type="application/json")


@pytest.fixture
def second(staff):
    board = member_board(staff, duo_number="30001")
    return board, UserFactory(board=board, username="second")


def test_a_member_reads_the_contract_with_its_rates(contact_client, contract):
    data = contact_client.get(f"{LIST}{contract.pk}/").json()

    assert data == {
        "id": contract.pk,
        "reference": contract.reference,
        "tender": contract.lot.tender_id,
        "tender_title": "Connectiviteit",
        "lot": 1,
        "lot_title": "Perceel 1",
        "supplier_name": "Netwerk B.V.",
        "signed_on": TODAY.isoformat(),
        "starts_on": contract.starts_on.isoformat(),
        "ends_on": contract.ends_on.isoformat(),
        "status": "running",
        "maximum_kind": "value",
        "maximum_value": "100000.00",
        "maximum_quantity": None,
        "used": "0.00",
        "headroom": "100000.00",
        "participant_count": 1,
        "takes_part": True,
        "rates": [
            {
                "product": "connectivity",
                "product_name": "External connectivity (network and internet access)",
                "capacity": "1g",
                "capacity_label": "1 Gbit/s",
                "monthly_rate": "400.00",
                "catalogue_price": "480.00",
            },
            {
                "product": "security",
                "product_name": "Information security services",
                "capacity": "standard",
                "capacity_label": "Standaard",
                "monthly_rate": "60.00",
                "catalogue_price": "75.00",
            },
        ],
    }
    listed = contact_client.get(LIST).json()
    assert [c["reference"] for c in listed["results"]] == [contract.reference]


@pytest.mark.parametrize("who", ["anonymous", "outsider_client"])
def test_outsiders_and_the_public_get_nothing(request, who, client, contract):
    browser = client if who == "anonymous" else request.getfixturevalue(who)

    assert browser.get(LIST).json()["results"] == []
    assert browser.get(f"{LIST}{contract.pk}/").status_code == 404
    for path in ("participants", "call-offs"):
        response = post(browser, f"{LIST}{contract.pk}/{path}/", {"lines": []})
        assert response.status_code in (403, 404)
    assert ContractParticipant.objects.count() == 1 and CallOff.objects.count() == 0


def test_a_member_board_joins(client, contract, second):
    board, contact = second
    client.force_login(contact)

    response = post(client, f"{LIST}{contract.pk}/participants/", {})

    assert response.status_code == 201, response.json()
    assert response.json() == {
        "contract": contract.reference,
        "board": "30001",
        "board_name": board.name,
        "joined_on": TODAY.isoformat(),
        "joined_later": True,
    }
    again = post(client, f"{LIST}{contract.pk}/participants/", {"board": "30001"})
    assert again.status_code == 409
    assert again.json()["code"] == "already_participant"


def test_a_contact_lets_no_other_board_join(contact_client, contract, second):
    response = post(contact_client, f"{LIST}{contract.pk}/participants/", {"board": "30001"})
    assert response.status_code == 403
    assert not ContractParticipant.objects.filter(board=second[0]).exists()


def test_staff_let_a_board_join_by_its_number(staff_client, contract, second):
    assert (
        post(staff_client, f"{LIST}{contract.pk}/participants/", {"board": "30001"}).status_code
        == 201
    )
    unknown = post(staff_client, f"{LIST}{contract.pk}/participants/", {"board": "99999"})
    assert unknown.status_code == 400
    assert unknown.json() == {"board": ["No board with DUO number 99999."]}


def test_joining_after_the_end_is_a_conflict(staff, client, member, second):
    ended = make_contract(
        by=staff, starts_on=TODAY - timedelta(days=800), ends_on=TODAY - timedelta(days=1)
    )
    client.force_login(staff)
    response = post(client, f"{LIST}{ended.pk}/participants/", {"board": "30001"})
    assert response.status_code == 409
    assert response.json()["code"] == "ended"


def test_a_call_off_and_one_past_the_maximum(staff, client, member, contact):
    contract = make_contract(by=staff, boards=[member], maximum_value=Decimal("5520.00"))
    client.force_login(contact)
    url = f"{LIST}{contract.pk}/call-offs/"

    placed = post(
        client,
        url,
        {"lines": [{"product": "connectivity", "capacity": "1g"}, {"product": "security"}]},
    )
    refused = post(client, url, {"lines": [{"product": "security", "quantity": 1}]})

    assert placed.status_code == 201, placed.json()
    body = placed.json()
    assert (body["used"], body["headroom"]) == ("5520.00", "0.00")
    assert [(c["product"], c["quantity"], c["yearly_value"]) for c in body["call_offs"]] == [
        ("connectivity", 1, "4800.00"),
        ("security", 1, "720.00"),
    ]
    assert refused.status_code == 400
    assert refused.json()["code"] == "maximum"
    assert refused.json()["params"]["headroom"] == "EUR 0.00"
    assert CallOff.objects.count() == 2


def test_malformed_call_offs_are_400_per_field(contact_client, contract):
    response = post(contact_client, f"{LIST}{contract.pk}/call-offs/", {"lines": [{"quantity": 0}]})
    assert response.status_code == 400
    assert set(response.json()["lines"]["0"]) == {"product", "quantity"}


def test_a_board_sees_its_own_call_offs_and_the_supplier_all(
    client, staff, contract, member, contact, second, supplier
):
    board, other_contact = second
    services.contract_join(contract=contract, board=board, by=other_contact)
    services.call_off_place(
        contract=contract, board=member, lines=[CallOffLine("security", None, 2)], by=contact
    )
    services.call_off_place(
        contract=contract, board=board, lines=[CallOffLine("security", None, 5)], by=other_contact
    )
    url = f"{LIST}{contract.pk}/call-offs/"

    client.force_login(contact)
    mine = client.get(url).json()
    participants = client.get(f"{LIST}{contract.pk}/participants/").json()
    client.force_login(supplier)
    everything = client.get(url).json()

    assert [(c["board"], c["quantity"]) for c in mine] == [("41211", 2)]
    assert [p["board"] for p in participants] == ["41211"]
    assert sorted((c["board"], c["quantity"]) for c in everything) == [("30001", 5), ("41211", 2)]


def test_a_supplier_sees_only_its_own_contracts(client, staff, contract, other_supplier):
    client.force_login(other_supplier)
    assert client.get(LIST).json()["results"] == []
    assert client.get(f"{LIST}{contract.pk}/").status_code == 404
    mine = make_contract(by=staff, title="Ander", supplier_user=other_supplier)
    assert [c["id"] for c in client.get(LIST).json()["results"]] == [mine.pk]


def test_a_supplier_cannot_join_or_call_off(client, contract, supplier):
    client.force_login(supplier)
    joined = post(client, f"{LIST}{contract.pk}/participants/", {"board": "41211"})
    called = post(
        client,
        f"{LIST}{contract.pk}/call-offs/",
        {"board": "41211", "lines": [{"product": "security"}]},
    )
    assert (joined.status_code, called.status_code) == (403, 403)
    assert CallOff.objects.count() == 0


@pytest.mark.parametrize("rows", [2, 50])
@pytest.mark.parametrize("who", ["staff_client", "contact_client"])
def test_the_list_costs_a_fixed_number_of_queries(
    request, who, staff, member, rows, django_assert_max_num_queries
):
    many_contracts(staff, member, rows)
    browser = request.getfixturevalue(who)

    with django_assert_max_num_queries(6):
        response = browser.get(LIST, {"page_size": 50})

    results = response.json()["results"]
    assert len(results) == rows
    assert {(r["headroom"], len(r["rates"])) for r in results} == {("49280.00", 2)}
