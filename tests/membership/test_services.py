"""The membership lifecycle: every transition's rule, date, actor and audit."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.utils import timezone, translation
from hypothesis import given
from hypothesis import strategies as st

from bundel.audit.models import AuditEntry
from bundel.core.errors import RuleViolation, StateConflict
from bundel.membership import services
from bundel.membership.constants import AgreementKind, Kind, NoticeBy, State
from bundel.membership.dates import add_months
from bundel.membership.models import AgreementVersion, Membership
from bundel.membership.selectors import fee_for_pupils

from ..factories import BoardFactory, LocationFactory

TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in English, whatever the catalogue holds."""
    with translation.override("en"):
        yield


@pytest.fixture
def versions(db):
    AgreementVersion.objects.create(
        kind=AgreementKind.MEMBERSHIP, version="2017.1", valid_from=date(2017, 4, 20)
    )
    AgreementVersion.objects.create(
        kind=AgreementKind.SERVICE, version="2017.1", valid_from=date(2017, 4, 20)
    )


def admitted(board, staff, on=date(2024, 1, 10)) -> Membership:
    m = services.membership_start(board=board, kind=Kind.APPLICATION, by=staff, on=on)
    services.agreement_sign(
        membership=m,
        kind="membership",
        version="2017.1",
        signed_on=on,
        signer="J. de Vries",
        by=staff,
    )
    return services.membership_admit(membership=m, by=staff, on=on)


def test_add_months_keeps_the_day_or_takes_the_month_end():
    assert add_months(date(2024, 8, 31), 6) == date(2025, 2, 28)
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2024, 3, 15), 12) == date(2025, 3, 15)
    assert add_months(date(2024, 11, 30), 2) == date(2025, 1, 30)


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31)), st.integers(1, 36))
def test_notice_end_is_never_before_the_period(start, months):
    end = add_months(start, months)
    assert end > start
    assert (end.year - start.year) * 12 + end.month - start.month == months
    assert end.day == start.day or (end.day < start.day and (end + timedelta(days=1)).day == 1)


@pytest.mark.django_db
def test_contact_declares_interest_then_applies_and_staff_admit(
    board, contact, staff, versions, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "http://testserver"
    with django_capture_on_commit_callbacks(execute=True):
        m = services.membership_start(board=board, kind=Kind.INTEREST, by=contact)
        assert (m.state, m.interested_on) == (State.INTERESTED, TODAY)

        services.membership_apply(membership=m, by=contact)
        with pytest.raises(RuleViolation, match="no membership agreement signed"):
            services.membership_admit(membership=m, by=staff)
        services.agreement_sign(
            membership=m,
            kind="membership",
            version="2017.1",
            signed_on=None,
            signer="A. Bakker",
            by=contact,
        )
        m = services.membership_admit(membership=m, by=staff)

    assert (m.state, m.applied_on, m.admitted_on) == (State.MEMBER, TODAY, TODAY)
    assert list(
        AuditEntry.objects.filter(object_id=str(m.pk))
        .values_list("action", flat=True)
        .order_by("id")
    ) == [
        "membership.interest_declared",
        "membership.applied",
        "membership.agreement_signed",
        "membership.admitted",
    ]
    # E-mails go out in the platform's language (Dutch), whatever language the actor uses.
    assert [(e.subject, e.to) for e in mail.outbox] == [
        ("Bundel: interesse vastgelegd", [contact.email]),
        ("Bundel: aanmelding ontvangen", [contact.email]),
        ("Bundel: welkom als lid", [contact.email]),
    ]
    assert f"http://testserver/membership/{m.pk}/" in mail.outbox[-1].body


@pytest.mark.django_db
def test_board_without_po_or_vo_locations_cannot_join(staff):
    board = BoardFactory()

    with pytest.raises(RuleViolation, match=f"Board {board.duo_number} cannot join|Bestuur"):
        services.membership_start(board=board, kind=Kind.APPLICATION, by=staff)
    assert not Membership.objects.exists()


@pytest.mark.django_db
def test_second_open_membership_is_a_conflict(board, contact):
    services.membership_start(board=board, kind=Kind.INTEREST, by=contact)

    with pytest.raises(StateConflict):
        services.membership_start(board=board, kind=Kind.APPLICATION, by=contact)
    assert Membership.objects.count() == 1


@pytest.mark.django_db
def test_contacts_act_today_staff_may_backdate_nobody_future(board, contact, staff):
    with pytest.raises(PermissionDenied):
        services.membership_start(board=board, kind=Kind.INTEREST, by=contact, on=date(2020, 1, 1))
    with pytest.raises(RuleViolation, match="future"):
        services.membership_start(
            board=board, kind=Kind.INTEREST, by=staff, on=TODAY + timedelta(days=1)
        )
    m = services.membership_start(board=board, kind=Kind.INTEREST, by=staff, on=date(2017, 5, 1))
    assert m.interested_on == date(2017, 5, 1)


@pytest.mark.django_db
def test_outsider_cannot_act_for_another_board(board, outsider):
    with pytest.raises(PermissionDenied):
        services.membership_start(board=board, kind=Kind.INTEREST, by=outsider)
    assert not Membership.objects.exists()


@pytest.mark.django_db
def test_member_gives_a_year_the_cooperative_six_months_with_reason(
    board, contact, staff, versions
):
    m = admitted(board, staff)

    m = services.membership_give_notice(membership=m, by=contact, notice_by=NoticeBy.MEMBER)
    assert (m.state, m.ends_on) == (State.NOTICE_GIVEN, add_months(TODAY, 12))
    m = services.membership_withdraw_notice(membership=m, by=contact)
    assert (m.state, m.ends_on) == (State.MEMBER, None)

    with pytest.raises(PermissionDenied):
        services.membership_give_notice(
            membership=m, by=contact, notice_by=NoticeBy.COOPERATIVE, reason="x"
        )
    with pytest.raises(RuleViolation, match=r"reason|reden"):
        services.membership_give_notice(membership=m, by=staff, notice_by=NoticeBy.COOPERATIVE)
    m = services.membership_give_notice(
        membership=m,
        by=staff,
        notice_by=NoticeBy.COOPERATIVE,
        reason="Geen po- of vo-scholen meer",
        on=date(2024, 8, 31),
    )
    assert m.ends_on == date(2025, 2, 28)


@pytest.mark.django_db
def test_tick_ends_due_memberships_once(board, staff, versions):
    m = admitted(board, staff, on=date(2023, 1, 2))
    services.membership_give_notice(
        membership=m, by=staff, notice_by=NoticeBy.MEMBER, on=date(2023, 3, 1)
    )

    call_command("membership_tick", today="2024-02-29")
    assert Membership.objects.get().state == State.NOTICE_GIVEN
    call_command("membership_tick", today="2024-03-01")
    call_command("membership_tick", today="2024-03-02")

    m = Membership.objects.get()
    assert (m.state, m.ended_on) == (State.ENDED, date(2024, 3, 1))
    assert AuditEntry.objects.filter(action="membership.ended").count() == 1


@pytest.mark.django_db
def test_withdrawing_after_the_end_date_is_refused(board, staff, versions):
    m = admitted(board, staff, on=date(2020, 1, 2))
    m = services.membership_give_notice(
        membership=m, by=staff, notice_by=NoticeBy.MEMBER, on=date(2020, 2, 1)
    )

    with pytest.raises(StateConflict):
        services.membership_withdraw_notice(membership=m, by=staff, on=date(2021, 2, 1))


@pytest.mark.django_db
def test_reject_needs_a_reason_and_frees_the_board(board, staff):
    m = services.membership_start(board=board, kind=Kind.APPLICATION, by=staff)
    with pytest.raises(RuleViolation):
        services.membership_reject(membership=m, by=staff, reason=" ")
    services.membership_reject(membership=m, by=staff, reason="Geen bekostigde school")

    again = services.membership_start(board=board, kind=Kind.INTEREST, by=staff)
    assert again.pk != m.pk


@pytest.mark.django_db
def test_unknown_agreement_version_names_the_known_ones(board, staff, versions):
    m = services.membership_start(board=board, kind=Kind.APPLICATION, by=staff)

    with pytest.raises(RuleViolation, match=r"2017\.1"):
        services.agreement_sign(
            membership=m, kind="membership", version="9.9", signed_on=None, signer="X", by=staff
        )


@pytest.mark.django_db
def test_settlement_is_recorded_for_a_leaving_member(board, staff, versions):
    m = admitted(board, staff)
    with pytest.raises(StateConflict):
        services.settlement_record(
            membership=m, by=staff, amount=Decimal("10"), basis="x", decided_on=TODAY
        )
    services.membership_give_notice(membership=m, by=staff, notice_by=NoticeBy.MEMBER)

    with pytest.raises(RuleViolation, match="give the reason"):
        services.settlement_record(
            membership=m, by=staff, amount=Decimal("12500.00"), basis="x", decided_on=TODAY
        )
    s = services.settlement_record(
        membership=m,
        by=staff,
        amount=Decimal("12500.00"),
        basis="Lopende meerjarige verplichting",
        decided_on=TODAY,
        adjustment_reason="Afspraak over het lopende wifi-contract",
    )

    assert (s.amount, s.computed_amount) == (Decimal("12500.00"), Decimal("0.00"))
    assert AuditEntry.objects.get(action="membership.settlement_recorded").changes["amount"] == [
        None,
        "12500.00",
    ]


@pytest.mark.parametrize(
    ("pupils", "amount"), [(None, "1000.00"), (0, "1000.00"), (1000, "1000.00"), (1001, "2800.00")]
)
def test_fee_by_size_with_the_threshold_included(pupils, amount):
    assert fee_for_pupils(pupils, 2026).amount == Decimal(amount)


def test_fee_schedule_by_year(settings):
    settings.MEMBERSHIP_FEES = {
        "2017": {"max_pupils": 1000, "small": "1000.00", "large": "2800.00"},
        "2027": {"max_pupils": 1200, "small": "1100.00", "large": "3000.00"},
    }
    assert fee_for_pupils(1100, 2026).amount == Decimal("2800.00")
    assert fee_for_pupils(1100, 2027).amount == Decimal("1100.00")
    with pytest.raises(LookupError):
        fee_for_pupils(10, 2016)


@pytest.mark.django_db
def test_founding_member_is_marked_with_its_date(board, staff):
    LocationFactory(board=board)
    m = services.membership_start(board=board, kind=Kind.INTEREST, by=staff, on=date(2017, 3, 1))
    m = services.membership_mark_founding(membership=m, by=staff, on=date(2017, 3, 2))
    assert (m.is_founding, m.founding_since) == (True, date(2017, 3, 2))


@pytest.mark.django_db
def test_marking_a_founding_member_twice_is_a_conflict(board, staff):
    m = services.membership_start(board=board, kind=Kind.INTEREST, by=staff, on=date(2017, 3, 1))
    services.membership_mark_founding(membership=m, by=staff, on=date(2017, 3, 2))

    with pytest.raises(StateConflict, match="already a founding member"):
        services.membership_mark_founding(membership=m, by=staff, on=date(2018, 1, 1))
    assert Membership.objects.get().founding_since == date(2017, 3, 2)


@pytest.mark.django_db
def test_withdrawal_is_not_dated_before_the_notice(board, staff, versions):
    m = admitted(board, staff, on=date(2024, 1, 2))
    m = services.membership_give_notice(
        membership=m, by=staff, notice_by=NoticeBy.MEMBER, on=date(2024, 6, 1)
    )

    with pytest.raises(RuleViolation):
        services.membership_withdraw_notice(membership=m, by=staff, on=date(2024, 5, 1))
    services.membership_withdraw_notice(membership=m, by=staff, on=date(2024, 7, 1))
    entry = AuditEntry.objects.get(action="membership.notice_withdrawn")
    assert entry.data == {"on": "2024-07-01"}


@pytest.mark.django_db
def test_the_same_agreement_version_is_signed_once(board, staff, versions):
    m = services.membership_start(board=board, kind=Kind.APPLICATION, by=staff)
    services.agreement_sign(
        membership=m, kind="service", version="2017.1", signed_on=None, signer="X", by=staff
    )

    with pytest.raises(StateConflict):
        services.agreement_sign(
            membership=m, kind="service", version="2017.1", signed_on=None, signer="Y", by=staff
        )
    assert m.agreements.count() == 1


@pytest.mark.django_db
def test_settlement_is_not_decided_in_the_future(board, staff, versions):
    m = admitted(board, staff)
    services.membership_give_notice(membership=m, by=staff, notice_by=NoticeBy.MEMBER)

    with pytest.raises(RuleViolation, match="future"):
        services.settlement_record(
            membership=m,
            by=staff,
            amount=Decimal("1"),
            basis="x",
            decided_on=TODAY + timedelta(days=1),
        )


@pytest.mark.django_db
def test_no_step_is_dated_before_the_membership_began(board, staff, versions):
    m = services.membership_start(board=board, kind=Kind.APPLICATION, by=staff, on=date(2024, 5, 1))

    for call in (
        lambda: services.membership_reject(membership=m, by=staff, reason="x", on=date(2024, 4, 1)),
        lambda: services.membership_mark_founding(membership=m, by=staff, on=date(2024, 4, 1)),
        lambda: services.agreement_sign(
            membership=m,
            kind="membership",
            version="2017.1",
            signed_on=date(2024, 4, 1),
            signer="X",
            by=staff,
        ),
    ):
        with pytest.raises(RuleViolation, match="before the start of the membership"):
            call()
    m.refresh_from_db()
    assert (m.state, m.is_founding, m.agreements.count()) == (State.APPLIED, False, 0)


@pytest.mark.django_db
def test_a_board_that_lost_its_schools_cannot_be_admitted(board, staff, versions):
    m = services.membership_start(board=board, kind=Kind.APPLICATION, by=staff)
    services.agreement_sign(
        membership=m, kind="membership", version="2017.1", signed_on=None, signer="X", by=staff
    )
    board.locations.update(board=None)  # a later DUO import moved its locations

    with pytest.raises(RuleViolation, match="no po or vo locations"):
        services.membership_admit(membership=m, by=staff)
    assert Membership.objects.get().state == State.APPLIED


@pytest.mark.django_db
def test_memberships_are_not_ended_ahead_of_time(board, staff, versions):
    m = admitted(board, staff, on=date(2024, 1, 2))
    services.membership_give_notice(membership=m, by=staff, notice_by=NoticeBy.MEMBER)

    with pytest.raises(RuleViolation, match="ahead of time"):
        services.memberships_end_due(today=TODAY + timedelta(days=400))
    assert Membership.objects.get().state == State.NOTICE_GIVEN


@pytest.mark.django_db
def test_a_signed_agreement_version_cannot_change_on_any_path(board, staff, versions):
    from django.core.exceptions import ValidationError

    m = services.membership_start(board=board, kind=Kind.APPLICATION, by=staff)
    services.agreement_sign(
        membership=m, kind="membership", version="2017.1", signed_on=None, signer="X", by=staff
    )
    version = AgreementVersion.objects.get(kind="membership")
    version.valid_from = date(2016, 1, 1)

    with pytest.raises(ValidationError) as caught:
        version.full_clean()
    assert "valid_from" in caught.value.message_dict
    unsigned = AgreementVersion.objects.get(kind="service")
    unsigned.valid_from = date(2016, 1, 1)
    unsigned.full_clean()
