"""Member groups in real Chromium: a board contact joins a group and replies in a thread
(a web address becomes a link, HTML stays text); the colleague who started the thread
sees the unread count in the header, reads the reply and the count is gone. A supplier
has no Groups link and sees only the dialogue session it is invited to.

The pages are switched to English (the header's language switch), so the test reads the
message ids whether or not their Dutch translations exist yet.
"""

from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from bundel.groups import services

from ..factories import BoardFactory, MembershipFactory, StaffFactory, UserFactory
from ..groups.factories import SupplierFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, username: str) -> None:
    page.get_by_role("link", name="Log in").click()
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Log in").click()


def log_out(page) -> None:
    page.get_by_role("button", name="Log out").click()


def member_board(duo_number: str, name: str):
    board = BoardFactory(duo_number=duo_number, name=name)
    MembershipFactory(board=board, state="member", admitted_on=date(2025, 1, 10))
    return board


@pytest.fixture
def setting():
    staff = StaffFactory(username="sanne", first_name="Sanne", last_name="de Staf")
    bram = UserFactory(
        username="bram",
        first_name="Bram",
        last_name="Bestuurder",
        board=member_board("41211", "Stichting Kempenkind"),
    )
    rosa = UserFactory(
        username="rosa",
        first_name="Rosa",
        last_name="Raadslid",
        role="council_member",
        board=member_board("10249", "Stichting Noorderlicht"),
    )
    lars = SupplierFactory(username="lars", first_name="Lars", last_name="Leverancier")
    group = services.group_create(name="Wifi in het po", kind="topic", by=staff)
    services.group_join(group=group, by=rosa)
    thread = services.thread_start(
        group=group, title="Access points per lokaal", body="Hoeveel hebben jullie?", by=rosa
    )
    session = services.session_plan(
        group=group,
        title="Dialoog wifi-aanbod",
        supplier_name="Demo Netwerken B.V.",
        starts_at=timezone.now() + timedelta(days=14),
        place="Utrecht",
        agenda="1. Opening\n2. Vragen uit de groep",
        suppliers=[lars],
        by=staff,
    )
    services.question_ask(session=session, text="Is beheer inbegrepen?", by=rosa)
    return {"bram": bram, "rosa": rosa, "thread": thread, "session": session}


def test_a_member_joins_replies_and_the_colleague_is_notified(live_server, page, setting):
    page.goto(f"{live_server.url}/")
    page.get_by_role("button", name="EN", exact=True).click()
    log_in(page, "bram")

    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("link", name="Groups").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Member groups")
    expect(page.get_by_text("You take part in no group yet.")).to_be_visible()
    page.get_by_role("link", name="Wifi in het po").click()
    page.get_by_role("button", name="Join this group").click()
    expect(page.locator(".messages")).to_contain_text("You take part in Wifi in het po.")

    page.get_by_role("link", name="Access points per lokaal").click()
    reply = page.get_by_role("form", name="Reply")
    reply.get_by_label("Text").fill(
        "Eén per lokaal, zie https://www.kennisnet.nl/wifi.\n<b>Niet vet</b>"
    )
    reply.get_by_role("button", name="Post the reply").click()
    expect(page.locator(".messages")).to_contain_text("Your reply is posted.")
    last = page.locator("article.post").last
    expect(last.get_by_role("link", name="https://www.kennisnet.nl/wifi")).to_have_attribute(
        "href", "https://www.kennisnet.nl/wifi"
    )
    expect(last.locator(".body")).to_contain_text("<b>Niet vet</b>")
    expect(last.locator(".body b")).to_have_count(0)
    log_out(page)

    log_in(page, "rosa")
    badge = page.locator("#groups-nav [data-unread]")
    expect(badge).to_have_attribute("data-unread", "2")  # the reply, the planned session
    page.locator("#groups-nav").click()
    page.get_by_role("link", name="Notifications").click()
    expect(page.locator("tr.notification.unread")).to_have_count(2)
    row = page.locator("tr.notification", has_text='Bram Bestuurder posted in "Access')
    row.get_by_role("button", name="Open").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Access points per lokaal")
    expect(page.locator("article.post.target")).to_contain_text("Eén per lokaal")
    page.reload()
    expect(page.locator("#groups-nav [data-unread]")).to_have_attribute("data-unread", "1")


def test_a_supplier_sees_only_its_session(live_server, page, setting):
    page.goto(f"{live_server.url}/")
    page.get_by_role("button", name="EN", exact=True).click()
    log_in(page, "lars")

    expect(
        page.get_by_role("navigation", name="Main").get_by_role("link", name="API")
    ).to_be_visible()
    expect(page.locator("#groups-nav")).to_have_count(0)
    response = page.goto(f"{live_server.url}/groups/")
    assert response.status == 403
    response = page.goto(f"{live_server.url}{setting['thread'].get_absolute_url()}")
    assert response.status == 404

    page.goto(f"{live_server.url}/groups/sessions/")
    page.get_by_role("link", name="Dialoog wifi-aanbod").click()
    expect(page.locator(".agenda")).to_contain_text("Vragen uit de groep")
    expect(page.locator("ol.questions")).to_contain_text("Is beheer inbegrepen?")
    expect(page.locator("ol.questions")).not_to_contain_text("Rosa")


# A policy without 'unsafe-inline' (the platform's coming Content-Security-Policy): the
# unread count and the groups' forms keep their look, as their styles are static files.
CSP = "default-src 'self'; style-src 'self'; script-src 'self'; img-src 'self' data:"


def enforce_csp(page) -> None:
    def add_policy(route):
        if route.request.resource_type != "document":
            route.continue_()
            return
        response = route.fetch(max_redirects=0)
        headers = {**response.headers, "content-security-policy": CSP}
        route.fulfill(response=response, headers=headers)

    page.route("**/*", add_policy)


def test_the_groups_styles_hold_under_a_policy_without_inline_styles(live_server, page, setting):
    page.goto(f"{live_server.url}/")
    page.get_by_role("button", name="EN", exact=True).click()
    log_in(page, "rosa")
    enforce_csp(page)

    page.goto(f"{live_server.url}/catalogue/")  # not a groups page: the link is on every page
    badge = page.locator("#groups-nav [data-unread]")
    expect(badge).to_have_attribute("data-unread", "1")  # the planned session
    expect(badge).to_have_css("background-color", "rgb(243, 199, 107)")
    expect(badge).to_have_css("border-top-left-radius", "999px")

    page.goto(f"{live_server.url}/groups/preferences/")
    expect(page.locator(".form-narrow")).to_have_css("max-width", "512px")
