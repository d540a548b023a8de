"""The subscriptions API: the services' rules as 400/403/404/409 with the rule's message,
nothing stored on a refusal, nothing of another board, bounded queries."""

import json
from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone, translation
from rest_framework.serializers import ModelSerializer

from bundel.subscriptions import services
from bundel.subscriptions.api import SubscriptionSerializer, _subscriptions
from bundel.subscriptions.models import MigrationWave, Subscription

from ..factories import LocationFactory
from .builders import admit, line, order, order_many, products, stored

TODAY = timezone.localdate()
SOON = (TODAY + timedelta(days=30)).isoformat()
LATER = (TODAY + timedelta(days=90)).isoformat()
ORDERS = "/api/v1/boards/41211/orders/"


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def catalogue(db):
    return products()


@pytest.fixture
def membership(board, staff, catalogue):
    return admit(board, staff)


@pytest.fixture
def here(board):
    return LocationFactory(board=board, code="16AH00", school__brin="16AH", name="De Regenboog")


@pytest.fixture
def there(board):
    return board.locations.exclude(code="16AH00").get()


def post(client, url, data=None):
    return client.post(url, data or {}, content_type="application/json")


def ordered(client, *lines, status=201):
    response = post(client, ORDERS, {"lines": list(lines)})
    assert response.status_code == status, response.json()
    return response.json()


def row(location, product, capacity=None, start=SOON) -> dict:
    data = {"location": location, "product": product, "start": start}
    if capacity is not None:
        data["capacity"] = capacity
    return data


# -- ordering ------------------------------------------------------------------------------


def test_a_contact_orders_and_gets_the_subscriptions(contact_client, membership, here):
    data = ordered(
        contact_client, row("16AH00", "security"), row("16ah00", "connectivity", "1g", LATER)
    )

    assert Subscription.objects.filter(order_id=data["order"]).count() == 2
    by_product = {s["product"]: s for s in data["subscriptions"]}
    connectivity = by_product["connectivity"]
    assert connectivity == {
        "id": connectivity["id"],
        "board": "41211",
        "location": "16AH00",
        "location_name": "De Regenboog",
        "product": "connectivity",
        "product_name": "External connectivity (network and internet access)",
        "capacity": "1g",
        "capacity_label": "1 Gbit/s",
        "state": "requested",
        "monthly_price": "480.00",
        "surcharge_factor": "1.0450",
        "monthly_charge": "501.60",  # 480.00 x 1.045
        "wished_start": LATER,
        "active_on": None,
        "ends_on": None,
        "ended_on": None,
        "order": data["order"],
        "wave": None,
        "changes": [],
    }
    assert (by_product["security"]["capacity"], by_product["security"]["monthly_charge"]) == (
        "standard",
        "78.75",  # 75.00 x 1.05
    )


def test_a_board_that_is_not_a_member_is_refused(contact_client, catalogue, here):
    before = stored()

    data = ordered(contact_client, row("16AH00", "security"), status=400)

    assert data == {"detail": ["Only members order services; board 41211 is not a member."]}
    assert stored() == before


@pytest.mark.parametrize(
    ("lines", "status", "expected"),
    [
        (
            [row("16AH00", "security"), row("99ZZ00", "security")],
            400,
            "line 2: location 99ZZ00 is not a location of board 41211.",
        ),
        (
            [row("16AH00", "telephony")],
            400,
            "line 1: Fixed telephony cannot be ordered (it is in tender).",
        ),
        ([row("16AH00", "nothing")], 400, "line 1: there is no product 'nothing'."),
        (
            [row("16AH00", "security"), row("16AH00", "connectivity")],
            400,
            "line 2: choose the capacity of External connectivity (network and internet "
            "access) at 16AH00: 100m, 500m, 1g, 10g.",
        ),
        (
            [row("16AH00", "security"), row("16AH00", "connectivity", "3g")],
            400,
            "line 2: choose the capacity of External connectivity (network and internet "
            "access) at 16AH00: 100m, 500m, 1g, 10g.",
        ),
        (
            [row("16AH00", "wifi", "s"), row("16AH00", "wifi", "m")],
            400,
            "Wifi appears twice for 16AH00 in this order.",
        ),
        (
            [row("16AH00", "security", start="2020-01-01")],
            400,
            "The wished start of Information security services at 16AH00 is in the past "
            "(2020-01-01).",
        ),
        ([], 400, "An order has at least one line."),
    ],
)
def test_each_rule_refuses_the_whole_order(
    contact_client, membership, here, outsider_board, lines, status, expected
):
    LocationFactory(board=outsider_board, code="99ZZ00", school__brin="99ZZ")
    before = stored()

    data = ordered(contact_client, *lines, status=status)

    assert data == {"detail": [expected]}
    assert stored() == before


def test_a_product_already_taken_is_a_conflict(contact_client, membership, here):
    ordered(contact_client, row("16AH00", "wifi", "s"))
    before = stored()

    data = ordered(contact_client, row("16AH00", "lan"), row("16AH00", "wifi", "l"), status=409)

    assert data == {"detail": ["16AH00 already takes Wifi."]}
    assert stored() == before


def test_requires_names_the_rule_with_code_and_params(contact_client, membership, here, there):
    before = stored()

    data = ordered(
        contact_client, row(there.code, "security"), row("16AH00", "connectivity", "1g"), status=400
    )

    assert data == {
        "detail": [
            "External connectivity (network and internet access) at 16AH00 De Regenboog "
            "requires Information security services at that location; add Information "
            "security services to the order."
        ],
        "code": "requires",
        "params": {"product": "connectivity", "required": "security", "location": "16AH00"},
    }
    assert stored() == before


def test_requires_is_met_by_an_existing_subscription(contact_client, membership, here):
    ordered(contact_client, row("16AH00", "security"))

    data = ordered(contact_client, row("16AH00", "connectivity", "500m"))

    assert [s["capacity"] for s in data["subscriptions"]] == ["500m"]


def test_a_malformed_order_is_a_400_per_field(contact_client, membership, here):
    response = post(contact_client, ORDERS, {"lines": [{"location": "16AH00", "start": "soon"}]})

    assert response.status_code == 400
    assert set(response.json()["lines"]["0"]) == {"product", "start"}  # errors of line 1
    assert stored()["subscriptions"] == 0


# -- termination and capacity ----------------------------------------------------------------


@pytest.fixture
def taken(contact_client, membership, here) -> dict[str, int]:
    data = ordered(contact_client, row("16AH00", "security"), row("16AH00", "connectivity", "100m"))
    return {s["product"]: s["id"] for s in data["subscriptions"]}


def test_terminating_what_is_in_use_is_refused(contact_client, taken):
    before = stored()

    response = post(
        contact_client, f"/api/v1/subscriptions/{taken['security']}/terminate/", {"date": LATER}
    )

    assert response.status_code == 400
    assert response.json() == {
        "detail": [
            "Information security services at 16AH00 De Regenboog cannot end while External "
            "connectivity (network and internet access) there requires it; end External "
            "connectivity (network and internet access) first."
        ],
        "code": "in_use",
        "params": {"required": "security", "product": "connectivity", "location": "16AH00"},
    }
    assert stored() == before
    assert Subscription.objects.get(pk=taken["security"]).state == "requested"


def test_terminating_the_dependant_first_then_the_required(contact_client, taken):
    first = post(
        contact_client, f"/api/v1/subscriptions/{taken['connectivity']}/terminate/", {"date": SOON}
    )
    assert first.status_code == 200, first.json()
    assert (first.json()["state"], first.json()["ends_on"]) == ("terminating", SOON)

    second = post(
        contact_client, f"/api/v1/subscriptions/{taken['security']}/terminate/", {"date": LATER}
    )
    assert second.status_code == 200, second.json()
    assert (second.json()["state"], second.json()["ends_on"]) == ("terminating", LATER)

    again = post(
        contact_client, f"/api/v1/subscriptions/{taken['security']}/terminate/", {"date": LATER}
    )
    assert again.status_code == 409


def test_terminate_needs_a_date(contact_client, taken):
    response = post(contact_client, f"/api/v1/subscriptions/{taken['security']}/terminate/")

    assert response.status_code == 400
    assert "date" in response.json()


def test_a_capacity_change_shows_in_the_history(contact_client, taken):
    url = f"/api/v1/subscriptions/{taken['connectivity']}/capacity/"

    response = post(contact_client, url, {"capacity": "10g", "date": LATER})

    assert response.status_code == 200, response.json()
    data = response.json()
    assert (data["capacity"], data["monthly_price"], data["monthly_charge"]) == (
        "10g",
        "1250.00",
        "1306.25",  # 1,250.00 x 1.045
    )
    assert data["changes"] == [
        {
            "date": LATER,
            "old_capacity": "100m",
            "new_capacity": "10g",
            "old_price": "180.00",
            "new_price": "1250.00",
        }
    ]
    refused = post(contact_client, url, {"capacity": "1t", "date": LATER})
    assert refused.status_code == 400
    assert refused.json()["detail"] == [
        "External connectivity (network and internet access) has no capacity '1t'."
    ]
    assert stored()["changes"] == 1


# -- lists ---------------------------------------------------------------------------------


def test_the_board_subscriptions_are_paginated(contact_client, taken, here):
    response = contact_client.get("/api/v1/boards/41211/subscriptions/?page_size=1")

    data = response.json()
    assert (data["count"], len(data["results"])) == (2, 1)
    assert data["results"][0]["product"] == "connectivity"  # by location, then product
    assert data["next"].endswith("page=2&page_size=1")
    # The pages are cached with their count; their links are written for each request.
    for _ in range(2):
        second = contact_client.get("/api/v1/boards/41211/subscriptions/?page=2&page_size=1")
        last = contact_client.get("/api/v1/boards/41211/subscriptions/?page=last&page_size=1")
        beyond = contact_client.get("/api/v1/boards/41211/subscriptions/?page=3&page_size=1")
        assert second.json()["results"][0]["product"] == "security"
        assert second.json()["previous"].endswith("/subscriptions/?page_size=1")
        assert second.json()["next"] is None and last.json() == second.json()
        assert beyond.status_code == 404 and "Invalid page" in beyond.json()["detail"]
    # One entry per page, however its number is written; page 0 is no page.
    zeros = "0" * 20
    for written, product in ((f"{zeros}2", "security"), (f"{zeros}1", "connectivity")):
        got = contact_client.get(f"/api/v1/boards/41211/subscriptions/?page={written}&page_size=1")
        assert got.json()["results"][0]["product"] == product
    nothing = contact_client.get(f"/api/v1/boards/41211/subscriptions/?page={zeros}&page_size=1")
    assert nothing.status_code == 404

    detail = contact_client.get(f"/api/v1/subscriptions/{taken['security']}/").json()
    assert (detail["product"], detail["location"]) == ("security", "16AH00")


def test_the_lists_and_the_detail_show_what_the_order_answered(
    client, staff, contact_client, membership, here
):
    """The lists read only the columns they show, and a board's list takes the board from
    its path: the same subscription, field for field, as the order's answer."""
    data = ordered(contact_client, row("16AH00", "security"), row("16AH00", "connectivity", "1g"))
    placed = sorted(data["subscriptions"], key=lambda s: s["product"])
    client.force_login(staff)

    board_list = contact_client.get("/api/v1/boards/41211/subscriptions/").json()["results"]
    national = client.get("/api/v1/subscriptions/").json()["results"]
    detail = contact_client.get(f"/api/v1/subscriptions/{placed[0]['id']}/").json()

    assert board_list == national == placed  # by location, then product
    assert detail == placed[0] and detail["board"] == "41211"


# -- costs ---------------------------------------------------------------------------------


def test_costs_worked_example_as_decimal_strings(contact_client, board, staff, membership, here):
    order(
        board,
        staff,
        line(here, "security", start=date(2025, 3, 1)),
        line(here, "connectivity", "100m", date(2025, 3, 15)),
        line(here, "wifi", "m", date(2025, 2, 1)),
    )
    connectivity = Subscription.objects.get(product__code="connectivity")
    services.subscription_change_capacity(
        subscription=connectivity, capacity="1g", on=date(2025, 7, 1), by=staff
    )

    data = contact_client.get("/api/v1/boards/41211/costs/?year=2025").json()

    # connectivity: from 15 March, so April..December = 9 months; April..June at 100m
    #   (180.00 x 1.045 = 188.10): 564.30; July..December at 1g (480.00 x 1.045 =
    #   501.60): 3,009.60; together 3,573.90
    # security: March..December = 10 x (75.00 x 1.05 = 78.75) = 787.50
    # wifi m: February..December = 11 x (950.00 x 1.05 = 997.50) = 10,972.50
    # services 3,573.90 + 787.50 + 10,972.50 = 15,333.90; fee 1,000.00 (812 pupils)
    assert data == {
        "year": 2025,
        "fee": "1000.00",
        "services": "15333.90",
        "total": "16333.90",
        "lines": [
            {
                "location": "16AH00",
                "product": "connectivity",
                "capacity": "1g",
                "months": 9,
                "monthly_price": "480.00",
                "surcharge_factor": "1.0450",
                "amount": "3573.90",
                "state": "requested",
            },
            {
                "location": "16AH00",
                "product": "security",
                "capacity": "standard",
                "months": 10,
                "monthly_price": "75.00",
                "surcharge_factor": "1.0500",
                "amount": "787.50",
                "state": "requested",
            },
            {
                "location": "16AH00",
                "product": "wifi",
                "capacity": "m",
                "months": 11,
                "monthly_price": "950.00",
                "surcharge_factor": "1.0500",
                "amount": "10972.50",
                "state": "requested",
            },
        ],
    }


def test_costs_year_before_membership_and_default_year(contact_client, membership):
    before = contact_client.get("/api/v1/boards/41211/costs/?year=2024").json()
    assert (before["fee"], before["services"], before["total"], before["lines"]) == (
        "0.00",
        "0.00",
        "0.00",
        [],
    )
    assert contact_client.get("/api/v1/boards/41211/costs/").json()["year"] == TODAY.year
    bad = contact_client.get("/api/v1/boards/41211/costs/?year=twenty")
    assert bad.status_code == 400 and "year" in bad.json()


# -- waves ---------------------------------------------------------------------------------


def test_a_wave_is_planned_by_the_contact_and_carried_out_by_staff(
    contact_client, client, staff, taken, there
):
    created = post(
        contact_client,
        "/api/v1/boards/41211/waves/",
        {"name": "Golf 1", "date": SOON, "locations": ["16ah00"]},
    )
    assert created.status_code == 201, created.json()
    wave = created.json()
    assert {k: wave[k] for k in ("board", "name", "date", "state", "locations")} == {
        "board": "41211",
        "name": "Golf 1",
        "date": SOON,
        "state": "planned",
        "locations": ["16AH00"],
    }
    assert set(Subscription.objects.values_list("state", "wave_id")) == {("planned", wave["id"])}

    refused = post(contact_client, f"/api/v1/waves/{wave['id']}/start/")
    assert refused.status_code == 403
    assert refused.json()["detail"] == "The cooperative's staff carry out the migration."

    client.force_login(staff)
    assert post(client, f"/api/v1/waves/{wave['id']}/start/").json()["state"] == "migrating"
    assert set(Subscription.objects.values_list("state", flat=True)) == {"migrating"}
    done = post(client, f"/api/v1/waves/{wave['id']}/complete/", {"date": TODAY.isoformat()})
    assert done.json()["state"] == "done"
    assert set(Subscription.objects.values_list("state", "active_on")) == {("active", TODAY)}

    plan = client.get("/api/v1/boards/41211/waves/").json()
    assert plan == [
        {
            "id": wave["id"],
            "name": "Golf 1",
            "date": SOON,
            "state": "done",
            "locations": ["16AH00"],
            "location_count": 1,
            "migrated_percent": "50.0",  # 1 of the board's 2 locations
        }
    ]
    again = post(client, f"/api/v1/waves/{wave['id']}/complete/")
    assert again.status_code == 409
    assert again.json() == {"detail": ["The wave Golf 1 is done."]}


def test_a_wave_of_someone_elses_location_is_refused(contact_client, membership, outsider_board):
    LocationFactory(board=outsider_board, code="99ZZ00", school__brin="99ZZ")

    response = post(
        contact_client,
        "/api/v1/boards/41211/waves/",
        {"name": "Golf 1", "date": SOON, "locations": ["99ZZ00"]},
    )

    assert response.status_code == 400
    assert response.json() == {"detail": ["Not locations of board 41211: 99ZZ00."]}
    assert not MigrationWave.objects.exists()


# -- outsiders -----------------------------------------------------------------------------


def test_an_outsider_gets_nothing_of_another_board(client, outsider, contact_client, taken):
    wave = post(
        contact_client,
        "/api/v1/boards/41211/waves/",
        {"name": "Golf 1", "date": SOON, "locations": ["16AH00"]},
    ).json()
    client.force_login(outsider)
    before = stored()
    sid, wid = taken["security"], wave["id"]

    for board in ("41211", "99999"):  # an existing board answers as a made-up one
        for url in ("subscriptions/", "costs/", "costs/?year=2025", "waves/"):
            response = client.get(f"/api/v1/boards/{board}/{url}")
            assert response.status_code == 404, url
            assert response.json() == {"detail": f"No board with DUO number {board}."}
        assert post(client, f"/api/v1/boards/{board}/orders/", {"lines": []}).status_code == 404
        wave_in = {"name": "Mine", "date": SOON, "locations": ["16AH00"]}
        assert post(client, f"/api/v1/boards/{board}/waves/", wave_in).status_code == 404

    for guess in (sid, taken["connectivity"], sid + 1000):
        assert client.get(f"/api/v1/subscriptions/{guess}/").status_code == 404
        terminate = post(client, f"/api/v1/subscriptions/{guess}/terminate/", {"date": LATER})
        assert terminate.status_code == 404
        change = {"capacity": "1g", "date": LATER}
        assert post(client, f"/api/v1/subscriptions/{guess}/capacity/", change).status_code == 404
    for guess in (wid, wid + 1000):
        assert client.get(f"/api/v1/waves/{guess}/").status_code == 404
        assert post(client, f"/api/v1/waves/{guess}/start/").status_code == 404
        assert post(client, f"/api/v1/waves/{guess}/complete/").status_code == 404
    assert client.get("/api/v1/subscriptions/").json()["results"] == []
    assert stored() == before


def test_anonymous_is_refused(taken):
    client = Client()
    assert client.get("/api/v1/boards/41211/subscriptions/").status_code == 403
    assert client.get("/api/v1/boards/41211/costs/").status_code == 403
    assert post(client, ORDERS, {"lines": []}).status_code == 403
    assert client.get(f"/api/v1/subscriptions/{taken['security']}/").status_code == 403


def test_staff_see_every_board(client, staff, taken):
    client.force_login(staff)

    assert client.get("/api/v1/boards/41211/subscriptions/").json()["count"] == 2
    assert client.get("/api/v1/subscriptions/").json()["count"] == 2


def test_a_subscription_reads_as_drfs_generic_serializer_writes_it(board, staff, membership, today):
    """`SubscriptionSerializer.to_representation` reads the row straight: it must give
    what DRF's walk over the declared fields gives, for every kind of row (dates set and
    not, a wave, capacity changes, both languages)."""
    subs = order_many(board, staff, 6, start=date(2025, 3, 1))
    services.subscription_change_capacity(
        subscription=subs[1], capacity="10g", on=date(2025, 6, 1), by=staff
    )
    services.subscription_change_capacity(
        subscription=subs[1], capacity="1g", on=date(2025, 9, 1), by=staff
    )
    services.subscription_terminate(subscription=subs[2], on=date(2026, 3, 1), by=staff)
    wave = services.wave_create(
        board=board, name="Golf 1", on=today, locations=[subs[0].location.code], by=staff
    )
    services.wave_start(wave=wave, by=staff)
    services.wave_complete(wave=wave, by=staff, on=today)
    rows = list(_subscriptions(staff).filter(board=board))  # every column, every relation
    assert {s.wave_id for s in rows} > {None} and any(s.ends_on for s in rows)

    serializer = SubscriptionSerializer()
    for language in ("nl", "en"):
        with translation.override(language):
            for row in rows:
                fast = serializer.to_representation(row)
                generic = ModelSerializer.to_representation(serializer, row)
                assert list(fast) == list(SubscriptionSerializer.Meta.fields)
                assert json.dumps(fast) == json.dumps(generic)


# -- query counts --------------------------------------------------------------------------


@pytest.mark.parametrize("rows", [2, 50])
def test_subscriptions_list_queries_do_not_grow(
    contact_client, board, staff, membership, rows, django_assert_num_queries
):
    subs = order_many(board, staff, rows, start=date(2025, 3, 1))
    services.subscription_change_capacity(
        subscription=subs[1], capacity="10g", on=date(2025, 6, 1), by=staff
    )

    # user with board (the session comes from the cache), count, page, capacity changes
    with django_assert_num_queries(4):
        response = contact_client.get("/api/v1/boards/41211/subscriptions/?page_size=100")
    # Then the page comes from the cache: only the user.
    with django_assert_num_queries(1):
        again = contact_client.get("/api/v1/boards/41211/subscriptions/?page_size=100")

    assert len(response.json()["results"]) == rows
    assert again.json() == response.json()


@pytest.mark.parametrize("rows", [2, 50])
def test_all_subscriptions_queries_do_not_grow(
    client, board, staff, membership, rows, django_assert_num_queries
):
    order_many(board, staff, rows, start=date(2025, 3, 1))
    client.force_login(staff)

    # user (the session comes from the cache), count, page, capacity changes
    with django_assert_num_queries(4):
        response = client.get("/api/v1/subscriptions/?page_size=100")

    assert [s["board"] for s in response.json()["results"]] == ["41211"] * rows


@pytest.mark.parametrize("rows", [2, 50])
def test_costs_queries_do_not_grow(
    contact_client, board, staff, membership, rows, django_assert_num_queries
):
    subs = order_many(board, staff, rows, start=date(2025, 3, 1))
    services.subscription_change_capacity(
        subscription=subs[1], capacity="10g", on=date(2025, 6, 1), by=staff
    )

    # user with board (the session comes from the cache), membership, pupils (the board's
    # summary), subscriptions, changes
    with django_assert_num_queries(5):
        response = contact_client.get("/api/v1/boards/41211/costs/?year=2025")

    assert len(response.json()["lines"]) == rows
