"""A board contact's own membership page: every action through the test client, with the
resulting state and dates; what contacts may not do; an outsider gets nothing."""

from datetime import timedelta

import pytest
from django.core import mail

from bundel.audit.models import AuditEntry
from bundel.membership import services
from bundel.membership.dates import add_months
from bundel.membership.models import Agreement, Membership

from ..factories import BoardFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def refreshed(membership: Membership) -> Membership:
    return Membership.objects.get(pk=membership.pk)


def test_without_membership_shows_the_fee_by_pupils_and_how_to_join(contact_client):
    response = contact_client.get("/membership/")

    assert response.status_code == 200
    fee = response.context["fee"]
    assert (fee.amount, fee.pupils, fee.is_small) == (1000, 812, True)
    html = response.content.decode()
    assert "€ 1,000.00" in html and "812 pupils" in html
    assert [name for name, _form in response.context["actions"]] == ["start"]
    assert 'value="interest"' in html and 'value="application"' in html


def test_contact_declares_interest(
    contact_client, board, contact, today, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = contact_client.post(
            "/membership/", {"action": "start", "start-kind": "interest"}
        )

    assert response.status_code == 302 and response["Location"] == "/membership/"
    membership = Membership.objects.get(board=board)
    assert (membership.state, membership.interested_on, membership.applied_on) == (
        "interested",
        today,
        None,
    )
    assert AuditEntry.objects.filter(action="membership.interest_declared").count() == 1
    assert [m.to for m in mail.outbox] == [[contact.email]]
    page = contact_client.get("/membership/")
    assert "Your interest is recorded" in page.content.decode()
    assert [name for name, _form in page.context["actions"]] == ["apply"]


def test_contact_applies_straight_away(contact_client, board, today):
    contact_client.post("/membership/", {"action": "start", "start-kind": "application"})

    membership = Membership.objects.get(board=board)
    assert (membership.state, membership.interested_on, membership.applied_on) == (
        "applied",
        None,
        today,
    )


def test_contact_applies_after_interest(contact_client, interested, long_ago, today):
    response = contact_client.post("/membership/", {"action": "apply"})

    assert response.status_code == 302
    membership = refreshed(interested)
    assert (membership.state, membership.interested_on, membership.applied_on) == (
        "applied",
        long_ago,
        today,
    )


def test_contact_cannot_date_an_action_in_the_past(contact_client, interested, today):
    yesterday = today - timedelta(days=1)

    page = contact_client.get("/membership/")
    contact_client.post("/membership/", {"action": "apply", "apply-on": yesterday.isoformat()})

    assert "apply-on" not in page.content.decode()  # only staff get the date field
    assert refreshed(interested).applied_on == today


def test_contact_signs_the_membership_agreement(
    contact_client, contact, applied, membership_version, service_version, today
):
    page = contact_client.get("/membership/")
    names = [name for name, _form in page.context["actions"]]
    assert names == ["sign_membership", "sign_service"]

    response = contact_client.post(
        "/membership/",
        {
            "action": "sign_membership",
            "sign_membership-version": "2026.1",
            "sign_membership-signer": "  Anna de Vries  ",
        },
    )

    assert response.status_code == 302
    agreement = Agreement.objects.get(membership=applied)
    assert (
        agreement.kind,
        agreement.version.version,
        agreement.signed_on,
        agreement.signer,
        agreement.recorded_by,
    ) == ("membership", "2026.1", today, "Anna de Vries", contact)
    html = contact_client.get("/membership/").content.decode()
    assert "Anna de Vries" in html and f"/membership/{applied.pk}/agreement/membership.pdf" in html


def test_signing_without_a_name_shows_the_services_message(
    contact_client, applied, membership_version
):
    response = contact_client.post(
        "/membership/",
        {
            "action": "sign_membership",
            "sign_membership-version": "2026.1",
            "sign_membership-signer": " ",
        },
    )

    assert response.status_code == 200
    assert "Name who signed the agreement." in response.content.decode()
    assert not Agreement.objects.exists()


def test_sign_form_offers_only_versions_of_its_kind(
    contact_client, applied, membership_version, service_version
):
    response = contact_client.get("/membership/")

    forms = dict(response.context["actions"])
    assert [c[0] for c in forms["sign_membership"].fields["version"].choices] == ["2026.1"]
    assert [c[0] for c in forms["sign_service"].fields["version"].choices] == ["SLA-1"]


def test_contact_gives_notice_of_a_year(contact_client, member, today, settings):
    response = contact_client.post("/membership/", {"action": "notice", "notice-confirm": "on"})

    assert response.status_code == 302
    membership = refreshed(member)
    assert (membership.state, membership.notice_by, membership.notice_on) == (
        "notice_given",
        "member",
        today,
    )
    assert membership.ends_on == add_months(today, settings.NOTICE_MONTHS_BY_MEMBER)
    assert membership.ends_on == add_months(today, 12)
    html = contact_client.get("/membership/").content.decode()
    assert membership.ends_on.strftime("%d-%m-%Y") in html


def test_notice_needs_the_confirmation(contact_client, member):
    response = contact_client.post("/membership/", {"action": "notice"})

    assert response.status_code == 200
    assert response.context["actions"][-1][1].errors["confirm"]
    assert refreshed(member).state == "member"


def test_contact_withdraws_the_boards_notice(contact_client, member, contact):
    services.membership_give_notice(membership=member, by=contact, notice_by="member")

    response = contact_client.post("/membership/", {"action": "withdraw_notice"})

    assert response.status_code == 302
    membership = refreshed(member)
    assert (membership.state, membership.notice_on, membership.notice_by, membership.ends_on) == (
        "member",
        None,
        "",
        None,
    )


def test_contact_cannot_withdraw_the_cooperatives_notice(contact_client, member, staff):
    services.membership_give_notice(
        membership=member, by=staff, notice_by="cooperative", reason="No po/vo schools left."
    )

    page = contact_client.get("/membership/")
    response = contact_client.post("/membership/", {"action": "withdraw_notice"})

    assert "withdraw_notice" not in dict(page.context["actions"])
    assert response.status_code == 403
    assert refreshed(member).state == "notice_given"


def test_a_stale_action_shows_why_it_was_refused(contact_client, applied):
    response = contact_client.post("/membership/", {"action": "apply"})  # already applied

    assert response.status_code == 200
    assert "Cannot apply: the membership of" in response.content.decode()
    assert refreshed(applied).state == "applied"


def test_contact_cannot_take_staff_actions(contact_client, signed):
    assert contact_client.post("/membership/", {"action": "admit"}).status_code == 403
    assert contact_client.post("/membership/", {"action": "founding"}).status_code == 403
    membership = refreshed(signed)
    assert (membership.state, membership.is_founding) == ("applied", False)


def test_unknown_action_is_a_bad_request(contact_client):
    assert contact_client.post("/membership/", {"action": "delete"}).status_code == 400


def test_board_without_po_or_vo_locations_is_told_it_cannot_join(client):
    board = BoardFactory()  # no locations in the registry
    client.force_login(UserFactory(board=board))

    page = client.get("/membership/")
    response = client.post("/membership/", {"action": "start", "start-kind": "interest"})

    assert page.context["actions"] == [] and not page.context["eligible"]
    assert "only boards of publicly funded po and vo schools" in response.content.decode()
    assert not Membership.objects.exists()


def test_contact_may_start_again_after_a_rejection(contact_client, applied, staff, board, today):
    services.membership_reject(membership=applied, by=staff, reason="Incomplete.")

    contact_client.post("/membership/", {"action": "start", "start-kind": "application"})

    assert list(Membership.objects.filter(board=board).values_list("state", flat=True)) == [
        "applied",
        "rejected",
    ]


def test_staff_are_sent_to_the_list(staff_client):
    response = staff_client.get("/membership/")
    assert (response.status_code, response["Location"]) == (302, "/membership/all/")


def test_anonymous_visitors_must_log_in(client):
    response = client.get("/membership/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_a_supplier_has_no_membership_page(client):
    client.force_login(UserFactory(role="supplier", board=None, organisation="Netwerk BV"))
    assert client.get("/membership/").status_code == 403


# --- The outsider: the contact of another board gets nothing of the first board's. ---


def test_outsider_sees_only_its_own_board(outsider_client, member, outsider_board):
    response = outsider_client.get("/membership/")

    assert response.context["membership"] is None
    assert response.context["board"] == outsider_board
    assert "41211" not in response.content.decode()


def test_outsider_cannot_act_on_the_first_boards_membership(outsider_client, member):
    for action in ("notice", "withdraw_notice", "apply"):
        response = outsider_client.post(
            "/membership/", {"action": action, f"{action}-confirm": "on"}
        )
        assert "Your board has no membership yet." in response.content.decode()
    assert (
        outsider_client.post(
            f"/membership/{member.pk}/", {"action": "notice", "notice-confirm": "on"}
        ).status_code
        == 404
    )
    assert refreshed(member).state == "member"


def test_council_member_reads_its_boards_membership_without_actions(client, board, db):
    from bundel.accounts.constants import Role
    from bundel.membership import services
    from bundel.membership.constants import Kind

    from ..factories import UserFactory

    contact = UserFactory(board=board, username="contact2")
    membership = services.membership_start(board=board, kind=Kind.INTEREST, by=contact)
    council = UserFactory(board=board, role=Role.COUNCIL_MEMBER, username="council")
    client.force_login(council)

    response = client.get(f"/membership/{membership.pk}/")

    assert response.status_code == 200
    assert response.context["actions"] == []
