"""A member board orders in real Chromium: its contact orders connectivity for two
locations, is told that the security services are required, adds them with one click,
plans two migration waves and sees the year's costs.

The pages are switched to English (the header's language switch), so the test reads the
message ids whether or not their Dutch translations exist yet.
"""

from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from bundel.catalogue.demo import load_catalogue
from bundel.membership import services as membership_services

from ..factories import (
    AgreementVersionFactory,
    BoardFactory,
    LocationFactory,
    PupilCountFactory,
    StaffFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, username: str) -> None:
    page.get_by_role("link", name="Log in").click()
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Log in").click()


def make_member(board, staff, since: date) -> None:
    AgreementVersionFactory(kind="membership", version="2026.1", valid_from=since)
    membership = membership_services.membership_start(
        board=board, kind="application", by=staff, on=since
    )
    membership_services.agreement_sign(
        membership=membership,
        kind="membership",
        version="2026.1",
        signed_on=since,
        signer="Bram Bestuurder, voorzitter",
        by=staff,
    )
    membership_services.membership_admit(membership=membership, by=staff, on=since)


def test_contact_orders_connectivity_adds_security_plans_waves_and_sees_costs(live_server, page):
    today = timezone.localdate()
    next_year = today.year + 1
    board = BoardFactory(duo_number="41211", name="")
    lyceum = LocationFactory(
        board=board, code="02FY00", name="Lyceum aan Zee", place="VALKENSWAARD", sector_type="vo"
    )
    mavo = LocationFactory(
        board=board, code="02FY01", name="Mavo Midden", place="EINDHOVEN", sector_type="vo"
    )
    PupilCountFactory(location=lyceum, count_date=date(2025, 10, 1), pupils=500)
    PupilCountFactory(location=mavo, count_date=date(2025, 10, 1), pupils=300)
    UserFactory(board=board, username="bram", first_name="Bram", last_name="Bestuurder")
    load_catalogue()
    make_member(board, StaffFactory(username="sanne"), today - timedelta(days=30))

    page.goto(f"{live_server.url}/")
    page.get_by_role("button", name="EN", exact=True).click()
    log_in(page, "bram")

    # Order connectivity 1 Gbit/s for both locations: refused, security is required.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Services").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Board 41211")
    expect(page.get_by_text("The board takes no services yet.")).to_be_visible()
    page.get_by_role("link", name="Order services").first.click()
    line = page.locator("#line-1")
    line.get_by_label("Service and capacity").select_option("connectivity:1g")
    line.get_by_label("02FY00 Lyceum aan Zee").check()
    line.get_by_label("02FY01 Mavo Midden").check()
    line.get_by_label("Wished start").fill(f"{next_year}-01-01")
    page.get_by_role("button", name="Place the order").click()

    refusal = page.get_by_role("alert")
    expect(refusal).to_contain_text("requires Information security services at that location")
    expect(line.get_by_label("02FY01 Mavo Midden")).to_be_checked()  # the order is kept

    # One click adds security for both locations and places the order.
    page.get_by_role("button", name="Add Information security services").click()
    expect(page.locator(".messages")).to_contain_text("4 services ordered for 2 location(s).")
    services = page.locator("table.location-services tbody tr")
    expect(services).to_have_count(4)
    expect(page.locator("#location-02FY00")).to_contain_text("Information security services")
    expect(page.locator("#location-02FY01")).to_contain_text("1 Gbit/s")
    expect(page.locator("#location-02FY01 [data-state]").first).to_have_text("Requested")

    # Two migration waves, one location each, each planned on its own page.
    for name, days, location in (
        ("Golf 1", 14, "02FY00 Lyceum aan Zee"),
        ("Golf 2", 42, "02FY01 Mavo Midden"),
    ):
        page.get_by_role("link", name="Plan a migration wave").click()
        expect(page.locator("h1")).to_contain_text("migration plan")
        wave = page.get_by_role("form", name="Plan a migration wave")
        wave.get_by_label("Name").fill(name)
        wave.get_by_label("Date").fill((today + timedelta(days=days)).isoformat())
        wave.get_by_label(location).check()
        wave.get_by_role("button", name="Plan the wave").click()
        expect(page.locator(".messages")).to_contain_text(f"The wave {name} is planned")
    waves = page.locator("table.waves tbody tr")
    expect(waves).to_have_count(2)
    expect(waves.first).to_contain_text("02FY00")
    expect(waves.nth(1)).to_contain_text("02FY01")
    expect(page.locator("figure.timeline svg.chart rect.wave")).to_have_count(2)
    expect(page.locator("#location-02FY00 [data-state]").first).to_have_text("Planned")

    # The costs of next year: 12 months of both services at both locations, and the fee.
    page.get_by_role("link", name="Costs", exact=True).click()
    page.get_by_label("Year", exact=True).fill(str(next_year))
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Costs {next_year}")
    expect(page.locator('[data-amount="fee"]')).to_have_text("€ 1,000.00")
    expect(page.locator('[data-amount="services"]')).to_have_text("€ 13,928.40")
    expect(page.locator('[data-amount="total"]')).to_have_text("€ 14,928.40")
    expect(page.locator("table.by-location tbody tr")).to_have_count(2)
    expect(page.locator("table.by-location")).to_contain_text("€ 6,964.20")
