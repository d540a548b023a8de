"""Ordering through the order page: lines for several locations, the "requires" refusal
that stores nothing and the button that adds the required product; who may order."""

from datetime import date, timedelta

import pytest

from bundel.audit.models import AuditEntry
from bundel.subscriptions.models import Order, Subscription

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

URL = "/services/41211/order/"


def management(total: int = 3) -> dict:
    return {
        "lines-TOTAL_FORMS": str(total),
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "1000",
    }


def line(index: int, product: str, locations: list[str], start: date) -> dict:
    return {
        f"lines-{index}-product": product,
        f"lines-{index}-locations": locations,
        f"lines-{index}-start": start.isoformat(),
    }


def taken(board) -> list[tuple[str, str, str, str]]:
    return sorted(
        Subscription.objects.filter(board=board).values_list(
            "location__code", "product__code", "capacity__code", "state"
        )
    )


def test_the_form_offers_the_boards_locations_and_the_orderable_products(
    contact_client, member, first_location, second_location
):
    response = contact_client.get(URL)

    assert response.status_code == 200
    form = response.context["formset"].forms[0]
    assert [code for code, _label in form.fields["locations"].choices] == sorted(
        [first_location.code, second_location.code]
    )
    groups = dict(form.fields["product"].choices[1:])
    offered = {value for options in groups.values() for value, _label in options}
    assert {"connectivity:1g", "connectivity:100m", "security:standard", "wifi:m"} <= offered
    assert not {v for v in offered if v.split(":")[0] in {"telephony", "anti-spam"}}
    assert "1 Gbit/s (€ 480.00 per month)" in response.content.decode()
    assert len(response.context["formset"].forms) == 3


def test_contact_orders_connectivity_and_security_for_two_locations(
    contact_client, board, member, first_location, second_location, today
):
    start = today + timedelta(days=10)
    both = [first_location.code, second_location.code]
    data = {
        **management(),
        **line(0, "connectivity:1g", both, start),
        **line(1, "security:standard", both, start),
    }

    response = contact_client.post(URL, data)

    assert response.status_code == 302 and response["Location"] == "/services/41211/"
    assert taken(board) == sorted(
        (code, product, capacity, "requested")
        for code in both
        for product, capacity in (("connectivity", "1g"), ("security", "standard"))
    )
    assert Order.objects.count() == 1
    subscription = Subscription.objects.get(location=first_location, product__code="connectivity")
    assert (subscription.monthly_price, subscription.wished_start) == (480, start)
    assert AuditEntry.objects.filter(action="subscriptions.subscription.ordered").count() == 4
    page = contact_client.get("/services/41211/")
    assert "4 services ordered for 2 location(s)." in page.content.decode()


def test_requires_refusal_stores_nothing_and_offers_to_add_security(
    contact_client, board, member, first_location, second_location, today
):
    start = today + timedelta(days=10)
    data = {
        **management(),
        **line(0, "connectivity:1g", [first_location.code, second_location.code], start),
    }

    response = contact_client.post(URL, data)

    assert response.status_code == 200
    assert Subscription.objects.count() == 0 and Order.objects.count() == 0
    assert AuditEntry.objects.filter(action__startswith="subscriptions.").count() == 0
    html = response.content.decode()
    assert "requires Information security services at that location" in html
    offer = response.context["offer"]
    assert offer["product"].code == "security"
    assert offer["value"] == "security:standard:connectivity"
    assert 'name="add_required" value="security:standard:connectivity"' in html
    assert "Add Information security services" in html

    # The button re-submits the same order with security for every location needing it.
    added = contact_client.post(URL, {**data, "add_required": offer["value"]})

    assert added.status_code == 302
    assert taken(board) == sorted(
        (code, product, capacity, "requested")
        for code in (first_location.code, second_location.code)
        for product, capacity in (("connectivity", "1g"), ("security", "standard"))
    )
    assert Order.objects.count() == 1


def test_add_button_skips_locations_that_already_take_the_required_product(
    contact_client, board, member, first_location, second_location, today
):
    start = today + timedelta(days=10)
    contact_client.post(
        URL, {**management(), **line(0, "security:standard", [first_location.code], start)}
    )
    data = {
        **management(),
        **line(0, "connectivity:500m", [first_location.code, second_location.code], start),
    }

    refused = contact_client.post(URL, data)
    assert refused.context["refusal"] and second_location.code in refused.context["refusal"][0]
    added = contact_client.post(URL, {**data, "add_required": refused.context["offer"]["value"]})

    assert added.status_code == 302
    assert taken(board) == sorted(
        [
            (first_location.code, "connectivity", "500m", "requested"),
            (first_location.code, "security", "standard", "requested"),
            (second_location.code, "connectivity", "500m", "requested"),
            (second_location.code, "security", "standard", "requested"),
        ]
    )


def test_other_refusals_show_the_services_message_and_store_nothing(
    contact_client, board, member, first_location, today
):
    past = {**management(), **line(0, "wifi:m", [first_location.code], today - timedelta(1))}
    response = contact_client.post(URL, past)

    assert response.status_code == 200 and Subscription.objects.count() == 0
    assert "is in the past" in response.content.decode()
    assert response.context["offer"] is None


def test_a_line_needs_locations_and_an_empty_order_is_refused(
    contact_client, member, first_location, today
):
    empty = contact_client.post(URL, management())
    no_location = contact_client.post(
        URL, {**management(), "lines-0-product": "wifi:s", "lines-0-start": today.isoformat()}
    )

    assert "Choose a service and at least one location." in empty.content.decode()
    assert no_location.context["formset"].forms[0].errors["locations"]
    assert Subscription.objects.count() == 0


def test_staff_order_for_any_board(staff_client, board, member, first_location, today):
    response = staff_client.post(
        URL, {**management(), **line(0, "iaas:vm-m", [first_location.code], today)}
    )

    assert response.status_code == 302
    assert taken(board) == [(first_location.code, "iaas", "vm-m", "requested")]


def test_a_non_member_is_told_why_it_cannot_order_and_posting_stores_nothing(
    contact_client, board, catalogue, first_location, today
):
    page = contact_client.get(URL)
    posted = contact_client.post(
        URL, {**management(), **line(0, "wifi:m", [first_location.code], today)}
    )

    html = page.content.decode()
    assert "Only members order services, and board 41211 is not a member." in html
    assert 'name="lines-TOTAL_FORMS"' not in html
    assert 'href="/membership/"' in html
    assert posted.status_code == 200 and Subscription.objects.count() == 0


def test_an_interested_board_is_told_its_state(contact_client, board, staff, catalogue):
    from bundel.membership.services import membership_start

    membership_start(board=board, kind="interest", by=staff)

    html = contact_client.get(URL).content.decode()

    assert "the membership of board 41211 is interested" in html


def test_outsider_gets_404_and_cannot_post(outsider_client, board, member, first_location, today):
    data = {**management(), **line(0, "wifi:m", [first_location.code], today)}

    assert outsider_client.get(URL).status_code == 404
    assert outsider_client.post(URL, data).status_code == 404
    assert Subscription.objects.count() == 0


def test_anonymous_is_sent_to_log_in(client, board):
    response = client.get(URL)

    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_a_council_member_reads_but_does_not_order(client, board, member):
    from ..factories import UserFactory

    client.force_login(UserFactory(board=board, role="council_member", username="raad"))

    assert client.get("/services/41211/").status_code == 200
    assert client.get(URL).status_code == 403
