"""Meeting pages, documents, the minutes PDF and the meetings API: members and staff see
them; the public, boards that are not members and suppliers see nothing."""

import io
from datetime import timedelta

import pytest
import weasyprint
from django.utils import timezone
from pypdf import PdfReader

from bundel.governance.constants import Outcome
from bundel.governance.models import Meeting, MeetingDocument, Proposal, ProposalVote
from bundel.governance.services import meetings as services

from ..factories import UserFactory
from .factories import *  # noqa: F403
from .factories import (
    AppointmentFactory,
    MeetingFactory,
    ProposalFactory,
    at,
    decided,
    pdf_upload,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english", "media")]


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def published(staff, council_meeting):
    """A held council meeting with a document, two decided proposals and its minutes."""
    document = services.document_add(
        meeting=council_meeting, title="Meerjarenplan 2027-2030", file=pdf_upload(), by=staff
    )
    decided(
        council_meeting,
        title="Lidmaatschapsovereenkomst 2027",
        votes_for=21,
        votes_against=6,
        abstentions=3,
        quorum=18,
        electorate=36,
    )
    Proposal.objects.create(
        meeting=council_meeting,
        title="Meerjarenplan 2027-2030",
        text="Instemmen met het plan.",
        document=document,
        outcome=Outcome.NO_QUORUM,
        electorate=36,
        quorum=18,
        votes_for=12,
        votes_against=2,
        abstentions=1,
    )
    return services.minutes_publish(
        meeting=council_meeting, minutes="De voorzitter opent de vergadering.", by=staff
    )


def login(client, user):
    client.force_login(user)
    return client


# -- who sees meetings ------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["contact", "councillor", "staff"])
def test_members_and_staff_see_the_meetings(client, request, published, who, membership):
    user = request.getfixturevalue(who)
    login(client, user)

    listing = client.get("/governance/meetings/")
    page = client.get(f"/governance/meetings/{published.pk}/")

    assert listing.status_code == 200
    assert [m.pk for m in listing.context["page"].object_list] == [published.pk]
    row = listing.context["page"].object_list[0]
    assert (row.proposal_count, row.decided_count, row.document_count) == (2, 2, 1)
    html = page.content.decode()
    assert page.status_code == 200
    assert "Lidmaatschapsovereenkomst 2027" in html and "2. Lidmaatschapsovereenkomst" in html
    assert 'data-outcome="passed"' in html and 'data-outcome="no_quorum"' in html
    assert "<dt>For</dt><dd>21</dd>" in html and "<dt>Entitled to vote</dt><dd>36</dd>" in html
    assert "De voorzitter opent de vergadering." in html
    assert f"/governance/meetings/{published.pk}/minutes.pdf" in html


@pytest.mark.parametrize("who", ["outsider", "supplier"])
def test_outsiders_see_nothing_of_meetings(client, request, published, who):
    login(client, request.getfixturevalue(who))
    document = published.documents.get()

    responses = [
        client.get("/governance/meetings/"),
        client.get(f"/governance/meetings/{published.pk}/"),
        client.get(f"/governance/meetings/{published.pk}/documents/{document.pk}/"),
        client.get(f"/governance/meetings/{published.pk}/minutes.pdf"),
        client.get("/api/v1/meetings/"),
        client.get(f"/api/v1/meetings/{published.pk}/"),
    ]

    assert [r.status_code for r in responses] == [403] * 6
    assert all(b"Lidmaatschapsovereenkomst" not in r.content for r in responses)


def test_anonymous_visitors_are_asked_to_log_in(client, published):
    document = published.documents.get()
    paths = [
        "/governance/meetings/",
        f"/governance/meetings/{published.pk}/",
        f"/governance/meetings/{published.pk}/documents/{document.pk}/",
        f"/governance/meetings/{published.pk}/minutes.pdf",
    ]

    for path in paths:
        response = client.get(path)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert client.get("/api/v1/meetings/").status_code == 403
    assert b"Meerjarenplan" not in client.get("/api/v1/meetings/").content


def test_a_former_member_loses_sight_of_the_meetings(client, contact, membership, published):
    login(client, contact)
    assert client.get("/governance/meetings/").status_code == 200

    membership.state = "ended"
    membership.save()

    assert client.get("/governance/meetings/").status_code == 403


# -- documents --------------------------------------------------------------------------------


def test_a_document_downloads_as_a_pdf_attachment(client, contact, membership, published):
    document = published.documents.get()

    response = login(client, contact).get(
        f"/governance/meetings/{published.pk}/documents/{document.pk}/"
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == ('attachment; filename="meerjarenplan-2027-2030.pdf"')
    assert b"".join(response.streaming_content) == pdf_upload().read()


def test_a_document_is_found_only_under_its_own_meeting(client, contact, membership, published):
    other = MeetingFactory()
    document = published.documents.get()

    response = login(client, contact).get(
        f"/governance/meetings/{other.pk}/documents/{document.pk}/"
    )

    assert response.status_code == 404


# -- voting on the page -----------------------------------------------------------------------


@pytest.fixture
def voting(staff, seat, council_meeting):
    for _n in range(4):
        AppointmentFactory()
    return services.proposal_open(
        proposal=ProposalFactory(meeting=council_meeting, title="Jaarplan"), by=staff
    )


def vote(client, proposal, choice):
    return client.post(
        f"/governance/meetings/{proposal.meeting_id}/",
        {"action": "vote", "proposal": proposal.pk, f"vote-{proposal.pk}-choice": choice},
        follow=True,
    )


def test_a_council_member_votes_on_the_page_and_sees_the_vote(client, councillor, voting):
    login(client, councillor)
    before = client.get(f"/governance/meetings/{voting.meeting_id}/").content.decode()

    after = vote(client, voting, "against")
    again = vote(client, voting, "for")

    assert f'id="action-vote-{voting.pk}"' in before
    html = after.content.decode()
    assert "Your vote is recorded." in html
    assert 'data-my-vote="against"' in html and "You voted: Against" in html
    assert f'id="action-vote-{voting.pk}"' not in html
    assert "You have already voted on this proposal." in again.content.decode()
    assert list(ProposalVote.objects.values_list("choice", flat=True)) == ["against"]


def test_a_member_board_contact_may_not_vote_at_a_council_meeting(client, contact, voting):
    login(client, contact)
    page = client.get(f"/governance/meetings/{voting.meeting_id}/").content.decode()

    response = vote(client, voting, "for")

    assert f'id="action-vote-{voting.pk}"' not in page
    assert response.status_code == 403
    assert not ProposalVote.objects.exists()


def test_at_the_member_day_the_contact_votes_for_its_board(
    client, staff, contact, membership, member_day
):
    proposal = services.proposal_open(proposal=ProposalFactory(meeting=member_day), by=staff)
    colleague = UserFactory(board=contact.board)

    vote(login(client, contact), proposal, "abstain")
    page = login(client, colleague).get(f"/governance/meetings/{member_day.pk}/")

    html = page.content.decode()
    assert "Your board voted: Abstain" in html
    assert f'id="action-vote-{proposal.pk}"' not in html


# -- staff actions ----------------------------------------------------------------------------


def test_staff_run_a_meeting_from_the_page(client, staff, seat, councillor):
    login(client, staff)
    created = client.post(
        "/governance/meetings/new/",
        {
            "action": "meeting",
            "meeting-kind": "council",
            "meeting-title_": "Ledenraad najaar",
            "meeting-starts_at": (timezone.localtime() - timedelta(days=1)).strftime(
                "%Y-%m-%dT08:00"
            ),
            "meeting-place": "Utrecht",
            "meeting-agenda": "1. Opening\n2. Begroting",
        },
    )
    meeting = Meeting.objects.get()
    url = f"/governance/meetings/{meeting.pk}/"
    upload = client.post(
        url,
        {"action": "document", "document-title_": "Begroting 2027", "document-file": pdf_upload()},
    )
    document = MeetingDocument.objects.get()
    client.post(
        url,
        {
            "action": "proposal",
            "proposal-title_": "Begroting 2027",
            "proposal-text": "De ledenraad keurt de begroting goed.",
            "proposal-document": document.pk,
        },
    )
    proposal = Proposal.objects.get()
    client.post(url, {"action": "open", "proposal": proposal.pk})
    refused = client.post(url, {"action": "minutes", "minutes-minutes": "Notulen"})
    client.force_login(councillor)
    vote(client, proposal, "for")
    client.force_login(staff)
    closed = client.post(url, {"action": "close", "proposal": proposal.pk}, follow=True)
    client.post(url, {"action": "minutes", "minutes-minutes": "Vastgesteld."})

    assert created.status_code == 302 and created["Location"] == url
    assert (meeting.kind, meeting.title, meeting.created_by) == (
        "council",
        "Ledenraad najaar",
        staff,
    )
    assert upload.status_code == 302 and document.title == "Begroting 2027"
    assert proposal.document == document
    assert "Close the votes on every proposal before publishing the minutes." in (
        refused.content.decode()
    )
    assert "The vote is closed: Adopted (1 for, 0 against, 0 abstentions)." in (
        closed.content.decode()
    )
    proposal.refresh_from_db()
    meeting.refresh_from_db()
    assert (proposal.outcome, proposal.electorate, proposal.quorum) == ("passed", 1, 1)
    assert meeting.minutes == "Vastgesteld." and meeting.minutes_published_at is not None


def test_a_refused_upload_shows_the_rule_on_the_form(client, staff, council_meeting):
    response = login(client, staff).post(
        f"/governance/meetings/{council_meeting.pk}/",
        {
            "action": "document",
            "document-title_": "Geen pdf",
            "document-file": pdf_upload("notes.pdf", b"just text"),
        },
    )

    assert response.status_code == 200
    assert (
        "The file “notes.pdf” is not accepted: by its content it is of the type “Plain text” "
        "(whatever its name says). Accepted: PDF document."
    ) in response.content.decode()
    assert not MeetingDocument.objects.exists()


def test_staff_record_a_count_from_the_room_on_the_page(client, staff, voting):
    response = login(client, staff).post(
        f"/governance/meetings/{voting.meeting_id}/",
        {
            "action": "count",
            "proposal": voting.pk,
            f"count-{voting.pk}-votes_for": "2",
            f"count-{voting.pk}-votes_against": "1",
            f"count-{voting.pk}-abstentions": "0",
        },
        follow=True,
    )

    voting.refresh_from_db()
    assert (voting.outcome, voting.votes_for, voting.votes_against) == ("passed", 2, 1)
    assert "<dt>For</dt><dd>2</dd>" in response.content.decode()


@pytest.mark.parametrize(
    "action", ["minutes", "document", "proposal", "edit", "open", "close", "count"]
)
def test_members_may_not_run_staff_actions(client, councillor, voting, action):
    response = login(client, councillor).post(
        f"/governance/meetings/{voting.meeting_id}/",
        {"action": action, "proposal": voting.pk, "minutes-minutes": "Hack"},
    )

    assert response.status_code == 403
    voting.meeting.refresh_from_db()
    assert voting.meeting.minutes == ""


def test_staff_change_a_meeting_on_its_page(client, staff, council_meeting):
    response = login(client, staff).post(
        f"/governance/meetings/{council_meeting.pk}/",
        {
            "action": "edit",
            "edit-kind": "council",
            "edit-title_": council_meeting.title,
            "edit-starts_at": timezone.localtime(council_meeting.starts_at).strftime(
                "%Y-%m-%dT%H:%M"
            ),
            "edit-place": "Online (Teams)",
            "edit-agenda": council_meeting.agenda,
        },
        follow=True,
    )

    council_meeting.refresh_from_db()
    assert council_meeting.place == "Online (Teams)"
    assert "The meeting is changed." in response.content.decode()
    assert "Utrecht → Online (Teams)" in response.content.decode()  # the audit trail


def test_members_may_not_plan_meetings(client, contact, membership):
    assert login(client, contact).get("/governance/meetings/new/").status_code == 403


# -- the minutes PDF --------------------------------------------------------------------------


@pytest.fixture
def rendered(monkeypatch):
    """The HTML of every WeasyPrint document the views make (still rendered)."""
    calls = []
    real = weasyprint.HTML

    def spy(*args, **kwargs):
        calls.append(kwargs["string"])
        return real(*args, **kwargs)

    monkeypatch.setattr(weasyprint, "HTML", spy)
    return calls


def test_the_minutes_pdf_has_the_meeting_the_outcomes_and_the_counts(
    client, contact, membership, published, rendered
):
    response = login(client, contact).get(f"/governance/meetings/{published.pk}/minutes.pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    day = timezone.localdate(published.starts_at)
    assert response["Content-Disposition"] == f'inline; filename="minutes-{day:%Y-%m-%d}.pdf"'
    assert response.content.startswith(b"%PDF-")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    text = " ".join(text.split())
    assert "Minutes: Ledenraadvergadering voorjaar" in text
    assert "1. Lidmaatschapsovereenkomst 2027" in text
    assert "Outcome: Adopted" in text and "Outcome: No quorum" in text
    assert "For Against Abstentions Quorum Entitled to vote 21 6 3 18 36" in text
    assert "12 2 1 18 36" in text
    assert "De voorzitter opent de vergadering." in text
    [html] = rendered
    assert '<span class="outcome outcome-passed">Adopted</span>' in html


def test_no_minutes_pdf_before_publishing(client, contact, membership, council_meeting):
    response = login(client, contact).get(f"/governance/meetings/{council_meeting.pk}/minutes.pdf")

    assert response.status_code == 404


# -- bounded queries --------------------------------------------------------------------------


def meetings_with_proposals(n: int) -> None:
    for i in range(n):
        meeting = MeetingFactory(starts_at=at(timezone.localdate() - timedelta(days=i)))
        decided(meeting)
        ProposalFactory(meeting=meeting)


@pytest.mark.parametrize("rows", [2, 50])
def test_the_meetings_page_costs_the_same_queries_for_2_and_50(
    client, contact, membership, rows, django_assert_max_num_queries
):
    meetings_with_proposals(rows)
    login(client, contact)

    with django_assert_max_num_queries(7):
        response = client.get("/governance/meetings/")

    assert len(response.context["page"].object_list) == rows


@pytest.mark.parametrize("rows", [2, 50])
def test_the_meetings_api_costs_the_same_queries_for_2_and_50(
    client, contact, membership, rows, django_assert_max_num_queries
):
    meetings_with_proposals(rows)
    login(client, contact)

    with django_assert_max_num_queries(7):
        response = client.get("/api/v1/meetings/")

    body = response.json()
    assert body["count"] == rows
    assert body["results"][0]["proposal_count"] == 2 and body["results"][0]["decided_count"] == 1


@pytest.mark.parametrize("rows", [2, 50])
def test_a_meeting_page_costs_the_same_queries_for_2_and_50_proposals(
    client, councillor, seat, council_meeting, rows, django_assert_max_num_queries
):
    for _n in range(rows):
        decided(council_meeting)
    login(client, councillor)

    with django_assert_max_num_queries(10):
        response = client.get(f"/governance/meetings/{council_meeting.pk}/")

    assert len(response.context["rows"]) == rows


# -- the API ----------------------------------------------------------------------------------


def test_the_meeting_api_has_documents_proposals_and_minutes(
    client, contact, membership, published
):
    body = login(client, contact).get(f"/api/v1/meetings/{published.pk}/").json()

    assert body["title"] == "Ledenraadvergadering voorjaar" and body["kind"] == "council"
    assert [d["title"] for d in body["documents"]] == ["Meerjarenplan 2027-2030"]
    assert body["documents"][0]["url"].endswith(
        f"/governance/meetings/{published.pk}/documents/{body['documents'][0]['id']}/"
    )
    first, second = body["proposals"]
    assert (first["title"], first["outcome"]) == ("Lidmaatschapsovereenkomst 2027", "passed")
    assert (first["votes_for"], first["votes_against"], first["abstentions"]) == (21, 6, 3)
    assert (first["quorum"], first["electorate"]) == (18, 36)
    assert second["outcome"] == "no_quorum"
    assert body["minutes"] == "De voorzitter opent de vergadering."
    assert body["minutes_pdf"].endswith(f"/governance/meetings/{published.pk}/minutes.pdf")


def test_unpublished_minutes_stay_out_of_the_api(client, contact, membership, council_meeting):
    Meeting.objects.filter(pk=council_meeting.pk).update(minutes="Concept")

    body = login(client, contact).get(f"/api/v1/meetings/{council_meeting.pk}/").json()

    assert (body["minutes"], body["minutes_pdf"]) == (None, None)


def api_vote(client, proposal, choice="for"):
    return client.post(
        f"/api/v1/proposals/{proposal.pk}/votes/",
        {"choice": choice},
        content_type="application/json",
    )


def test_a_council_member_votes_through_the_api_once(client, councillor, voting):
    login(client, councillor)

    first = api_vote(client, voting, "for")
    second = api_vote(client, voting, "against")

    assert first.status_code == 201
    assert first.json()["choice"] == "for" and first.json()["proposal"] == voting.pk
    assert first.json()["as_board"] is None
    assert second.status_code == 409
    assert second.json()["detail"] == ["You have already voted on this proposal."]
    assert second.json()["code"] == "voted"
    assert ProposalVote.objects.count() == 1


def test_the_api_refuses_who_is_not_entitled(client, contact, outsider, supplier, voting):
    not_seated = api_vote(login(client, contact), voting)
    outsider_vote = api_vote(login(client, outsider), voting)
    supplier_vote = api_vote(login(client, supplier), voting)
    client.logout()
    anonymous = api_vote(client, voting)

    assert not_seated.status_code == 403
    assert not_seated.json()["detail"] == "Only the seated council members vote on this proposal."
    assert (outsider_vote.status_code, supplier_vote.status_code) == (403, 403)
    assert anonymous.status_code == 403
    assert not ProposalVote.objects.exists()


def test_the_api_vote_needs_a_choice_and_an_open_proposal(client, councillor, voting):
    login(client, councillor)
    closed = ProposalFactory(meeting=voting.meeting, outcome=Outcome.PASSED)

    assert api_vote(client, voting, "maybe").status_code == 400
    assert api_vote(client, closed).status_code == 409
    assert (
        client.post(
            "/api/v1/proposals/999999/votes/", {"choice": "for"}, content_type="application/json"
        ).status_code
        == 404
    )
