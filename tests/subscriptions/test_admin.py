"""The admin shows subscriptions, orders and waves read-only: orders go only through
`order_place`, so the catalogue's rules hold."""

import pytest

from bundel.subscriptions.models import MigrationWave, Order, Subscription

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def test_lists_with_filters(staff_client, connected, catalogue):
    every = staff_client.get("/admin/subscriptions/subscription/")
    security = staff_client.get(
        f"/admin/subscriptions/subscription/?product__id__exact={catalogue['security'].pk}"
    )
    by_state = staff_client.get("/admin/subscriptions/subscription/?state__exact=active")

    assert every.status_code == 200
    assert every.context["cl"].result_count == 4
    assert security.context["cl"].result_count == 2
    assert by_state.context["cl"].result_count == 0
    assert staff_client.get("/admin/subscriptions/order/").context["cl"].result_count == 1
    assert staff_client.get("/admin/subscriptions/migrationwave/").status_code == 200


def test_nothing_can_be_added_changed_or_deleted(staff_client, connected):
    subscription = connected[0]
    change_url = f"/admin/subscriptions/subscription/{subscription.pk}/change/"

    assert staff_client.get("/admin/subscriptions/subscription/add/").status_code == 403
    assert staff_client.get("/admin/subscriptions/order/add/").status_code == 403
    assert staff_client.get("/admin/subscriptions/migrationwave/add/").status_code == 403
    view = staff_client.get(change_url)
    assert view.status_code == 200 and not view.context["has_change_permission"]
    assert f"/services/41211/subscriptions/{subscription.pk}/" in view.content.decode()
    posted = staff_client.post(change_url, {"state": "ended"})
    assert posted.status_code == 403
    deleted = staff_client.post(
        f"/admin/subscriptions/subscription/{subscription.pk}/delete/", {"post": "yes"}
    )
    assert deleted.status_code == 403
    assert Subscription.objects.filter(state="requested").count() == 4
    assert Order.objects.count() == 1 and MigrationWave.objects.count() == 0


def test_board_contacts_have_no_admin(contact_client, connected):
    response = contact_client.get("/admin/subscriptions/subscription/")

    assert response.status_code == 302 and "/admin/login/" in response["Location"]
