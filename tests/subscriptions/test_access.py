"""Every page of a board's services: an outsider (another board's contact) gets a 404,
also when posting; an anonymous visitor is sent to log in; nothing is stored."""

import pytest

from bundel.subscriptions.models import CapacityChange, MigrationWave, Order, Subscription

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def urls(connected) -> list[str]:
    subscription = connected[0]
    return [
        "/services/41211/",
        "/services/41211/order/",
        "/services/41211/costs/",
        "/services/41211/costs/?format=xlsx",
        "/services/41211/waves/new/",
        f"/services/41211/subscriptions/{subscription.pk}/",
    ]


def stored() -> tuple:
    return (
        Order.objects.count(),
        list(Subscription.objects.order_by("pk").values_list("state", "capacity_id", "ends_on")),
        MigrationWave.objects.count(),
        CapacityChange.objects.count(),
    )


def test_an_outsider_gets_404_everywhere(outsider_client, urls, first_location, today):
    before = stored()
    posts = [
        {"action": "terminate", "terminate-on": today.isoformat()},
        {"action": "change_capacity", "change_capacity-capacity": "10g"},
        {"action": "wave_create", "wave-name": "X", "wave-on": today.isoformat()},
        {"lines-TOTAL_FORMS": "1", "lines-INITIAL_FORMS": "0", "lines-0-product": "wifi:s"},
    ]

    for url in urls:
        assert outsider_client.get(url).status_code == 404, url
        for data in posts:
            assert outsider_client.post(url, data).status_code == 404, url

    assert stored() == before


def test_anonymous_is_sent_to_log_in_everywhere(client, urls):
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(
            "/accounts/login/"
        ), url


def test_the_boards_own_contact_sees_every_page(contact_client, urls):
    for url in urls:
        assert contact_client.get(url).status_code == 200, url


def test_an_unknown_board_is_not_found(staff_client, db):
    assert staff_client.get("/services/99999/").status_code == 404
