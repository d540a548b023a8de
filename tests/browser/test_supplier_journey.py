"""A supplier in real Chromium: asks a question about a published tender; staff answer
it (worded anew for publication); the supplier reads the answer in the nota van
inlichtingen, which does not name who asked; then submits a sealed bid for lot 1 with a
PDF attachment and gets a receipt with the submission time and the SHA-256.

The pages are switched to English, so the test reads the message ids whether or not their
Dutch translations exist yet.
"""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from bundel.accounts.constants import Role
from bundel.bidding.models import Bid, Question

from ..bidding.factories import make_tender, pdf
from ..factories import StaffFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, username: str) -> None:
    page.get_by_role("link", name="Log in").click()
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Log in").click()


def log_out(page) -> None:
    page.get_by_role("button", name="Log out").click()


def open_tender(page, title: str) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Tenders").click()
    page.get_by_role("link", name=title).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(title)


def test_a_supplier_asks_reads_the_nota_and_submits_a_bid(live_server, page, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    staff = StaffFactory(username="sanne", first_name="Sanne", last_name="de Staf")
    UserFactory(
        username="lars",
        role=Role.SUPPLIER,
        board=None,
        organisation="Netwerk B.V.",
        first_name="Lars",
        last_name="Leverancier",
    )
    tender = make_tender(by=staff, title="Externe connectiviteit 2027")
    attachment = tmp_path / "plan-van-aanpak.pdf"
    attachment.write_bytes(pdf("plan van aanpak"))

    page.goto(f"{live_server.url}/")
    page.get_by_role("button", name="EN", exact=True).click()

    # The supplier asks a question about lot 1.
    log_in(page, "lars")
    open_tender(page, tender.title)
    form = page.get_by_role("form", name="Ask a question")
    form.get_by_label("Lot").select_option(label="1. Noord")
    form.get_by_label("Question").fill("Netwerk B.V. vraagt: is 1 Gbit/s per locatie genoeg?")
    form.get_by_role("button", name="Send the question").click()
    expect(page.locator(".messages")).to_contain_text("Your question is sent.")
    expect(page.locator(".my-questions")).to_contain_text("Waiting for an answer")
    log_out(page)

    # Staff answer it, leaving the company's name out of the published question.
    log_in(page, "sanne")
    page.goto(f"{live_server.url}/bidding/")
    page.get_by_role("link", name=tender.title).click()
    page.get_by_role("link", name="1 question to answer").click()
    answer = page.get_by_role("form", name="Answer the question of")
    answer.get_by_label("Question as published").fill("Is 1 Gbit/s per locatie genoeg?")
    answer.get_by_label("Answer", exact=True).fill("Ja, 1 Gbit/s symmetrisch per locatie.")
    answer.get_by_role("button", name="Publish the answer").click()
    expect(page.locator(".messages")).to_contain_text("The answer is published")
    log_out(page)

    # The supplier reads the nota van inlichtingen: the answer, and nobody named.
    log_in(page, "lars")
    open_tender(page, tender.title)
    page.get_by_role("link", name="The nota van inlichtingen (1 answer)").click()
    entry = page.locator("ol.nota li[data-number='1']")
    expect(entry).to_contain_text("Is 1 Gbit/s per locatie genoeg?")
    expect(entry).to_contain_text("Ja, 1 Gbit/s symmetrisch per locatie.")
    expect(page.locator("main")).not_to_contain_text("Netwerk B.V.")
    expect(page.locator("main")).not_to_contain_text("Lars")
    assert Question.objects.get().number == 1

    # ... and submits a bid for lot 1 with an attachment.
    page.get_by_role("link", name=tender.title).click()
    page.locator("tr[data-lot='1']").get_by_role("link", name="Submit a bid").click()
    bid_form = page.get_by_role("form", name="Bid")
    bid_form.get_by_label("Price (EUR, excluding VAT)").fill("150000.25")
    bid_form.get_by_label("Answer to “Plan van aanpak”").fill("Migratie in drie golven.")
    bid_form.get_by_label("Attachments").set_input_files(str(attachment))
    bid_form.get_by_role("button", name="Submit the bid").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Receipt of your bid")
    expect(page.locator(".messages")).to_contain_text("Your bid is submitted. Keep this receipt.")
    bid = Bid.objects.get()
    expect(page.locator("[data-field='sha256']")).to_have_text(bid.sha256)
    expect(page.locator("[data-field='status']")).to_have_text(
        "current: this is the bid that counts"
    )
    expect(page.locator("[data-field='submitted_at']")).to_have_text(
        timezone.localtime(bid.submitted_at).strftime("%d-%m-%Y %H:%M:%S")
    )
    expect(page.get_by_role("link", name="plan-van-aanpak.pdf")).to_be_visible()
    assert (bid.lot.number, str(bid.contents.price)) == (1, "150000.25")
