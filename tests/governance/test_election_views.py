"""Election pages and API: who sees what, voting through the page and the API, results."""

import pytest
from django.urls import reverse
from django.utils.translation import override

from bundel.governance.models import Ballot, VoteReceipt
from bundel.governance.services import election_count, proxy_grant

from ..factories import UserFactory
from .election_setup import *  # noqa: F403 - the election fixtures
from .election_setup import contact_of, member_board, shift


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"
    with override("en"):
        yield


def _login(client, user):
    client.force_login(user)
    return client


# -- pages ------------------------------------------------------------------------------------


def test_a_contact_votes_through_the_page(client, voting, candidates, po_boards):
    contact = contact_of(po_boards[0])
    url = reverse("governance:election", args=[voting.pk])
    page = _login(client, contact).get(url)
    assert page.status_code == 200
    prefix = f"vote-{po_boards[0].duo_number}"
    assert f'name="{prefix}-candidate"' in page.text
    assert "Dirk" in page.text  # the candidates of every chamber are listed ...
    assert f'value="{candidates["Dirk"].pk}"' not in page.text  # ... but not votable here
    response = client.post(url, {"action": prefix, f"{prefix}-candidate": candidates["An"].pk})
    assert response.status_code == 302
    assert VoteReceipt.objects.filter(board=po_boards[0]).count() == 1
    page = client.get(url)
    assert "Voted. The vote is secret" in page.text
    assert f'name="{prefix}-candidate"' not in page.text
    assert "Give a proxy" not in page.text  # a board that voted has no vote to give away


def test_the_page_shows_a_refusal_on_the_form(client, voting, candidates, po_boards):
    contact = contact_of(po_boards[0])
    url = reverse("governance:election", args=[voting.pk])
    prefix = f"vote-{po_boards[0].duo_number}"
    # A candidate of another chamber, posted by hand.
    response = _login(client, contact).post(
        url, {"action": prefix, f"{prefix}-candidate": candidates["Dirk"].pk}
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.text
    assert not VoteReceipt.objects.exists()


def test_a_proxy_holder_sees_a_vote_form_per_board(client, election, candidates, po_boards):
    a, b, _ = po_boards
    proxy_grant(election=election, grantor=a, holder=b, by=contact_of(a))
    shift(election, "voting")
    page = _login(client, contact_of(b)).get(reverse("governance:election", args=[election.pk]))
    assert f'name="vote-{a.duo_number}-candidate"' in page.text
    assert f'name="vote-{b.duo_number}-candidate"' in page.text
    assert "by proxy" in page.text


def test_outsiders_see_no_elections(client, voting, db):
    url = reverse("governance:election", args=[voting.pk])
    assert client.get(url).status_code == 302  # anonymous: to the login page
    outsider = contact_of(member_board(member=False))
    assert _login(client, outsider).get(url).status_code == 403
    assert client.get(reverse("governance:elections")).status_code == 403
    supplier = UserFactory(role="supplier", board=None, organisation="Netwerk B.V.")
    assert _login(client, supplier).get(url).status_code == 403


def test_staff_open_an_election_with_seats_prefilled(
    client, election_staff, po_boards, small_board
):
    _login(client, election_staff)
    page = client.get(reverse("governance:election_new"))
    assert page.status_code == 200
    response = client.post(
        reverse("governance:election_new"),
        {
            "name": "Ledenraad 2028",
            "nomination_opens_at": "2027-01-04T09:00",
            "nomination_closes_at": "2027-01-18T17:00",
            "voting_opens_at": "2027-01-25T09:00",
            "voting_closes_at": "2027-02-05T17:00",
            "term_starts_on": "",
            "seats_po": "3",
            "seats_vo": "0",
            "seats_combination": "0",
            "seats_small": "2",
        },
    )
    assert response.status_code == 302
    page = client.get(response.url)
    assert "Ledenraad 2028" in page.text and "PO 3, Small 2" in page.text


def test_staff_count_and_the_results_show_the_elected(
    client, voting, candidates, po_boards, election_staff
):
    from bundel.governance.services import vote_cast

    vote_cast(
        election=voting, board=po_boards[0], candidate=candidates["Bo"], by=contact_of(po_boards[0])
    )
    closed = shift(voting, "closed")
    url = reverse("governance:election", args=[closed.pk])
    page = _login(client, election_staff).get(url)
    assert "Count and publish" in page.text
    assert client.post(url, {"action": "count"}).status_code == 302
    page = client.get(url)
    assert "Results" in page.text and "<strong>Elected</strong>" in page.text


def test_election_list_queries_are_bounded(client, election_staff, django_assert_max_num_queries):
    from datetime import timedelta

    from django.utils import timezone

    from bundel.governance.services import election_open

    def make(n):
        now = timezone.now()
        for i in range(n):
            election_open(
                title=f"Verkiezing {i}",
                seats={"po": 2, "small": 1},
                nomination_opens_at=now + timedelta(days=i),
                nomination_closes_at=now + timedelta(days=i + 1),
                voting_opens_at=now + timedelta(days=i + 2),
                voting_closes_at=now + timedelta(days=i + 3),
                by=election_staff,
            )

    _login(client, election_staff)
    for total in (2, 50):
        make(total - (2 if total == 50 else 0))
        with django_assert_max_num_queries(8):
            page = client.get(reverse("governance:elections"))
        assert page.text.count("Verkiezing ") == total
        with django_assert_max_num_queries(8):
            api = client.get(reverse("api:election-list"))
        assert api.json()["count"] == total


# -- API --------------------------------------------------------------------------------------


def _votes_url(election):
    return reverse("api:election-votes", args=[election.pk])


def test_api_vote_201_then_409(client, voting, candidates, po_boards):
    _login(client, contact_of(po_boards[0]))
    body = {"board": po_boards[0].duo_number, "candidate": candidates["An"].pk}
    response = client.post(_votes_url(voting), body, content_type="application/json")
    assert response.status_code == 201
    assert response.json()["board"] == po_boards[0].duo_number
    assert "candidate" not in response.json()
    again = client.post(_votes_url(voting), body, content_type="application/json")
    assert again.status_code == 409
    assert again.json()["code"] == "voted"
    assert Ballot.objects.count() == 1


def test_api_vote_403_for_a_board_outside_the_chamber_or_without_the_right(
    client, voting, candidates, po_boards
):
    vo_member = member_board(po=False, vo=True)
    _login(client, contact_of(vo_member))
    body = {"board": vo_member.duo_number, "candidate": candidates["An"].pk}
    assert client.post(_votes_url(voting), body, content_type="application/json").status_code == 403
    _login(client, contact_of(po_boards[1]))  # not the contact of po_boards[0]
    body = {"board": po_boards[0].duo_number, "candidate": candidates["An"].pk}
    response = client.post(_votes_url(voting), body, content_type="application/json")
    assert response.status_code == 403
    assert "not its contact or its proxy holder" in response.json()["detail"]
    outsider = contact_of(member_board(member=False))
    _login(client, outsider)
    assert client.post(_votes_url(voting), body, content_type="application/json").status_code == 403
    assert not VoteReceipt.objects.exists()


def test_api_vote_400_names_what_is_wrong(client, voting, candidates, po_boards):
    _login(client, contact_of(po_boards[0]))
    response = client.post(
        _votes_url(voting),
        {"board": po_boards[0].duo_number, "candidate": 99999},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json() == {"candidate": ["No such candidate in this election."]}
    response = client.post(
        _votes_url(voting),
        {"board": po_boards[0].duo_number, "candidate": candidates["Dirk"].pk},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "other_chamber"


def test_api_results_after_the_count(
    client, voting, candidates, po_boards, small_board, election_staff
):
    from bundel.governance.services import vote_cast

    for board in po_boards[:2]:
        vote_cast(election=voting, board=board, candidate=candidates["Cas"], by=contact_of(board))
    url = reverse("api:election-results", args=[voting.pk])
    _login(client, contact_of(po_boards[0]))
    assert client.get(url).status_code == 409
    closed = shift(voting, "closed")
    election_count(election=closed, by=election_staff)
    data = client.get(url).json()
    po = next(c for c in data["chambers"] if c["chamber"] == "po")
    assert po["seats"] == 2 and po["ballots"] == 2
    first = po["results"][0]
    assert (first["name"], first["votes"], first["elected"]) == ("Cas", 2, True)
    assert sum(r["elected"] for r in po["results"]) == 2
    small = next(c for c in data["chambers"] if c["chamber"] == "small")
    assert small["results"][0]["name"] == "Dirk" and small["ballots"] == 0
    _login(client, contact_of(member_board(member=False)))
    assert client.get(url).status_code == 403
