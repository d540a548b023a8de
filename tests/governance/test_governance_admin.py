"""Governance in the admin: seats, meetings and proposals through the services (their
refusals on the form, their audit entries); elections read-only; ballots not at all;
nothing deleted."""

import re
from datetime import date

import pytest
from django.contrib import admin

from bundel.audit.models import AuditEntry
from bundel.governance import models
from bundel.governance.constants import Body, SeatKind
from bundel.governance.models import Appointment, Meeting, Proposal
from bundel.governance.services.bodies import appointment_create

from .factories import *  # noqa: F403
from .factories import (
    AppointmentFactory,
    MeetingFactory,
    ProposalFactory,
    counted_election,
    decided,
    member_board,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

ADMIN = "/admin/governance"


def appointment_data(**values) -> dict:
    data = {
        "body": "board",
        "name": "",
        "email": "",
        "user": "",
        "board": "",
        "chamber": "",
        "role": "member",
        "seat_kind": "",
        "employer": "",
        "employer_board": "",
        "starts_on": "2026-01-01",
        "ends_on": "",
    }
    data.update(values)
    return data


def test_ballots_are_not_in_the_admin():
    assert models.Ballot not in admin.site._registry
    assert models.Election in admin.site._registry and models.VoteReceipt in admin.site._registry


def test_staff_appoint_through_the_service(staff_client, board, membership):
    response = staff_client.post(
        f"{ADMIN}/appointment/add/",
        appointment_data(name="Jeroen Bakker", board=board.pk, seat_kind="member"),
    )

    assert response.status_code == 302
    seat = Appointment.objects.get()
    assert (seat.name, seat.board, seat.ends_on) == ("Jeroen Bakker", board, date(2030, 1, 1))
    assert AuditEntry.objects.filter(
        action="governance.appointment.created", object_id=str(seat.pk)
    ).exists()


def test_the_rules_show_on_the_admin_form(staff_client, staff):
    for n in range(5):
        appointment_create(
            body=Body.BOARD,
            name=f"D{n}",
            seat_kind=SeatKind.PROFESSIONAL,
            starts_on=date(2026, 1, 1),
            by=staff,
        )
    member = member_board(name="Stichting Leerrijk")

    full = staff_client.post(
        f"{ADMIN}/appointment/add/", appointment_data(name="Zesde", seat_kind="professional")
    )
    employed = staff_client.post(
        f"{ADMIN}/appointment/add/",
        appointment_data(body="supervisory", name="Ans", employer_board=member.pk),
    )
    too_long = staff_client.post(
        f"{ADMIN}/appointment/add/",
        appointment_data(body="supervisory", name="Lang", ends_on="2031-01-01"),
    )

    assert full.status_code == 200
    assert "The board has 5 seats and all are taken on 2026-01-01." in full.content.decode()
    assert "Ans is employed by Stichting Leerrijk, a member board" in employed.content.decode()
    assert "A term lasts at most 4 years" in too_long.content.decode()
    assert Appointment.objects.count() == 5


def test_staff_end_a_seat_in_the_admin_with_its_reason(staff_client):
    seat = AppointmentFactory(body=Body.BOARD, chamber="", seat_kind="professional")
    url = f"{ADMIN}/appointment/{seat.pk}/change/"

    form = staff_client.get(url).context["adminform"].form
    without_reason = staff_client.post(url, {"ended_on": "2026-06-01", "end_reason": ""})
    ended = staff_client.post(url, {"ended_on": "2026-06-01", "end_reason": "Afgetreden"})

    assert sorted(form.fields) == ["end_reason", "ended_on"]  # the rest is read-only
    assert "Give the reason the seat ends early." in without_reason.content.decode()
    assert ended.status_code == 302
    seat.refresh_from_db()
    assert (seat.ended_on, seat.end_reason) == (date(2026, 6, 1), "Afgetreden")
    assert AuditEntry.objects.filter(action="governance.appointment.ended").count() == 1
    assert staff_client.get(url).context["adminform"].form.fields == {}


def test_staff_plan_and_change_a_meeting_through_the_services(staff_client, staff, seat):
    added = staff_client.post(
        f"{ADMIN}/meeting/add/",
        {
            "kind": "council",
            "title": "Ledenraad najaar",
            "starts_at_0": "2026-10-01",
            "starts_at_1": "19:30",
            "place": "Utrecht",
            "agenda": "1. Opening",
            **inlines(),
        },
    )
    meeting = Meeting.objects.get()
    changed = staff_client.post(
        f"{ADMIN}/meeting/{meeting.pk}/change/",
        {
            "kind": "council",
            "title": "Ledenraad najaar",
            "starts_at_0": "2026-10-02",
            "starts_at_1": "19:30",
            "place": "Amersfoort",
            "agenda": "1. Opening",
            **inlines(),
        },
    )

    assert added.status_code == 302 and changed.status_code == 302, changed.content.decode()
    meeting.refresh_from_db()
    assert (meeting.created_by, meeting.place, meeting.starts_at.day) == (staff, "Amersfoort", 2)
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"governance.meeting.created", "governance.meeting.changed"} <= actions


def inlines() -> dict:
    data = {}
    for prefix in ("documents", "proposals"):
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": "0",
                f"{prefix}-INITIAL_FORMS": "0",
                f"{prefix}-MIN_NUM_FORMS": "0",
                f"{prefix}-MAX_NUM_FORMS": "1000",
            }
        )
    return data


def test_a_meeting_s_documents_and_proposals_are_read_only_inlines(staff_client):
    meeting = MeetingFactory()
    decided(meeting, title="Lidmaatschapsovereenkomst 2027")

    page = staff_client.get(f"{ADMIN}/meeting/{meeting.pk}/change/")

    html = page.content.decode()
    assert "Lidmaatschapsovereenkomst 2027" in html
    assert 'name="proposals-0-title"' not in html and "proposals-0-DELETE" not in html
    assert f'href="/governance/meetings/{meeting.pk}/"' in html


def test_a_meeting_whose_vote_opened_keeps_its_date(staff_client):
    meeting = MeetingFactory()
    decided(meeting)

    form = staff_client.get(f"{ADMIN}/meeting/{meeting.pk}/change/").context["adminform"].form

    assert "starts_at" not in form.fields and "kind" not in form.fields
    assert "place" in form.fields


def test_staff_add_a_proposal_through_the_service(staff_client):
    meeting, other = MeetingFactory(), MeetingFactory()
    document = models.MeetingDocument.objects.create(meeting=other, title="Elders", file="x.pdf")

    refused = staff_client.post(
        f"{ADMIN}/proposal/add/",
        {
            "meeting": meeting.pk,
            "title": "Begroting",
            "text": "Goedkeuren",
            "document": document.pk,
            **votes_inline(),
        },
    )
    added = staff_client.post(
        f"{ADMIN}/proposal/add/",
        {"meeting": meeting.pk, "title": "Begroting", "text": "Goedkeuren", **votes_inline()},
    )

    assert "The document belongs to another meeting." in refused.content.decode()
    assert added.status_code == 302
    proposal = Proposal.objects.get()
    assert (proposal.meeting, proposal.outcome) == (meeting, "open")
    assert AuditEntry.objects.filter(action="governance.proposal.added").count() == 1


def votes_inline() -> dict:
    return {
        "votes-TOTAL_FORMS": "0",
        "votes-INITIAL_FORMS": "0",
        "votes-MIN_NUM_FORMS": "0",
        "votes-MAX_NUM_FORMS": "1000",
    }


def test_a_proposal_is_read_only_once_added(staff_client):
    proposal = ProposalFactory(title="Jaarplan")

    page = staff_client.get(f"{ADMIN}/proposal/{proposal.pk}/change/")
    staff_client.post(f"{ADMIN}/proposal/{proposal.pk}/change/", {"title": "Gewijzigd"})

    assert 'name="_save"' not in page.content.decode()
    proposal.refresh_from_db()
    assert proposal.title == "Jaarplan"


def test_elections_are_read_only(staff_client, today):
    election = counted_election(seats={"small": 4, "po": 3}, term_starts_on=today)

    page = staff_client.get(f"{ADMIN}/election/{election.pk}/change/")
    add = staff_client.get(f"{ADMIN}/election/add/")

    html = page.content.decode()
    assert page.status_code == 200 and add.status_code == 403
    assert 'name="_save"' not in html and 'name="title"' not in html
    cells = re.findall(r'<td class="field-(chamber|seats)">\s*<p>(.*?)</p>', html)
    assert cells == [("chamber", "PO"), ("seats", "3"), ("chamber", "Small"), ("seats", "4")]
    for model in ("candidate", "proxy", "votereceipt"):
        assert staff_client.get(f"{ADMIN}/{model}/").status_code == 200
        assert staff_client.get(f"{ADMIN}/{model}/add/").status_code == 403


def test_nothing_of_governance_is_deleted(staff_client, staff, rf, today):
    seat = AppointmentFactory()
    meeting = MeetingFactory()
    proposal = ProposalFactory(meeting=meeting)
    election = counted_election(seats={"small": 1}, term_starts_on=today)
    registered = [m for m in admin.site._registry if m._meta.app_label == "governance"]

    request = rf.get("/admin/")
    request.user = staff
    for model in registered:
        assert not admin.site._registry[model].has_delete_permission(request), model
    for path, pk in (
        ("appointment", seat.pk),
        ("meeting", meeting.pk),
        ("proposal", proposal.pk),
        ("election", election.pk),
    ):
        response = staff_client.post(f"{ADMIN}/{path}/{pk}/delete/", {"post": "yes"})
        assert response.status_code == 403
    assert Appointment.objects.filter(pk=seat.pk).exists() and Meeting.objects.exists()
    assert sorted(m.__name__ for m in registered) == [
        "Appointment",
        "Candidate",
        "Election",
        "Meeting",
        "Proposal",
        "Proxy",
        "VoteReceipt",
    ]


def test_others_do_not_reach_the_governance_admin(client, contact):
    client.force_login(contact)

    response = client.get(f"{ADMIN}/appointment/")

    assert response.status_code == 302 and "/admin/login/" in response["Location"]


@pytest.mark.parametrize(
    "model", ["appointment", "meeting", "proposal", "election", "candidate", "proxy", "votereceipt"]
)
def test_the_lists_open_for_staff(staff_client, today, model):
    AppointmentFactory(name="Rosa Raadslid")
    decided(MeetingFactory(title="Ledenraad"), title="Jaarplan")
    counted_election(seats={"small": 1}, term_starts_on=today)

    response = staff_client.get(f"{ADMIN}/{model}/")

    assert response.status_code == 200
    shown = {"appointment": "Rosa Raadslid", "meeting": "Ledenraad", "proposal": "Jaarplan"}
    assert shown.get(model, "") in response.content.decode()
