"""A board joins in real Chromium: its contact declares interest, applies and signs the
membership agreement; staff admit it from the queue; the public support dashboard counts
it among the members.

The pages are switched to English (the header's language switch), so the test reads the
message ids whether or not their Dutch translations exist yet.
"""

from datetime import date

import pytest
from playwright.sync_api import expect

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


def test_board_joins_staff_admit_it_and_support_counts_it(live_server, page):
    board = BoardFactory(duo_number="41211", name="")
    location = LocationFactory(board=board, name="De Toets", place="VALKENSWAARD")
    PupilCountFactory(location=location, count_date=date(2025, 10, 1), pupils=812)
    LocationFactory(board=BoardFactory())  # a board that stays outside
    UserFactory(board=board, username="bram", first_name="Bram", last_name="Bestuurder")
    StaffFactory(username="sanne")
    AgreementVersionFactory(kind="membership", version="2026.1", valid_from=date(2026, 1, 1))

    page.goto(f"{live_server.url}/")
    page.get_by_role("button", name="EN", exact=True).click()
    log_in(page, "bram")

    # The board contact: interest, application, signature.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Membership").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Board 41211")
    expect(page.locator("dl.facts")).to_contain_text("€ 1,000.00")
    join = page.get_by_role("form", name="Join the cooperative")
    join.get_by_label("Declare interest (coalition of the willing)").check()
    join.get_by_role("button", name="Send").click()
    expect(page.locator(".messages")).to_contain_text("Your interest is recorded")
    expect(page.locator("[data-state]")).to_have_text("Interested")

    page.get_by_role("form", name="Apply for membership").get_by_role(
        "button", name="Apply"
    ).click()
    expect(page.locator("[data-state]")).to_have_text("Applied")

    sign = page.get_by_role("form", name="Sign the membership agreement")
    sign.get_by_label("Version").select_option("2026.1")
    sign.get_by_label("Signed by").fill("Bram Bestuurder, voorzitter")
    sign.get_by_role("button", name="Record signature").click()
    expect(page.locator(".messages")).to_contain_text("The signed agreement is recorded.")
    agreements = page.locator("section.agreements tbody tr")
    expect(agreements).to_have_count(1)
    expect(agreements.first).to_contain_text("2026.1")
    expect(agreements.first).to_contain_text("Bram Bestuurder, voorzitter")
    page.get_by_role("button", name="Log out").click()

    # Staff admit the board from the queue.
    log_in(page, "sanne")
    page.get_by_role("link", name="Admissions").click()
    row = page.locator("table.queue tbody tr", has_text="41211")
    expect(row).to_contain_text("signed")
    row.get_by_role("button", name="Admit as member").click()
    expect(page.locator(".messages")).to_contain_text("The board is admitted as a member.")
    expect(page.get_by_text("No applications are waiting.")).to_be_visible()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Membership").click()
    page.get_by_role("link", name="41211", exact=True).click()
    expect(page.locator("[data-state]")).to_have_text("Member")

    # The public dashboard counts the board among the members.
    page.get_by_role("button", name="Log out").click()
    page.goto(f"{live_server.url}/support/")
    members = page.locator(".card.support-members dl.pairs dd")
    expect(members.nth(0)).to_have_text("812")  # pupils
    expect(members.nth(1)).to_have_text("1")  # boards
    coalition = page.locator(".card.support-coalition dl.pairs dd")
    expect(coalition.nth(1)).to_have_text("0")
