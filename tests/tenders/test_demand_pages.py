"""The boards' pages: the tenders open for demand, a board's demand form (refusals on the
form), the bundled demand page with its exports and the anonymised PDF; outsiders get
nothing; bounded queries."""

import io
from datetime import timedelta

import pytest
from django.template.loader import render_to_string
from django.utils import timezone
from openpyxl import load_workbook

from bundel.audit.models import AuditEntry
from bundel.tenders import services
from bundel.tenders.models import DemandLine, Participation, Tender

from .factories import demand_tender, make_member, place
from .test_demand_api import many


def text(response) -> str:
    return response.content.decode()


def form_url(tender, duo="41211") -> str:
    return f"/tenders/{tender.pk}/deelname/{duo}/"


def demand_url(tender) -> str:
    return f"/tenders/{tender.pk}/vraag/"


def management(lot: int, total: int, initial: int = 0) -> dict[str, str]:
    return {
        f"lot{lot}-TOTAL_FORMS": str(total),
        f"lot{lot}-INITIAL_FORMS": str(initial),
        f"lot{lot}-MIN_NUM_FORMS": "0",
        f"lot{lot}-MAX_NUM_FORMS": "1000",
    }


START = (timezone.localdate() + timedelta(days=200)).isoformat()


def rows(lot: int, *rows: tuple[str, list[str]], extra: int = 0) -> dict:
    data = management(lot, len(rows) + extra)
    for i, (product, locations) in enumerate(rows):
        data[f"lot{lot}-{i}-product"] = product
        data[f"lot{lot}-{i}-locations"] = locations
        data[f"lot{lot}-{i}-start"] = START
    for i in range(len(rows), len(rows) + extra):
        data[f"lot{lot}-{i}-start"] = START
    return data


@pytest.fixture
def locations(member_board):
    return [
        place(member_board, "02FY00", pupils=100),
        place(member_board, "02FY01", pupils=300, sector="vo", province="Noord-Brabant"),
    ]


# --- the board's tenders --------------------------------------------------------------


def test_a_member_contact_sees_the_tenders_open_for_demand(contact_client, tender, locations):
    response = contact_client.get("/tenders/deelname/")
    assert response.status_code == 200
    page = text(response)
    assert tender.title in page
    assert form_url(tender) in page
    assert "Register your demand" in page


def test_a_board_that_is_not_a_member_sees_no_open_tender(contact_client, staff, board):
    tender = demand_tender(by=staff)
    page = text(contact_client.get("/tenders/deelname/"))
    assert tender.title not in page
    assert "Only members take part in tenders, and board 41211 is not a member." in page


# --- the demand form ------------------------------------------------------------------


def test_the_form_shows_every_lot_with_the_boards_locations(contact_client, tender, locations):
    page = text(contact_client.get(form_url(tender)))
    assert "Lot 1: Noord" in page and "Lot 2: Zuid" in page
    assert 'value="02FY00"' in page and 'value="02FY01"' in page
    assert 'value="connectivity:1g"' in page and 'value="anti-spam:standard"' in page
    assert 'value="wifi:m"' not in page  # not in this tender's product groups


def test_a_contact_registers_its_demand_on_the_page(contact_client, tender, locations):
    data = {
        **rows(
            1,
            ("connectivity:1g", ["02FY00", "02FY01"]),
            ("security:standard", ["02FY00", "02FY01"]),
            extra=1,
        ),
        **rows(2, ("anti-spam:standard", ["02FY01"]), extra=1),
    }
    response = contact_client.post(form_url(tender), data)

    assert response.status_code == 302
    lines = DemandLine.objects.values_list("lot__number", "location__code", "product__code")
    assert sorted(lines) == [
        (1, "02FY00", "connectivity"),
        (1, "02FY00", "security"),
        (1, "02FY01", "connectivity"),
        (1, "02FY01", "security"),
        (2, "02FY01", "anti-spam"),
    ]
    page = text(contact_client.get(form_url(tender)))
    assert "The demand of" in page and "5 lines" in page
    # The stored demand comes back as rows of the form, per service and capacity.
    assert 'value="connectivity:1g" selected' in page


def test_a_refusal_is_shown_on_the_form_at_its_row(contact_client, tender, locations):
    data = {
        **rows(1, ("security:standard", ["02FY00"]), ("connectivity:1g", ["02FY01"])),
        **rows(2),
    }
    response = contact_client.post(form_url(tender), data)

    assert response.status_code == 200
    page = text(response)
    message = "Line 2: External connectivity (network and internet access) at 02FY01"
    assert page.count(message) == 2  # on top and at the row
    assert 'id="lot-1-row-2"' in page
    row = page.split('id="lot-1-row-2"')[1].split("</fieldset>")[0]
    assert message in row
    assert Participation.objects.count() == 0


def test_clearing_a_row_removes_its_demand(
    contact_client, contact, member_board, tender, locations
):
    start = timezone.localdate() + timedelta(days=200)
    services.participation_register(
        tender=tender,
        board=member_board,
        lines=[
            services.DemandLineInput(1, "02FY00", "connectivity", "1g", start),
            services.DemandLineInput(1, "02FY00", "security", None, start),
            services.DemandLineInput(2, "02FY01", "anti-spam", None, start),
        ],
        by=contact,
    )
    data = {
        **rows(1, ("connectivity:1g", ["02FY00"]), ("security:standard", ["02FY00"])),
        **rows(2, ("", [])),
    }
    assert contact_client.post(form_url(tender), data).status_code == 302
    assert not DemandLine.objects.filter(product__code="anti-spam").exists()
    entry = AuditEntry.objects.get(action="tenders.participation.updated")
    assert list(entry.changes) == ["lot 2 · 02FY01 · anti-spam"]


def test_after_the_deadline_the_page_says_so_and_takes_nothing(contact_client, tender, locations):
    yesterday = timezone.localdate() - timedelta(days=1)
    Tender.objects.filter(pk=tender.pk).update(demand_deadline=yesterday)
    page = text(contact_client.get(form_url(tender)))
    assert f"closed at the end of {yesterday.isoformat()}" in page
    assert "Save the demand" not in page
    response = contact_client.post(form_url(tender), rows(1, ("anti-spam:standard", ["02FY00"])))
    assert response.status_code == 200
    assert Participation.objects.count() == 0


def test_a_board_that_is_not_a_member_gets_no_form(client, staff, board):
    tender = demand_tender(by=staff)
    client.force_login(staff)
    page = text(client.get(form_url(tender)))
    assert "Only members take part in tenders, and board 41211 is not a member." in page
    assert "Save the demand" not in page


def test_another_boards_contact_gets_403(outsider_client, outsider, tender, locations):
    make_member(outsider.board)
    assert outsider_client.get(form_url(tender)).status_code == 403
    assert outsider_client.post(form_url(tender), rows(1)).status_code == 403


def test_a_supplier_gets_nothing(supplier_client, tender, locations):
    assert supplier_client.get(form_url(tender)).status_code == 403
    assert supplier_client.get(demand_url(tender)).status_code == 404
    assert supplier_client.get(demand_url(tender) + "pdf/").status_code == 404
    assert supplier_client.get("/tenders/deelname/").status_code == 403


def test_anonymous_is_sent_to_log_in(client, tender, locations):
    for url in (form_url(tender), demand_url(tender), demand_url(tender) + "pdf/"):
        response = client.get(url)
        assert (response.status_code, response.url.split("?")[0]) == (302, "/accounts/login/")


def test_staff_see_the_audit_trail_of_a_boards_demand(staff_client, example, tender):
    page = text(staff_client.get(form_url(tender)))
    assert "lot 1 · 02FY00 · connectivity" in page


# --- the bundled demand page ----------------------------------------------------------


def test_the_demand_page_shows_the_example(contact_client, example, tender):
    response = contact_client.get(demand_url(tender))
    assert response.status_code == 200
    page = text(response)
    assert "€ 18,060.00 a year" in page  # lot 1
    assert "3 locations of 2 boards, 450 pupils" in page
    assert "not yet: 499 more locations needed" in page  # anti-spam: 1 of 500
    assert '<svg class="chart"' in page
    assert "Boards taking part" not in page  # staff only
    assert "Stichting Tweede Bestuur" not in page


def test_staff_see_who_takes_part(staff_client, example, tender):
    page = text(staff_client.get(demand_url(tender)))
    assert "Boards taking part" in page
    assert "30000 Stichting Tweede Bestuur" in page


def test_a_member_that_does_not_take_part_gets_403(outsider_client, outsider, example, tender):
    make_member(outsider.board)
    assert outsider_client.get(demand_url(tender)).status_code == 403
    assert outsider_client.get(demand_url(tender) + "pdf/").status_code == 403


def test_the_csv_export(staff_client, example, tender):
    response = staff_client.get(demand_url(tender) + "?format=csv")
    assert response["Content-Type"].startswith("text/csv")
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].split(";")[:3] == ["Lot", "Lot title", "Product"]
    assert (
        "1;Noord;External connectivity (network and internet access);connectivity;"
        "1 Gbit/s;1g;Utrecht;2;2;150;11520.00" in lines
    )
    assert len(lines) == 1 + 9


def test_the_xlsx_export(staff_client, example, tender):
    response = staff_client.get(demand_url(tender) + "?format=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert len(values) == 1 + 9
    assert values[-1][2:] == (
        "Anti-spam",
        "anti-spam",
        "Standaard",
        "standard",
        "Utrecht",
        1,
        1,
        100,
        180,
    )


def test_the_pdf_for_the_market_names_no_board(staff_client, example, tender):
    response = staff_client.get(demand_url(tender) + "pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")

    from bundel.tenders.bundling import bundled_demand

    html = render_to_string(
        "tenders/demand_pdf.html",
        {"tender": tender, "demand": bundled_demand(tender), "today": timezone.localdate()},
    )
    assert "Lot 1: Noord" in html and "11,520.00" in html
    for secret in ("41211", "30000", "Stichting", "02FY00", "30AB01", "Toets"):
        assert secret not in html


@pytest.mark.parametrize("rows_", [2, 50])
def test_the_demand_page_takes_a_fixed_number_of_queries(
    rows_, staff_client, staff, django_assert_max_num_queries
):
    tender = many(staff, rows_)
    with django_assert_max_num_queries(19):
        response = staff_client.get(demand_url(tender))
    assert response.status_code == 200


@pytest.mark.parametrize("rows_", [2, 50])
def test_the_board_tenders_page_takes_a_fixed_number_of_queries(
    rows_, contact_client, staff, member_board, django_assert_max_num_queries
):
    for n in range(rows_):
        demand_tender(by=staff, title=f"Aanbesteding {n}")
    with django_assert_max_num_queries(7):
        response = contact_client.get("/tenders/deelname/")
    assert text(response).count("Register your demand") == rows_


# --- the admin: to read ---------------------------------------------------------------


def test_staff_read_a_boards_demand_in_the_admin(staff_client, example, tender):
    participation = Participation.objects.get(board__duo_number="30000")
    listing = staff_client.get("/admin/tenders/participation/")
    assert listing.status_code == 200 and "Stichting Tweede Bestuur" in text(listing)
    page = staff_client.get(f"/admin/tenders/participation/{participation.pk}/change/")
    assert page.status_code == 200
    assert "30AB01" in text(page)
    assert 'name="_save"' not in text(page)  # read only
    assert staff_client.get("/admin/tenders/participation/add/").status_code == 403
    response = staff_client.post(f"/admin/tenders/participation/{participation.pk}/delete/")
    assert response.status_code == 403
    assert Participation.objects.count() == 2


def test_a_board_contact_has_no_admin(contact_client, example):
    response = contact_client.get("/admin/tenders/participation/")
    assert response.status_code == 302
