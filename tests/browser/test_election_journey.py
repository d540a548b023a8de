"""A council election in real Chromium: a board contact votes in its chamber's election;
after voting closes staff count, and the results page shows the elected.

The pages are switched to English (the header's language switch), so the test reads the
message ids whether or not their Dutch translations exist yet.
"""

import pytest
from playwright.sync_api import expect

from bundel.governance.services import candidate_nominate

from ..factories import StaffFactory, UserFactory
from ..governance.election_setup import member_board, shift

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, username: str) -> None:
    page.get_by_role("link", name="Log in").click()
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Log in").click()


def log_out(page) -> None:
    page.get_by_role("button", name="Log out").click()


def test_contact_votes_and_after_the_count_sees_the_elected(live_server, page):
    from datetime import timedelta

    from django.utils import timezone

    from bundel.governance.services import election_open

    staff = StaffFactory(username="sanne")
    ours, other = member_board(pupils=1500), member_board(pupils=2500)
    UserFactory(board=ours, username="bram", first_name="Bram", last_name="Bestuurder")
    UserFactory(board=other, username="olga")
    now = timezone.now()
    election = election_open(
        title="Ledenraad 2027",
        seats={"po": 1},
        nomination_opens_at=now - timedelta(hours=2),
        nomination_closes_at=now + timedelta(days=1),
        voting_opens_at=now + timedelta(days=2),
        voting_closes_at=now + timedelta(days=3),
        by=staff,
    )
    for name, board in (("Anouk de Vries", ours), ("Bert Jansen", other)):
        candidate_nominate(
            election=election,
            name=name,
            email=f"{name.split()[0].lower()}@school.test",
            board=board,
            motivation="Tien jaar ervaring met ICT-inkoop.",
            by=staff,
        )
    shift(election, "voting")

    page.goto(f"{live_server.url}/")
    page.get_by_role("button", name="EN", exact=True).click()
    log_in(page, "bram")
    page.goto(f"{live_server.url}/governance/elections/")
    page.get_by_role("link", name="Ledenraad 2027").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Voting")
    vote = page.get_by_role("form", name=f"Vote for {ours}")
    vote.get_by_label("Bert Jansen").check()
    vote.get_by_role("button", name="Cast the vote").click()
    expect(page.locator(".messages")).to_contain_text("is cast. It is secret")
    expect(page.locator(f"#voter-{ours.duo_number}")).to_contain_text("Voted.")
    expect(page.get_by_role("button", name="Cast the vote")).to_have_count(0)
    log_out(page)

    # Voting closes; staff count and publish.
    shift(election, "closed")
    log_in(page, "sanne")
    page.goto(f"{live_server.url}/governance/elections/{election.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Voting closed")
    page.get_by_role("button", name="Count and publish").click()
    expect(page.locator(".messages")).to_contain_text("1 elected")
    log_out(page)

    log_in(page, "bram")
    page.goto(f"{live_server.url}/governance/elections/{election.pk}/")
    results = page.locator("#results table.results tbody tr")
    expect(results).to_have_count(2)
    expect(results.first).to_contain_text("Bert Jansen")
    expect(results.first).to_contain_text("Elected")
    expect(results.nth(1)).to_contain_text("Anouk de Vries")
