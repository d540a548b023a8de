"""The open commitments of a leaving member, line by line on the staff's membership
page, above the settlement form."""

from datetime import date
from decimal import Decimal

import pytest
from django.test import Client

from bundel.membership import services as membership_services
from bundel.membership.dates import add_months

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def notice(connected, member, staff, today):
    return membership_services.membership_give_notice(
        membership=member, by=staff, notice_by="member", on=today
    )


def test_staff_see_the_lines_and_the_total(staff_client, notice, first_location, next_year):
    response = staff_client.get(f"/membership/{notice.pk}/")

    lines = response.context["settlement_lines"]
    term_end = add_months(date(next_year, 1, 1), 36)
    end = notice.ends_on
    months = (term_end.year - end.year) * 12 + term_end.month - end.month - (end.day > 1)
    assert [
        (line.subscription.product.code, line.min_term_ends, line.months, line.monthly_charge)
        for line in lines
    ] == [
        ("connectivity", term_end, months, Decimal("501.60")),
        ("security", term_end, months, Decimal("78.75")),
    ] * 2
    expected = months * 2 * (Decimal("501.60") + Decimal("78.75"))
    assert response.context["settlement_total"] == expected
    html = response.content.decode()
    assert "Open commitments" in html and term_end.strftime("%d-%m-%Y") in html
    assert html.index("Open commitments") < html.index('id="action-settlement"')


def test_not_shown_while_a_member(staff_client, connected, member):
    response = staff_client.get(f"/membership/{member.pk}/")

    assert "settlement_lines" not in response.context
    assert "Open commitments" not in response.content.decode()


def test_not_shown_to_the_boards_contact(contact, notice):
    client = Client()
    client.force_login(contact)

    response = client.get(f"/membership/{notice.pk}/")

    assert response.status_code == 200 and "settlement_lines" not in response.context
