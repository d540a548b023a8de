"""Staff prepare a tender in real Chromium: they try the award method in the simulation
(the issue's example, then B's score lowered), create a tender whose closing date is one
day too early, are told the earliest allowed date, fix it and publish the tender.

The pages are switched to English, so the test reads the message ids whether or not their
Dutch translations exist yet.
"""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from bundel.catalogue.demo import load_catalogue
from bundel.tenders.models import Tender

from ..factories import StaffFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_simulate_then_create_fix_and_publish_a_tender(live_server, page):
    StaffFactory(username="sanne", first_name="Sanne", last_name="Staf")
    load_catalogue()
    notice = timezone.localdate()

    page.goto(f"{live_server.url}/")
    page.get_by_role("button", name="EN", exact=True).click()
    page.get_by_role("link", name="Log in").click()
    page.get_by_label("Username").fill("sanne")
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Log in").click()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Tenders").click()
    page.get_by_role("link", name="Award simulation").click()
    ranking = page.locator("table[data-method]")
    expect(ranking.locator("tr[data-bidder='B'] td").last).to_have_text("90.00")
    expect(ranking.locator("tr[data-bidder='A'] td").last).to_have_text("80.00")
    # B with 6 instead of 10: 50 + 24 = 74, below A's 80.
    page.get_by_label("Bid 2: score for criterion 1").fill("6")
    page.get_by_role("button", name="Compute the ranking").click()
    expect(ranking.locator("tbody tr").first).to_have_attribute("data-bidder", "A")
    expect(ranking.locator("tr[data-bidder='B'] td").last).to_have_text("74.00")

    page.get_by_role("link", name="Tenders", exact=True).first.click()
    page.get_by_role("link", name="New tender").click()
    page.get_by_label("Title", exact=True).fill("Externe connectiviteit 2027")
    page.get_by_label("Procedure", exact=True).select_option("open")
    page.get_by_label("Estimated value (EUR)", exact=True).fill("750000")
    page.get_by_label("Notice date", exact=True).fill(notice.isoformat())
    too_early = notice + timedelta(days=39)
    page.get_by_label("Bids close at", exact=True).fill(f"{too_early.isoformat()}T12:00")
    page.get_by_label("Award method", exact=True).select_option("points")
    page.get_by_label("Price weight", exact=True).fill("60")
    page.get_by_label("External connectivity", exact=True).check()
    page.get_by_label("Lot row 1: title").fill("Noord")
    page.get_by_label("Lot row 2: title").fill("Zuid")
    page.get_by_label("Criterion 1: Name").fill("Plan van aanpak")
    page.get_by_label("Criterion 1: Weight").fill("40")
    page.get_by_label("Criterion 1: Scale maximum").fill("10")
    page.get_by_role("button", name="Save").click()

    earliest = notice + timedelta(days=40)
    expect(page.get_by_role("alert")).to_contain_text(
        f"the earliest allowed date is {earliest.isoformat()}."
    )
    assert not Tender.objects.exists()

    page.get_by_label("Bids close at", exact=True).fill(f"{earliest.isoformat()}T12:00")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Externe connectiviteit 2027")
    expect(page.get_by_text("a European procedure is required")).to_be_visible()

    page.get_by_role("button", name="Open demand registration").click()
    page.get_by_role("button", name="Publish the tender").click()
    expect(page.get_by_text("The tender is published.")).to_be_visible()
    tender = Tender.objects.get()
    assert (tender.state, tender.published_on) == ("published", notice)
    assert [lot.title for lot in tender.lots.all()] == ["Noord", "Zuid"]
