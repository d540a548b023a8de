"""Tenders in the admin go through the services: the law and the weights refuse on the
form, every save is audited, nothing published changes and nothing is deleted."""

from datetime import date, timedelta

from bundel.audit.models import AuditEntry
from bundel.tenders import services
from bundel.tenders.models import Tender

from .factories import make_tender, product_group

URL = "/admin/tenders/tender/"


def management(prefix: str, total: int) -> dict[str, str]:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(total),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def admin_data(*, lots: int = 0, criteria: int = 0, **overrides) -> dict:
    data = {
        "title": "Cloudserverinfrastructuur",
        "description": "",
        "product_groups": [str(product_group("iaas").pk)],
        "procedure": "open",
        "estimated_value": "300000.00",
        "notice_date": "2026-12-01",
        "requests_deadline": "",
        "invitation_date": "",
        "closing_at_0": "2027-01-15",
        "closing_at_1": "12:00:00",
        "electronic": "on",
        "documents_online": "on",
        "award_method": "points",
        "price_weight": "100",
        **management("lots", lots),
        **management("criteria", criteria),
    }
    return {**data, **overrides}


def test_staff_add_a_tender_through_the_service(staff_client, staff):
    response = staff_client.post(f"{URL}add/", admin_data())

    assert response.status_code == 302
    tender = Tender.objects.get()
    assert (tender.title, tender.price_weight) == ("Cloudserverinfrastructuur", 100)
    assert [g.code for g in tender.product_groups.all()] == ["iaas"]
    entry = AuditEntry.objects.get(action="tenders.tender.created")
    assert (entry.actor, entry.data["product_groups"]) == (staff, ["iaas"])


def test_the_admin_refuses_a_timeline_that_breaks_the_law(staff_client):
    # 1 December + 40 days (electronic) = 10 January: the 9th is one day short.
    response = staff_client.post(f"{URL}add/", admin_data(closing_at_0="2027-01-09"))

    assert response.status_code == 200
    assert "the earliest allowed date is 2027-01-10." in response.content.decode()
    assert not Tender.objects.exists()


def test_the_admin_refuses_weights_that_do_not_add_up(staff_client, staff):
    tender = make_tender(by=staff)  # price 60, one criterion 40

    response = staff_client.post(
        f"{URL}{tender.pk}/change/", admin_data(price_weight="70", lots=2, criteria=1)
    )

    assert response.status_code == 200
    assert "The weights must add up to 100" in response.content.decode()
    tender.refresh_from_db()
    assert (tender.title, tender.price_weight) == ("Externe connectiviteit 2027", 60)


def test_staff_change_a_draft_and_it_is_audited(staff_client, staff):
    tender = make_tender(by=staff)

    response = staff_client.post(
        f"{URL}{tender.pk}/change/",
        admin_data(price_weight="60", estimated_value="450000.00", lots=2, criteria=1),
    )

    assert response.status_code == 302
    tender.refresh_from_db()
    assert tender.estimated_value == 450000
    assert [lot.number for lot in tender.lots.all()] == [1, 2]  # the inlines are kept
    entry = AuditEntry.objects.get(action="tenders.tender.updated")
    assert entry.changes["estimated_value"] == ["500000.00", "450000.00"]
    assert entry.changes["product_groups"] == [["connectivity"], ["iaas"]]


def test_a_published_tender_is_read_only_in_the_admin(staff_client, staff):
    tender = make_tender(by=staff)
    services.tender_open_demand(tender=tender, by=staff)
    services.tender_publish(tender=tender, by=staff, on=tender.notice_date)

    page = staff_client.get(f"{URL}{tender.pk}/change/")
    response = staff_client.post(
        f"{URL}{tender.pk}/change/",
        admin_data(title="Gewijzigd", price_weight="60", lots=2, criteria=1),
    )

    assert page.status_code == 200
    assert 'name="title"' not in page.content.decode()
    assert response.status_code == 403
    assert Tender.objects.get(pk=tender.pk).title == "Externe connectiviteit 2027"


def test_tenders_are_not_deleted(staff_client, staff):
    tender = make_tender(by=staff)

    response = staff_client.post(f"{URL}{tender.pk}/delete/", {"post": "yes"})

    assert response.status_code == 403
    assert Tender.objects.filter(pk=tender.pk).exists()


def test_the_list_shows_tenders(staff_client, staff):
    make_tender(by=staff, notice_date=date.today() + timedelta(days=2))
    assert "Externe connectiviteit 2027" in staff_client.get(URL).content.decode()


def test_board_contacts_have_no_admin(contact_client, staff):
    make_tender(by=staff)
    response = contact_client.get(URL)
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
