"""The staff pages: the list (with exports), a new tender, a tender's page with its next
steps and changes, and the edit form. Anyone but staff gets a 403."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from bundel.audit.models import AuditEntry
from bundel.tenders import services
from bundel.tenders.constants import TenderState
from bundel.tenders.models import Tender

from .factories import at_noon, make_tender, product_group


def text(response) -> str:
    return response.content.decode()


def form_data(**overrides) -> dict[str, str]:
    notice = timezone.localdate() + timedelta(days=1)
    data = {
        "title": "Wifi en intern netwerk",
        "description": "",
        "procedure": "open",
        "estimated_value": "1200000",
        "notice_date": notice.isoformat(),
        "requests_deadline": "",
        "invitation_date": "",
        "closing_at": f"{(notice + timedelta(days=45)).isoformat()}T12:00",
        "electronic": "on",
        "documents_online": "on",
        "award_method": "points",
        "price_weight": "40",
        "product_groups": [str(product_group("network").pk)],
        "lot_0_number": "1",
        "lot_0_title": "Primair onderwijs",
        "lot_1_number": "2",
        "lot_1_title": "Voortgezet onderwijs",
        "criterion_0_name": "Plan van aanpak",
        "criterion_0_weight": "35",
        "criterion_0_scale_max": "10",
        "criterion_1_name": "Duurzaamheid",
        "criterion_1_weight": "25",
        "criterion_1_scale_max": "5",
    }
    return {**data, **overrides}


# --- who may see the pages ----------------------------------------------------------


@pytest.mark.parametrize("who", ["contact_client", "outsider_client", "supplier_client"])
def test_only_staff_see_the_tender_pages(request, who, staff):
    tender = make_tender(by=staff)
    client = request.getfixturevalue(who)
    for url in (
        "/tenders/",
        "/tenders/nieuw/",
        f"/tenders/{tender.pk}/",
        f"/tenders/{tender.pk}/wijzigen/",
    ):
        response = client.get(url)
        assert response.status_code == 403, url
        assert tender.title not in text(response)


def test_a_contact_cannot_publish_by_posting(contact_client, staff):
    tender = make_tender(by=staff)
    services.tender_open_demand(tender=tender, by=staff)
    response = contact_client.post(f"/tenders/{tender.pk}/", {"action": "published"})
    assert response.status_code == 403
    assert Tender.objects.get(pk=tender.pk).state == TenderState.DEMAND_REGISTRATION


# --- the list -----------------------------------------------------------------------


def test_the_list_shows_tenders_with_their_figures(staff_client, staff):
    make_tender(by=staff, title="Externe connectiviteit 2027")
    small = make_tender(
        by=staff,
        title="Kleine opdracht",
        procedure="multiple_private",
        estimated_value="80000",
        lots=[],
    )
    services.tender_cancel(tender=small, by=staff, reason="Niet nodig.")

    html = text(staff_client.get("/tenders/"))

    assert "2 tenders" in html
    assert "€ 500,000.00" in html
    assert "Multiple private procedure (national)" in html
    assert "Cancelled" in html

    filtered = text(staff_client.get("/tenders/", {"state": "cancelled"}))
    assert "Kleine opdracht" in filtered
    assert "Externe connectiviteit 2027" not in filtered


def test_the_list_exports_csv(staff_client, staff):
    make_tender(by=staff, notice_date=date(2026, 12, 1), closing_at=at_noon(date(2027, 1, 20)))

    response = staff_client.get("/tenders/", {"format": "csv"})

    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0] == (
        "Tender;Title;Product groups;Procedure;State;Estimated value (EUR);"
        "European procedure required;Notice date;Bids close at;Lots;Award method"
    )
    tender = Tender.objects.get()
    assert lines[1] == (
        f"{tender.pk};Externe connectiviteit 2027;Group connectivity;Open procedure;Draft;"
        "500000.00;yes;2026-12-01;2027-01-20 12:00;2;Weighted points"
    )


@pytest.mark.parametrize("rows", [2, 50])
def test_the_list_costs_a_fixed_number_of_queries(
    staff_client, staff, rows, django_assert_max_num_queries
):
    for n in range(rows):
        make_tender(by=staff, title=f"Aanbesteding {n}")

    with django_assert_max_num_queries(5):
        response = staff_client.get("/tenders/")

    assert text(response).count('href="/tenders/') >= rows


# --- a new tender -------------------------------------------------------------------


def test_staff_create_a_tender_with_lots_and_criteria(staff_client, staff):
    response = staff_client.post("/tenders/nieuw/", form_data())

    tender = Tender.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/tenders/{tender.pk}/"
    assert [lot.title for lot in tender.lots.all()] == ["Primair onderwijs", "Voortgezet onderwijs"]
    assert [(c.name, c.weight) for c in tender.criteria.all()] == [
        ("Plan van aanpak", 35),
        ("Duurzaamheid", 25),
    ]
    assert AuditEntry.objects.get(action="tenders.tender.created").actor == staff


def test_a_closing_date_too_early_is_refused_with_the_earliest_date(staff_client):
    notice = timezone.localdate() + timedelta(days=1)
    data = form_data(closing_at=f"{(notice + timedelta(days=39)).isoformat()}T12:00")

    response = staff_client.post("/tenders/nieuw/", data)

    assert response.status_code == 200
    earliest = (notice + timedelta(days=40)).isoformat()
    assert f"the earliest allowed date is {earliest}." in text(response)
    assert not Tender.objects.exists()


def test_weights_that_do_not_add_up_are_refused(staff_client):
    response = staff_client.post("/tenders/nieuw/", form_data(price_weight="50"))

    assert "The weights must add up to 100: the price weight 50 and the criteria weights 60" in (
        text(response)
    )
    assert not Tender.objects.exists()


def test_missing_cells_are_named(staff_client):
    data = form_data(criterion_1_weight="", lot_1_number="")

    html = text(staff_client.post("/tenders/nieuw/", data))

    assert "Give the weight of Duurzaamheid." in html
    assert "Give the number of lot Voortgezet onderwijs." in html
    assert not Tender.objects.exists()


def test_the_form_shows_field_errors(staff_client):
    html = text(staff_client.post("/tenders/nieuw/", form_data(title="", product_groups=[])))
    assert html.count("This field is required.") == 2
    assert not Tender.objects.exists()


# --- a tender's page ----------------------------------------------------------------


def test_the_page_shows_the_law_the_lots_and_criteria(staff_client, staff):
    tender = make_tender(
        by=staff, notice_date=date(2026, 12, 1), closing_at=at_noon(date(2027, 1, 20))
    )

    html = text(staff_client.get(f"/tenders/{tender.pk}/"))

    assert "€ 216,000.00 · a European procedure is required" in html
    assert "at least 40 days: from 10-01-2027 (45 days, minus 5 for electronic submission)" in html
    assert "Zuid" in html and "Plan van aanpak" in html
    assert 'value="demand_registration"' in html
    assert 'value="cancelled"' in html
    assert 'value="published"' not in html
    assert "Changes" in html  # the audit trail


def test_staff_move_a_tender_and_see_the_refusal_of_a_rule(staff_client, staff):
    tender = make_tender(by=staff)
    url = f"/tenders/{tender.pk}/"

    assert staff_client.post(url, {"action": "demand_registration"}).status_code == 302
    assert staff_client.post(url, {"action": "published"}).status_code == 302
    tender.refresh_from_db()
    assert (tender.state, tender.published_on) == (TenderState.PUBLISHED, timezone.localdate())

    response = staff_client.post(url, {"action": "closed"})

    assert response.status_code == 200
    assert "the tender cannot be closed before then." in text(response)
    assert Tender.objects.get(pk=tender.pk).state == TenderState.PUBLISHED


def test_an_action_not_allowed_now_is_a_bad_request(staff_client, staff):
    tender = make_tender(by=staff)
    response = staff_client.post(f"/tenders/{tender.pk}/", {"action": "contracted"})
    assert response.status_code == 400
    assert Tender.objects.get(pk=tender.pk).state == TenderState.DRAFT


def test_cancelling_needs_a_reason(staff_client, staff):
    tender = make_tender(by=staff)
    url = f"/tenders/{tender.pk}/"

    response = staff_client.post(url, {"action": "cancelled", "cancelled-reason": ""})
    assert response.status_code == 200
    assert Tender.objects.get(pk=tender.pk).state == TenderState.DRAFT

    staff_client.post(url, {"action": "cancelled", "cancelled-reason": "Te weinig vraag."})
    assert "Te weinig vraag." in text(staff_client.get(url))
    assert Tender.objects.get(pk=tender.pk).state == TenderState.CANCELLED


def test_a_missing_tender_is_404(staff_client):
    assert staff_client.get("/tenders/999/").status_code == 404


# --- changing a tender --------------------------------------------------------------


def test_the_edit_form_opens_with_the_tender_and_saves_changes(staff_client, staff):
    tender = make_tender(by=staff)
    url = f"/tenders/{tender.pk}/wijzigen/"
    form = staff_client.get(url).context["form"]
    data = {
        name: form[name].value() if form[name].value() is not None else "" for name in form.fields
    }
    data["product_groups"] = [str(pk) for pk in data["product_groups"]]
    data["closing_at"] = timezone.localtime(tender.closing_at).strftime("%Y-%m-%dT%H:%M")
    for flag in ("electronic", "documents_online"):
        data[flag] = "on"
    data["lot_1_title"] = "Zuid-Nederland"

    response = staff_client.post(url, data)

    assert response.status_code == 302
    assert [lot.title for lot in tender.lots.all()] == ["Noord", "Zuid-Nederland"]
    entry = AuditEntry.objects.get(action="tenders.tender.updated")
    assert list(entry.changes) == ["lots"]


def test_a_published_tender_cannot_be_edited(staff_client, staff):
    tender = make_tender(by=staff)
    services.tender_open_demand(tender=tender, by=staff)
    services.tender_publish(tender=tender, by=staff, on=tender.notice_date)

    response = staff_client.get(f"/tenders/{tender.pk}/wijzigen/")

    assert response.status_code == 302
    assert response["Location"] == f"/tenders/{tender.pk}/"
