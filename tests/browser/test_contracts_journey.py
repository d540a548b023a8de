"""A framework contract in real Chromium: the contact of a member board that does not take
part yet finds the running contract under Contracts, joins it, calls off at its rates and
sees the headroom go down; a call-off past the maximum is refused with what is left.

The pages are switched to English (the header's language switch), so the test reads the
message ids whether or not their Dutch translations exist yet.
"""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from bundel.catalogue.demo import load_catalogue

from ..contracts.factories import make_contract, member_board
from ..factories import StaffFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, username: str) -> None:
    page.get_by_role("link", name="Log in").click()
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Log in").click()


def test_a_member_joins_and_calls_off(live_server, page):
    load_catalogue()
    staff = StaffFactory(username="sanne")
    taking_part = member_board(staff, duo_number="30001")
    joining = member_board(staff, duo_number="30002", name="Stichting Samen Leren")
    UserFactory(board=joining, username="bram")
    contract = make_contract(by=staff, boards=[taking_part], maximum_value=Decimal("12000.00"))

    page.goto(f"{live_server.url}/")
    page.get_by_role("button", name="EN", exact=True).click()
    log_in(page, "bram")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Contracts").click()
    page.get_by_role("link", name=contract.reference).click()
    expect(page.locator("#headroom")).to_contain_text("€ 12,000.00")
    expect(page.locator("#rates tbody tr")).to_have_count(2)

    page.get_by_role("button", name="Join").click()
    expect(page.locator(".messages")).to_contain_text("The board takes part in the contract.")

    call_off = page.get_by_role("form", name="Call off")
    call_off.get_by_label("Line 1: product and capacity").select_option("connectivity/1g")
    call_off.get_by_label("Line 1: quantity").fill("2")
    call_off.get_by_role("button", name="Place the call-off").click()
    expect(page.locator(".messages")).to_contain_text("EUR 9600.00 a year")
    expect(page.locator("#headroom")).to_contain_text("€ 2,400.00")
    expect(page.locator("#call-offs tbody tr")).to_have_count(1)

    call_off = page.get_by_role("form", name="Call off")
    call_off.get_by_label("Line 1: product and capacity").select_option("connectivity/1g")
    call_off.get_by_role("button", name="Place the call-off").click()
    expect(call_off.get_by_role("alert")).to_contain_text("EUR 2400.00 is left")
    expect(page.locator("#call-offs tbody tr")).to_have_count(1)
