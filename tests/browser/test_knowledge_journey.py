"""The knowledge base in real Chromium: a staff member publishes a members-only tender
template as a PDF and adds a second version; a member's contact finds it by searching
"aanbesteding" (the PDF says "aanbestedingen"), sees the highlighted snippet, reads the
old version and downloads the file; a board that is not a member finds nothing, and
the negotiated rates page explains why it is empty.

The pages are switched to English (the header's language switch), so the test reads the
message ids whether or not their Dutch translations exist yet.
"""

from datetime import date

import pytest
from playwright.sync_api import expect

from bundel.knowledge.models import Category

from ..factories import BoardFactory, MembershipFactory, StaffFactory, UserFactory
from ..knowledge.factories import pdf_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, username: str) -> None:
    page.get_by_role("link", name="Log in").click()
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Log in").click()


def log_out(page) -> None:
    page.get_by_role("button", name="Log out").click()


def test_staff_publish_a_template_a_member_finds_and_downloads_it_an_outsider_does_not(
    live_server, page, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    StaffFactory(username="sanne", first_name="Sanne", last_name="de Staf")
    member_board = BoardFactory(duo_number="41211", name="Stichting Lid")
    MembershipFactory(board=member_board, state="member", admitted_on=date(2026, 2, 1))
    UserFactory(board=member_board, username="bram")
    UserFactory(board=BoardFactory(duo_number="10249"), username="olga")
    Category.objects.create(
        code="procurement", name_nl="Aanbestedingsdocumenten", name_en="Procurement documents"
    )
    template = tmp_path / "leidraad.pdf"
    template.write_bytes(pdf_bytes("Leidraad voor Europese aanbestedingen", "Perceel 1: wifi"))

    page.goto(f"{live_server.url}/")
    page.get_by_role("button", name="EN", exact=True).click()
    log_in(page, "sanne")

    # Staff publish the template, members only, with the PDF.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Knowledge").click()
    page.get_by_role("link", name="New document").click()
    form = page.get_by_role("form", name="New document")
    form.get_by_label("Title").fill("Model aanbestedingsleidraad")
    form.get_by_label("Category").select_option(label="Procurement documents")
    form.get_by_label("Visible to").select_option("members")
    form.get_by_label("Tags").fill("aanbesteding, model")
    form.get_by_label("File").set_input_files(str(template))
    form.get_by_role("button", name="Publish").click()
    expect(page.locator(".messages")).to_contain_text("The document is published.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Model aanbestedingsleidraad")

    # A second version: a new text, the same file.
    version = page.get_by_role("form", name="New version")
    version.get_by_label("Text").fill("Vul de gemarkeerde onderdelen per aanbesteding in.")
    version.get_by_label("What changed").fill("Toelichting toegevoegd")
    version.get_by_role("button", name="Add version").click()
    expect(page.locator(".messages")).to_contain_text("The new version is added.")
    expect(page.locator(".knowledge-versions tbody tr")).to_have_count(2)
    log_out(page)

    # The member searches in Dutch and finds it, highlighted.
    log_in(page, "bram")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Knowledge").click()
    page.get_by_label("Search").fill("aanbesteding")
    page.get_by_role("button", name="Search").click()
    result = page.locator(".knowledge-result")
    expect(result).to_have_count(1)
    expect(result.locator("mark").first).to_have_text("aanbesteding")
    result.get_by_role("link", name="Model aanbestedingsleidraad").click()
    expect(page.locator(".knowledge-body")).to_contain_text("per aanbesteding in.")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download leidraad.pdf").click()
    assert download.value.suggested_filename == "leidraad.pdf"
    page.locator(".knowledge-versions").get_by_role("link", name="1", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("This is version 1")
    log_out(page)

    # A board that is not a member finds nothing, and is told what the rates page is for.
    log_in(page, "olga")
    page.goto(f"{live_server.url}/knowledge/?q=aanbesteding")
    expect(page.locator(".knowledge-result")).to_have_count(0)
    expect(page.locator("#results .empty")).to_contain_text("No document matches")
    page.goto(f"{live_server.url}/knowledge/rates/")
    expect(page.locator("#rates-members-only")).to_be_visible()
