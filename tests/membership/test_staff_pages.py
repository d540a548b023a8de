"""The staff's membership pages: list (filters, exports, bounded queries), admissions
queue and a membership's page, each action through the test client; board contacts
and outsiders get nothing of them."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from openpyxl import load_workbook

from bundel.audit.models import AuditEntry
from bundel.membership import services
from bundel.membership.dates import add_months
from bundel.membership.models import Agreement, Membership, Settlement

from ..factories import BoardFactory, MembershipFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def refreshed(membership: Membership) -> Membership:
    return Membership.objects.get(pk=membership.pk)


# --- The list ---------------------------------------------------------------------------


def test_list_filters_by_state_and_searches_by_board_number(staff_client, member):
    MembershipFactory(board=BoardFactory(duo_number="20281"), state="applied")
    MembershipFactory(board=BoardFactory(duo_number="41299"), state="interested")

    every = staff_client.get("/membership/all/")
    applied = staff_client.get("/membership/all/?state=applied")
    searched = staff_client.get("/membership/all/?q=412")

    def numbers(response):
        return [m.board.duo_number for m in response.context["page"]]

    assert numbers(every) == ["20281", "41211", "41299"]
    assert numbers(applied) == ["20281"]
    assert numbers(searched) == ["41211", "41299"]
    html = every.content.decode()
    assert f'href="/membership/{member.pk}/"' in html and "Member" in html


def test_htmx_filtering_returns_only_the_results(staff_client, member):
    response = staff_client.get("/membership/all/?state=member", HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert "<html" not in html and html.count("<tr>") == 2  # header + 1


def test_list_exports_csv_and_xlsx(staff_client, member, long_ago):
    MembershipFactory(board=BoardFactory(duo_number="20281"), state="applied")

    csv_response = staff_client.get("/membership/all/?state=member&format=csv")
    xlsx_response = staff_client.get("/membership/all/?format=xlsx")

    rows = list(csv.reader(io.StringIO(csv_response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["DUO number", "Board", "State"]
    assert len(rows) == 2
    assert rows[1][:3] == ["41211", "Board 41211", "Member"]
    assert rows[1][7] == long_ago.isoformat()  # admitted on
    assert rows[1][13:] == ["yes", "no"]  # membership agreement, service agreement
    sheet = load_workbook(io.BytesIO(xlsx_response.content)).active
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["20281", "41211"]


@pytest.mark.parametrize("rows", [2, 50])
def test_list_queries_do_not_grow(staff_client, django_assert_num_queries, rows):
    for _ in range(rows):
        MembershipFactory()
    with django_assert_num_queries(3):  # user (session: cached), count, page
        response = staff_client.get("/membership/all/")
    assert len(response.context["page"]) == rows


# --- The admissions queue -----------------------------------------------------------------


def test_queue_lists_applications_oldest_first(staff_client, signed, today):
    later = MembershipFactory(board=BoardFactory(), applied_on=today)
    MembershipFactory(board=BoardFactory(), state="member")

    response = staff_client.get("/membership/queue/")

    queued = [(m.pk, m.has_agreement) for m, _forms in response.context["rows"]]
    assert queued == [(signed.pk, True), (later.pk, False)]


@pytest.mark.parametrize("rows", [2, 50])
def test_queue_queries_do_not_grow(staff_client, django_assert_num_queries, rows):
    for _ in range(rows):
        MembershipFactory()
    with django_assert_num_queries(2):  # user (session: cached), the annotated queue
        response = staff_client.get("/membership/queue/")
    assert len(response.context["rows"]) == rows


def test_staff_admit_from_the_queue_on_a_past_date(
    staff_client, signed, contact, today, django_capture_on_commit_callbacks
):
    on = today - timedelta(days=3)
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            "/membership/queue/",
            {"action": "admit", "membership": signed.pk, f"admit-{signed.pk}-on": on.isoformat()},
        )

    assert response.status_code == 302
    membership = refreshed(signed)
    assert (membership.state, membership.admitted_on) == ("member", on)
    assert mail.outbox[0].to == [contact.email]
    assert staff_client.get("/membership/queue/").context["rows"] == []


def test_admit_without_a_signed_agreement_shows_the_rule(staff_client, applied):
    response = staff_client.post(
        "/membership/queue/", {"action": "admit", "membership": applied.pk}
    )

    assert response.status_code == 200
    assert "no membership agreement signed by then" in response.content.decode()
    assert refreshed(applied).state == "applied"


def test_admission_cannot_be_dated_in_the_future(staff_client, signed, today):
    tomorrow = today + timedelta(days=1)
    response = staff_client.post(
        "/membership/queue/",
        {"action": "admit", "membership": signed.pk, f"admit-{signed.pk}-on": tomorrow.isoformat()},
    )

    assert "cannot be dated in the future" in response.content.decode()
    assert refreshed(signed).state == "applied"


def test_staff_reject_with_a_reason(staff_client, applied, today):
    response = staff_client.post(
        "/membership/queue/",
        {
            "action": "reject",
            "membership": applied.pk,
            f"reject-{applied.pk}-reason": "Not a publicly funded board.",
        },
    )

    assert response.status_code == 302
    membership = refreshed(applied)
    assert (membership.state, membership.rejected_on, membership.rejection_reason) == (
        "rejected",
        today,
        "Not a publicly funded board.",
    )


def test_reject_without_a_reason_shows_the_rule(staff_client, applied):
    response = staff_client.post(
        "/membership/queue/", {"action": "reject", "membership": applied.pk}
    )

    assert "Give the reason for the rejection." in response.content.decode()
    assert refreshed(applied).state == "applied"


def test_queue_accepts_only_admit_and_reject(staff_client, applied):
    response = staff_client.post(
        "/membership/queue/", {"action": "founding", "membership": applied.pk}
    )
    assert response.status_code == 400
    assert not refreshed(applied).is_founding


# --- A membership's page ------------------------------------------------------------------


def test_detail_shows_facts_agreements_and_the_audit_trail(staff_client, member, long_ago):
    response = staff_client.get(f"/membership/{member.pk}/")

    html = response.content.decode()
    assert response.context["membership"] == member
    assert "Anna de Vries, voorzitter" in html and "2026.1" in html
    assert long_ago.strftime("%d-%m-%Y") in html
    actions = [entry.action for entry in response.context["audit"]]
    assert actions == [
        "membership.admitted",
        "membership.agreement_signed",
        "membership.applied",
        "membership.interest_declared",
    ]
    assert "membership.admitted" in html
    # no service agreement version exists, so it cannot be signed yet
    assert [name for name, _form in response.context["actions"]] == [
        "sign_membership",
        "founding",
        "notice",
        "coop_notice",
    ]


def test_staff_mark_founding_on_a_past_date(staff_client, interested, long_ago):
    response = staff_client.post(
        f"/membership/{interested.pk}/",
        {"action": "founding", "founding-on": long_ago.isoformat()},
    )

    assert response.status_code == 302 and response["Location"] == f"/membership/{interested.pk}/"
    membership = refreshed(interested)
    assert (membership.is_founding, membership.founding_since) == (True, long_ago)
    assert AuditEntry.objects.filter(action="membership.founding_marked").exists()


def test_cooperative_gives_six_months_notice_with_a_reason(staff_client, member, today):
    on = today - timedelta(days=2)
    response = staff_client.post(
        f"/membership/{member.pk}/",
        {
            "action": "coop_notice",
            "coop_notice-reason": "No po or vo schools any more.",
            "coop_notice-on": on.isoformat(),
        },
    )

    assert response.status_code == 302
    membership = refreshed(member)
    assert (membership.state, membership.notice_by, membership.notice_on, membership.ends_on) == (
        "notice_given",
        "cooperative",
        on,
        add_months(on, 6),
    )
    assert membership.notice_reason == "No po or vo schools any more."


def test_cooperative_notice_without_a_reason_shows_the_rule(staff_client, member):
    response = staff_client.post(f"/membership/{member.pk}/", {"action": "coop_notice"})

    assert response.status_code == 200
    assert "The cooperative gives notice only with a reason" in response.content.decode()
    assert refreshed(member).state == "member"


def test_staff_withdraw_the_cooperatives_notice(staff_client, member, staff):
    services.membership_give_notice(
        membership=member, by=staff, notice_by="cooperative", reason="Conditions."
    )

    staff_client.post(f"/membership/{member.pk}/", {"action": "withdraw_notice"})

    membership = refreshed(member)
    assert (membership.state, membership.ends_on, membership.notice_reason) == ("member", None, "")


def test_staff_record_a_settlement_and_it_is_shown(staff_client, member, contact, today):
    services.membership_give_notice(membership=member, by=contact, notice_by="member")
    decided = today  # a settlement is decided on or after the notice

    response = staff_client.post(
        f"/membership/{member.pk}/",
        {
            "action": "settlement",
            "settlement-amount": "12500.50",
            "settlement-adjustment_reason": "Share agreed with the wifi supplier.",
            "settlement-basis": "Share of the running wifi contract.",
            "settlement-decided_on": decided.isoformat(),
        },
    )

    assert response.status_code == 302
    settlement = Settlement.objects.get(membership=member)
    assert (settlement.amount, settlement.basis, settlement.decided_on) == (
        Decimal("12500.50"),
        "Share of the running wifi contract.",
        decided,
    )
    html = staff_client.get(f"/membership/{member.pk}/").content.decode()
    assert "€ 12,500.50" in html and "Share of the running wifi contract." in html


def test_settlement_of_a_staying_member_is_refused(staff_client, member, today):
    response = staff_client.post(
        f"/membership/{member.pk}/",
        {"action": "settlement", "settlement-amount": "100", "settlement-basis": "x"},
    )

    assert "Cannot record a settlement" in response.content.decode()
    assert not Settlement.objects.exists()


def test_staff_record_a_paper_agreement_signed_in_the_past(
    staff_client, applied, long_ago, service_version
):
    staff_client.post(
        f"/membership/{applied.pk}/",
        {
            "action": "sign_service",
            "sign_service-version": "SLA-1",
            "sign_service-signer": "B. Jansen",
            "sign_service-on": long_ago.isoformat(),
        },
    )

    agreement = Agreement.objects.get(membership=applied)
    assert (agreement.kind, agreement.signed_on, agreement.signer) == (
        "service",
        long_ago,
        "B. Jansen",
    )


# --- Who may see and do what --------------------------------------------------------------


def test_contact_sees_its_own_membership_page_without_the_audit_trail(
    contact_client, member, service_version
):
    response = contact_client.get(f"/membership/{member.pk}/")

    assert response.status_code == 200
    assert list(response.context["audit"]) == []
    assert [name for name, _form in response.context["actions"]] == [
        "sign_membership",
        "sign_service",
        "notice",
    ]


def test_contact_cannot_take_staff_actions_on_its_page(contact_client, member):
    response = contact_client.post(
        f"/membership/{member.pk}/", {"action": "coop_notice", "coop_notice-reason": "x"}
    )
    assert response.status_code == 403
    assert refreshed(member).state == "member"


@pytest.mark.parametrize("url", ["/membership/all/", "/membership/queue/"])
def test_staff_pages_refuse_board_contacts(contact_client, url):
    assert contact_client.get(url).status_code == 403


@pytest.mark.parametrize("url", ["/membership/all/", "/membership/queue/"])
def test_staff_pages_send_anonymous_visitors_to_log_in(client, url):
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_contact_cannot_admit_through_the_queue(contact_client, signed):
    response = contact_client.post(
        "/membership/queue/", {"action": "admit", "membership": signed.pk}
    )
    assert response.status_code == 403
    assert refreshed(signed).state == "applied"


def test_outsider_gets_404_for_the_first_boards_membership_page(outsider_client, member):
    assert outsider_client.get(f"/membership/{member.pk}/").status_code == 404
    response = outsider_client.post(
        f"/membership/{member.pk}/", {"action": "notice", "notice-confirm": "on"}
    )
    assert response.status_code == 404
    assert refreshed(member).state == "member"


def test_outsider_cannot_use_the_queue_on_the_first_board(outsider_client, signed):
    response = outsider_client.post(
        "/membership/queue/",
        {"action": "reject", "membership": signed.pk, f"reject-{signed.pk}-reason": "x"},
    )
    assert response.status_code == 403
    assert refreshed(signed).state == "applied"


def test_a_missing_membership_is_404(staff_client):
    assert staff_client.get("/membership/999999/").status_code == 404
    response = staff_client.post("/membership/queue/", {"action": "admit", "membership": "x"})
    assert response.status_code == 404
