"""A staff member finds a board in real Chromium on a live server."""

from datetime import date

import pytest
from playwright.sync_api import expect

from ..factories import BoardFactory, LocationFactory, PupilCountFactory, StaffFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_logs_in_searches_a_board_and_sees_its_locations(live_server, page):
    StaffFactory(username="sanne")
    board = BoardFactory(duo_number="41211", name="")
    lyceum = LocationFactory(
        board=board, code="02FY00", name="Lyceum aan Zee", place="VALKENSWAARD", sector_type="vo"
    )
    mavo = LocationFactory(
        board=board, code="02FY01", name="Mavo Midden", place="EINDHOVEN", sector_type="vo"
    )
    PupilCountFactory(location=lyceum, count_date=date(2025, 10, 1), pupils=1200)
    PupilCountFactory(location=mavo, count_date=date(2025, 10, 1), pupils=800)
    for _ in range(3):
        LocationFactory(board=BoardFactory())

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Gebruikersnaam").fill("sanne")
    page.get_by_label("Wachtwoord").fill("correct-horse-battery")
    page.get_by_role("button", name="Inloggen").click()
    page.get_by_role("link", name="Register").click()

    page.get_by_label("Zoeken").fill("41211")
    rows = page.locator("#results tbody tr")
    expect(rows).to_have_count(1)  # htmx replaced the results while typing
    expect(rows.first).to_contain_text("Bestuur 41211")
    rows.first.get_by_role("link", name="41211", exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Bestuur 41211")
    locations = page.locator("section", has=page.get_by_role("heading", name="Vestigingen"))
    expect(locations.locator("tbody tr")).to_have_count(2)
    expect(locations).to_contain_text("Lyceum aan Zee")
    expect(locations).to_contain_text("1.200")
    expect(page.locator("svg.chart")).to_be_visible()
    expect(page.locator("dl.facts")).to_contain_text("2.000")
