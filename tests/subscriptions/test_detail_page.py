"""One subscription's page: its facts and history (capacity changes; the audit trail for
staff), and its actions, terminate and change capacity, through the services."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client

from bundel.audit.models import AuditEntry
from bundel.subscriptions.models import CapacityChange, Subscription

from ..factories import BoardFactory, LocationFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def connectivity(connected, first_location) -> Subscription:
    return Subscription.objects.get(location=first_location, product__code="connectivity")


@pytest.fixture
def security(connected, first_location) -> Subscription:
    return Subscription.objects.get(location=first_location, product__code="security")


def url(subscription: Subscription) -> str:
    return f"/services/41211/subscriptions/{subscription.pk}/"


def test_the_page_shows_the_facts_and_the_actions(contact_client, connectivity, next_year):
    response = contact_client.get(url(connectivity))

    assert response.status_code == 200
    html = response.content.decode()
    assert "1 Gbit/s" in html and "€ 480.00" in html and "€ 501.60" in html
    assert "36 months" in html and f"01-01-{next_year}" in html
    assert "Ordered (order" in html and "by Test Gebruiker" in html
    assert [name for name, _form in response.context["actions"]] == [
        "change_capacity",
        "terminate",
    ]
    choices = dict(response.context["actions"][0][1].fields["capacity"].choices)
    assert set(choices) == {"100m", "500m", "10g"}  # not the current one
    assert response.context["audit"].count() == 0  # the audit trail is for staff


def test_a_single_capacity_product_offers_no_capacity_change(contact_client, security):
    response = contact_client.get(url(security))

    assert [name for name, _form in response.context["actions"]] == ["terminate"]


def test_contact_changes_the_capacity(contact_client, connectivity, today):
    on = today + timedelta(days=20)

    response = contact_client.post(
        url(connectivity),
        {"action": "change_capacity", "change_capacity-capacity": "10g", "change_capacity-on": on},
    )

    assert response.status_code == 302 and response["Location"] == url(connectivity)
    connectivity.refresh_from_db()
    assert (connectivity.capacity.code, connectivity.monthly_price) == ("10g", Decimal("1250.00"))
    change = CapacityChange.objects.get()
    assert (change.date, change.old_capacity.code, change.new_capacity.code) == (on, "1g", "10g")
    assert (change.old_price, change.new_price) == (Decimal("480.00"), Decimal("1250.00"))
    page = contact_client.get(url(connectivity)).content.decode()
    assert "Capacity 1 Gbit/s → 10 Gbit/s (€ 480.00 → € 1,250.00 per month)" in page
    assert "The capacity is changed to 10 Gbit/s from" in page


def test_staff_see_the_audit_trail(staff, connectivity, contact_client, today):
    contact_client.post(
        url(connectivity),
        {
            "action": "change_capacity",
            "change_capacity-capacity": "500m",
            "change_capacity-on": today + timedelta(days=3),
        },
    )

    staff_client = Client()
    staff_client.force_login(staff)
    response = staff_client.get(url(connectivity))

    actions = [entry.action for entry in response.context["audit"]]
    assert sorted(actions) == [
        "subscriptions.subscription.capacity_changed",
        "subscriptions.subscription.ordered",
    ]
    assert "subscriptions.subscription.capacity_changed" in response.content.decode()


def test_contact_ends_connectivity(contact_client, connectivity, today):
    on = today + timedelta(days=60)

    response = contact_client.post(url(connectivity), {"action": "terminate", "terminate-on": on})

    assert response.status_code == 302
    connectivity.refresh_from_db()
    assert (connectivity.state, connectivity.ends_on) == ("terminating", on)
    assert AuditEntry.objects.filter(action="subscriptions.subscription.terminating").count() == 1
    page = contact_client.get(url(connectivity))
    assert page.context["actions"] == []
    assert "ends on" in page.content.decode()


def test_security_cannot_end_while_connectivity_requires_it(
    contact_client, security, connectivity, today
):
    response = contact_client.post(
        url(security), {"action": "terminate", "terminate-on": today + timedelta(days=60)}
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "cannot end while External connectivity" in html and "end External connectivity" in html
    security.refresh_from_db()
    assert (security.state, security.ends_on) == ("requested", None)
    assert not AuditEntry.objects.filter(action="subscriptions.subscription.terminating").exists()


def test_a_contact_cannot_end_in_the_past(contact_client, connectivity, today):
    response = contact_client.post(
        url(connectivity), {"action": "terminate", "terminate-on": today - timedelta(days=1)}
    )

    assert "cannot end in the past" in response.content.decode()
    connectivity.refresh_from_db()
    assert connectivity.state == "requested"


def test_outsider_gets_404_and_cannot_post(outsider_client, connectivity, today):
    data = {"action": "terminate", "terminate-on": today + timedelta(days=60)}

    assert outsider_client.get(url(connectivity)).status_code == 404
    assert outsider_client.post(url(connectivity), data).status_code == 404
    # Guessing: another board's subscription under the outsider's own board number.
    own = f"/services/10249/subscriptions/{connectivity.pk}/"
    assert outsider_client.get(own).status_code == 404
    assert outsider_client.post(own, data).status_code == 404
    connectivity.refresh_from_db()
    assert connectivity.state == "requested"


def test_a_subscription_under_another_boards_number_is_not_found(staff_client, connectivity):
    BoardFactory(duo_number="20000")
    LocationFactory()

    assert staff_client.get(f"/services/20000/subscriptions/{connectivity.pk}/").status_code == 404
    assert staff_client.get("/services/41211/subscriptions/999999/").status_code == 404


def test_a_council_member_reads_without_actions(client, board, connectivity, today):
    client.force_login(UserFactory(board=board, role="council_member", username="raad"))

    page = client.get(url(connectivity))
    posted = client.post(
        url(connectivity), {"action": "terminate", "terminate-on": today + timedelta(days=60)}
    )

    assert page.status_code == 200 and page.context["actions"] == []
    assert posted.status_code == 403
    connectivity.refresh_from_db()
    assert connectivity.state == "requested"
