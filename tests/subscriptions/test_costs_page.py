"""A board's costs in a year: fee, services and total, per location and per product, the
lines and their CSV/XLSX export; bounded queries; outsiders get nothing."""

import csv
import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from bundel.subscriptions import services
from bundel.subscriptions.services import OrderLine

from ..factories import LocationFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

URL = "/services/41211/costs/"

CONNECTIVITY = Decimal("6019.20")  # 12 x 480.00 x 1.045
SECURITY = Decimal("945.00")  # 12 x 75.00 x 1.05


def test_a_full_year_of_two_locations(
    contact_client, connected, first_location, second_location, next_year
):
    response = contact_client.get(f"{URL}?year={next_year}")

    assert response.status_code == 200
    costs = response.context["costs"]
    services_total = 2 * (CONNECTIVITY + SECURITY)
    assert (costs.year, costs.fee, costs.services, costs.total) == (
        next_year,
        Decimal("1000"),
        services_total,
        Decimal("1000") + services_total,
    )
    assert [(loc.code, amount) for loc, amount in response.context["by_location"]] == sorted(
        [
            (first_location.code, CONNECTIVITY + SECURITY),
            (second_location.code, CONNECTIVITY + SECURITY),
        ]
    )
    assert [(p.code, amount) for p, amount in response.context["by_product"]] == [
        ("connectivity", 2 * CONNECTIVITY),
        ("security", 2 * SECURITY),
    ]
    assert [(line.months, line.amount) for line in costs.lines] == [
        (12, CONNECTIVITY),
        (12, SECURITY),
    ] * 2
    html = response.content.decode()
    assert "€ 14,928.40" in html and "€ 13,928.40" in html and "€ 1,000.00" in html
    assert "€ 6,964.20" in html  # one location


def test_this_year_before_the_services_start_is_the_fee_only(contact_client, connected, today):
    response = contact_client.get(URL)

    costs = response.context["costs"]
    assert (costs.year, costs.services, costs.total) == (today.year, 0, Decimal("1000"))
    assert f"No services run in {today.year}." in response.content.decode()


def test_a_capacity_change_counts_from_its_month(
    contact_client, connected, first_location, next_year, staff
):
    connectivity = next(
        s for s in connected if s.location == first_location and s.product.code == "connectivity"
    )
    services.subscription_change_capacity(
        subscription=connectivity, capacity="10g", on=date(next_year, 7, 1), by=staff
    )

    costs = contact_client.get(f"{URL}?year={next_year}").context["costs"]

    line = next(line for line in costs.lines if line.subscription.pk == connectivity.pk)
    assert line.amount == (6 * Decimal("480.00") + 6 * Decimal("1250.00")) * Decimal("1.045")


def test_a_bad_year_falls_back_to_this_year(contact_client, member, today):
    assert contact_client.get(f"{URL}?year=abc").context["year"] == today.year
    assert contact_client.get(f"{URL}?year=99999").context["year"] == today.year


def test_csv_and_xlsx_export_the_lines(
    contact_client, connected, first_location, second_location, next_year
):
    csv_response = contact_client.get(f"{URL}?year={next_year}&format=csv")
    xlsx_response = contact_client.get(f"{URL}?year={next_year}&format=xlsx")

    assert csv_response["Content-Disposition"] == (
        f'attachment; filename="kosten-41211-{next_year}.csv"'
    )
    rows = list(csv.reader(io.StringIO(csv_response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][0] == "Location code" and rows[0][-1] == "Amount (EUR)"
    codes = sorted([first_location.code, second_location.code])
    assert [row[0] for row in rows[1:]] == [codes[0], codes[0], codes[1], codes[1]]
    assert [row[-2:] for row in rows[1:3]] == [["12", "6019.20"], ["12", "945.00"]]
    sheet = load_workbook(io.BytesIO(xlsx_response.content)).active
    values = list(sheet.values)
    assert (
        len(values) == 5 and values[1][2] == "External connectivity (network and internet access)"
    )
    assert sum(Decimal(str(row[-1])) for row in values[1:]) == 2 * (CONNECTIVITY + SECURITY)


def test_outsider_gets_404(outsider_client, connected, next_year):
    assert outsider_client.get(f"{URL}?year={next_year}").status_code == 404
    assert outsider_client.get(f"{URL}?year={next_year}&format=csv").status_code == 404


def test_staff_see_any_boards_costs(staff_client, connected, next_year):
    costs = staff_client.get(f"{URL}?year={next_year}").context["costs"]

    assert costs.total == Decimal("1000") + 2 * (CONNECTIVITY + SECURITY)


@pytest.mark.parametrize("rows", [2, 50])
def test_costs_page_queries_do_not_grow(
    staff_client, board, member, staff, next_year, rows, django_assert_num_queries
):
    locations = [LocationFactory(board=board) for _ in range(rows // 2)]
    start = date(next_year, 1, 1)
    subscriptions = services.order_place(
        board=board,
        lines=[
            OrderLine(loc.code, product, capacity, start)
            for loc in locations
            for product, capacity in (("connectivity", "500m"), ("security", None))
        ],
        by=staff,
    )
    services.subscription_change_capacity(
        subscription=subscriptions[0], capacity="1g", on=start + timedelta(days=90), by=staff
    )

    # user (the session comes from the cache), board, membership years, pupils (the
    # board's summary), subscriptions, changes
    with django_assert_num_queries(6):
        response = staff_client.get(f"{URL}?year={next_year}")

    assert len(response.context["costs"].lines) == rows
