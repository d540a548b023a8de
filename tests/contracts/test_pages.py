"""The contracts' pages: who sees which contract and what of it (an outsider and the
public only how many run), joining and calling off from a contract's page, the staff form,
exports, and a list that costs a fixed number of queries."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from bundel.audit.models import AuditEntry
from bundel.contracts import services
from bundel.contracts.models import CallOff, ContractParticipant, FrameworkContract
from bundel.contracts.services import CallOffLine, RateInput
from bundel.tenders.constants import TenderState
from bundel.tenders.models import Tender

from ..factories import UserFactory
from .factories import capacity, make_contract, member_board, tender_in_standstill

TODAY = timezone.localdate()


def text(response) -> str:
    return response.content.decode()


@pytest.fixture
def second(staff):
    """Board 30001, a member that does not take part, and its contact."""
    board = member_board(staff, duo_number="30001", name="Stichting Tweede")
    return board, UserFactory(board=board, username="second")


@pytest.fixture
def ended(staff, member):
    """An ended contract of another supplier that board 41211 did not take part in."""
    return make_contract(
        by=staff,
        title="Oud",
        supplier_name="Oud Netwerk B.V.",
        starts_on=TODAY - timedelta(days=800),
        ends_on=TODAY - timedelta(days=1),
    )


# --- who sees what ------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["anonymous", "outsider_client"])
def test_the_public_and_outsiders_see_only_how_many_run(request, who, client, contract):
    browser = client if who == "anonymous" else request.getfixturevalue(who)

    page = text(browser.get("/contracts/"))

    assert "1 framework contract is running." in page
    assert contract.reference not in page and "Netwerk B.V." not in page
    assert browser.get(f"/contracts/{contract.pk}/").status_code == 404


def test_a_member_sees_running_contracts_and_its_own_call_offs(
    client, staff, contract, member, contact, second, ended
):
    board, other_contact = second
    services.contract_join(contract=contract, board=board, by=other_contact)
    services.call_off_place(
        contract=contract, board=member, lines=[CallOffLine("security", None, 3)], by=contact
    )
    services.call_off_place(
        contract=contract, board=board, lines=[CallOffLine("connectivity", "1g", 7)], by=staff
    )
    client.force_login(contact)

    listing = text(client.get("/contracts/"))
    page = text(client.get(f"/contracts/{contract.pk}/"))

    assert contract.reference in listing and "your board takes part" in listing
    assert ended.reference not in listing
    assert client.get(f"/contracts/{ended.pk}/").status_code == 404
    # Rates with the catalogue price and how much lower they are.
    assert "€ 400.00" in page and "€ 480.00" in page and "16.7%" in page
    # Its own call-off, not the other board's; its own participation, not the other's.
    assert "€ 2,160.00" in page
    assert "€ 33,600.00" not in page and "30001" not in page and "Stichting Tweede" not in page
    # The headroom counts every board's call-offs.
    assert "€ 64,240.00" in page  # 100,000 - 2,160 - 33,600
    assert 'id="action-call_off"' in page and 'id="action-join"' not in page
    assert "Changes" not in page  # the audit trail is staff only


def test_a_board_that_took_part_still_sees_its_ended_contract(client, staff, member, contact):
    old = make_contract(
        by=staff,
        boards=[member],
        starts_on=TODAY - timedelta(days=800),
        ends_on=TODAY - timedelta(days=1),
    )
    client.force_login(contact)
    page = text(client.get(f"/contracts/{old.pk}/"))
    assert old.reference in page and "Ended" in page
    assert 'id="action-' not in page


def test_a_supplier_sees_its_own_contracts_with_every_call_off(
    client, staff, contract, member, contact, other_supplier
):
    services.call_off_place(
        contract=contract, board=member, lines=[CallOffLine("security", None, 3)], by=contact
    )
    others = make_contract(by=staff, title="Ander", supplier_user=other_supplier)
    client.force_login(contract.supplier_user)

    listing = text(client.get("/contracts/"))
    page = text(client.get(f"/contracts/{contract.pk}/"))

    assert contract.reference in listing and others.reference not in listing
    assert client.get(f"/contracts/{others.pk}/").status_code == 404
    assert "41211" in page and "€ 2,160.00" in page
    assert 'id="action-' not in page


# --- joining and calling off from the page ------------------------------------------------


def test_a_member_joins_and_calls_off_on_the_page(client, contract, second):
    board, other_contact = second
    client.force_login(other_contact)
    url = f"/contracts/{contract.pk}/"
    assert 'id="action-join"' in text(client.get(url))

    joined = client.post(url, {"action": "join"})
    placed = client.post(
        url,
        {
            "action": "call_off",
            "call_off-line_0_rate": "connectivity/1g",
            "call_off-line_0_quantity": "2",
            "call_off-line_1_rate": "security/standard",
            "call_off-line_1_quantity": "2",
        },
        follow=True,
    )

    assert joined.status_code == 302
    assert ContractParticipant.objects.get(board=board).joined_later
    assert "The call-off is placed: EUR 11040.00 a year." in text(placed)
    assert sorted(CallOff.objects.filter(board=board).values_list("yearly_value", flat=True)) == [
        Decimal("1440.00"),
        Decimal("9600.00"),
    ]


def test_a_call_off_past_the_maximum_shows_the_headroom_and_stores_nothing(
    client, staff, member, contact
):
    contract = make_contract(by=staff, boards=[member], maximum_value=Decimal("5000.00"))
    client.force_login(contact)

    placed = client.post(
        f"/contracts/{contract.pk}/",
        {"action": "call_off", "call_off-line_0_rate": "connectivity/1g"},
    )

    assert placed.status_code == 302  # 4,800 of 5,000
    assert CallOff.objects.count() == 1
    refused = client.post(
        f"/contracts/{contract.pk}/",
        {"action": "call_off", "call_off-line_0_rate": "security/standard"},
    )
    assert "EUR 200.00 is left" in text(refused)
    assert CallOff.objects.count() == 1


def test_an_outsider_cannot_post_to_a_contract(outsider_client, contract):
    response = outsider_client.post(f"/contracts/{contract.pk}/", {"action": "join"})
    assert response.status_code == 404
    assert ContractParticipant.objects.count() == 1


def test_a_participant_cannot_post_an_action_it_is_not_offered(contact_client, contract):
    response = contact_client.post(f"/contracts/{contract.pk}/", {"action": "rate"})
    assert response.status_code == 400


# --- staff ------------------------------------------------------------------------------


def form_data(lot, **overrides) -> dict[str, str]:
    data = {
        "lot": str(lot.pk),
        "supplier_name": "Glasvezel Nederland B.V.",
        "supplier_user": "",
        "signed_on": TODAY.isoformat(),
        "starts_on": "2027-01-01",
        "ends_on": "2030-12-31",
        "maximum_kind": "value",
        "maximum_value": "1250000.00",
        "maximum_quantity": "",
        "boards": "41211",
        "rate_0_capacity": str(capacity("connectivity", "1g").pk),
        "rate_0_rate": "410.50",
        "rate_1_capacity": str(capacity("security", "standard").pk),
        "rate_1_rate": "62",
    }
    return {**data, **overrides}


def test_staff_make_a_contract_on_the_page(staff_client, staff, member):
    lot = tender_in_standstill(by=staff).lots.get(number=1)
    assert "Connectiviteit: lot 1. Perceel 1" in text(staff_client.get("/contracts/nieuw/"))

    response = staff_client.post("/contracts/nieuw/", form_data(lot))

    contract = FrameworkContract.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/contracts/{contract.pk}/"
    assert contract.maximum_value == Decimal("1250000.00")
    assert {r.capacity.code: r.monthly_rate for r in contract.rates.all()} == {
        "1g": Decimal("410.50"),
        "standard": Decimal("62.00"),
    }
    assert list(contract.participants.values_list("board__duo_number", flat=True)) == ["41211"]
    assert Tender.objects.get(pk=lot.tender_id).state == TenderState.CONTRACTED
    page = text(staff_client.get(f"/contracts/{contract.pk}/"))
    assert "Changes" in page and 'id="action-rate"' in page and 'id="action-join"' in page


def test_the_staff_form_shows_the_refusal_and_stores_nothing(staff_client, staff, member):
    lot = tender_in_standstill(by=staff).lots.get(number=1)

    response = staff_client.post("/contracts/nieuw/", form_data(lot, ends_on="2031-01-01"))

    assert response.status_code == 200
    assert "ends on 2030-12-31 at the latest, not on 2031-01-01" in text(response)
    assert FrameworkContract.objects.count() == 0
    unknown = staff_client.post("/contracts/nieuw/", form_data(lot, boards="41211 99999"))
    assert "No board with DUO number 99999." in text(unknown)


@pytest.mark.parametrize("who", ["contact_client", "outsider_client", "client"])
def test_only_staff_make_contracts(request, who, staff, member):
    browser = request.getfixturevalue(who)
    lot = tender_in_standstill(by=staff).lots.get(number=1)
    response = browser.post("/contracts/nieuw/", form_data(lot))
    assert response.status_code in (302, 403)
    assert response.status_code == 403 or "/login" in response["Location"]
    assert FrameworkContract.objects.count() == 0


def test_staff_set_a_rate_on_the_page(staff_client, contract):
    response = staff_client.post(
        f"/contracts/{contract.pk}/",
        {
            "action": "rate",
            "rate-capacity": str(capacity("connectivity", "500m").pk),
            "rate-monthly_rate": "279.00",
        },
    )
    assert response.status_code == 302
    assert contract.rates.get(capacity__code="500m").monthly_rate == Decimal("279.00")
    assert AuditEntry.objects.filter(action="contracts.rate.set").count() == 1


def test_staff_export_the_list(staff_client, contract, ended):
    response = staff_client.get("/contracts/", {"format": "csv", "status": "running"})
    lines = response.content.decode("utf-8-sig").strip().splitlines()
    assert response["Content-Type"].startswith("text/csv")
    assert len(lines) == 2
    assert lines[0].startswith("Reference;Tender;Lot;Supplier")
    assert lines[1].startswith(f"{contract.reference};Connectiviteit;1. Perceel 1;Netwerk B.V.")
    assert ";Running;" in lines[1] and ";100000.00;0.00;100000.00;1;2" in lines[1]


def test_members_get_no_export(contact_client, contract):
    response = contact_client.get("/contracts/", {"format": "csv"})
    assert response["Content-Type"].startswith("text/html")


# --- a fixed number of queries ----------------------------------------------------------


def many_contracts(staff, member, count: int) -> None:
    tender = tender_in_standstill(by=staff, lots=count)
    gig, sec = capacity("connectivity", "1g"), capacity("security", "standard")
    for lot in tender.lots.all():
        contract = services.contract_create(
            lot=lot,
            by=staff,
            supplier_name=f"Leverancier {lot.number}",
            starts_on=TODAY - timedelta(days=10),
            ends_on=TODAY + timedelta(days=300),
            maximum_kind="value",
            maximum_value=Decimal("50000.00"),
            rates=[RateInput(gig, Decimal("400")), RateInput(sec, Decimal("60"))],
            boards=[member],
        )
        services.call_off_place(
            contract=contract, board=member, lines=[CallOffLine("security")], by=staff
        )


@pytest.mark.parametrize("rows", [2, 50])
@pytest.mark.parametrize("who", ["staff_client", "contact_client"])
def test_the_list_costs_a_fixed_number_of_queries(
    request, who, staff, member, rows, django_assert_max_num_queries
):
    many_contracts(staff, member, rows)
    browser = request.getfixturevalue(who)

    with django_assert_max_num_queries(6):
        response = browser.get("/contracts/")

    assert text(response).count("€ 49,280.00") == rows  # the headroom of each
