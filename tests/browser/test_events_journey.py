"""The waiting list in real Chromium: the workshop is full; a member registers and lands
on the waiting list; the one with the place cancels; the first on the list moves up, is
told by e-mail, and sees the place in "My events".

The pages are switched to English (the header's language switch), so the test reads the
message ids whether or not their Dutch translations exist yet.
"""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone, translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from bundel.events import services
from bundel.events.models import Event

from ..factories import BoardFactory, LocationFactory, MembershipFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, username: str) -> None:
    page.get_by_role("link", name="Log in").click()
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Log in").click()


def log_out(page) -> None:
    page.get_by_role("button", name="Log out").click()


def member_contact(duo_number: str, username: str, first: str, last: str):
    board = BoardFactory(duo_number=duo_number)
    LocationFactory(board=board)
    MembershipFactory(board=board, state="member", admitted_on=timezone.localdate())
    return UserFactory(board=board, username=username, first_name=first, last_name=last)


def open_workshop(page) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Events").click()
    page.get_by_role("link", name="Workshop migratieplan").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Workshop migratieplan")


def test_a_member_waits_for_a_full_workshop_and_moves_up_when_another_cancels(live_server, page):
    starts = timezone.now() + timedelta(days=21)
    Event.objects.create(
        kind="workshop",
        title="Workshop migratieplan",
        programme="10:00 Welkom\n10:15 Uw locaties in golven",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2, minutes=30),
        place="Kantoor Bundel, Utrecht",
        capacity=1,
        waiting_list=True,
        registration_deadline=starts - timedelta(days=2),
        audience="members",
    )
    cor = member_contact("10249", "cor", "Cor", "Coster")
    bram = member_contact("41211", "bram", "Bram", "Bestuurder")
    services.registration_register(event=Event.objects.get(), by=cor)  # the only place

    page.goto(f"{live_server.url}/")
    page.get_by_role("button", name="EN", exact=True).click()

    # Bram finds the workshop full and joins the waiting list.
    log_in(page, "bram")
    open_workshop(page)
    expect(page.locator('[data-places="full"]')).to_contain_text("Full")
    page.get_by_role("button", name="Join the waiting list").click()
    expect(page.locator(".messages")).to_contain_text("you are on the waiting list")
    expect(page.locator("#my-registration")).to_contain_text(
        "You are number 1 on the waiting list."
    )
    expect(page.locator('[data-places="full"]')).to_contain_text("1 on the waiting list")
    log_out(page)

    # Cor cannot come after all and cancels.
    log_in(page, "cor")
    open_workshop(page)
    expect(page.locator("#my-registration")).to_contain_text("You have a place.")
    page.get_by_role("button", name="Cancel my registration").click()
    expect(page.locator(".messages")).to_contain_text(
        "Your registration for Workshop migratieplan is cancelled."
    )
    # Bram has the place now: the workshop is full again, with nobody waiting.
    expect(page.locator('[data-places="full"]')).to_have_text("Full · waiting list open")
    expect(page.get_by_role("button", name="Join the waiting list")).to_be_visible()
    log_out(page)

    # Bram moved up, was told by e-mail, and sees the place.
    assert [m.to for m in mail.outbox] == [[bram.email]]
    with translation.override(settings.LANGUAGE_CODE):  # e-mails: the site's language
        subject = gettext("Bundel: you have a place at %(event)s")
    assert mail.outbox[0].subject == subject % {"event": "Workshop migratieplan"}
    log_in(page, "bram")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Events").click()
    expect(page.locator("table.events tbody tr").first.locator("[data-state]")).to_have_text(
        "Confirmed"
    )
    page.get_by_role("link", name="My events and calendar link").click()
    row = page.locator("table.my-events tbody tr")
    expect(row).to_have_count(1)
    expect(row.locator("[data-state]")).to_have_text("Confirmed")
    row.get_by_role("link", name="Workshop migratieplan").click()
    expect(page.locator("#my-registration")).to_contain_text("You have a place.")
