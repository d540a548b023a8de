"""Law as data: the EU threshold and the minimum time limits, each at its boundary.

Dates are computed by hand: the notice goes out on Monday 2 March 2026.
"""

from datetime import date
from decimal import Decimal

import pytest

from bundel.core.errors import RuleViolation
from bundel.tenders.constants import Procedure
from bundel.tenders.law import (
    Timeline,
    check_procedure,
    check_tender,
    check_timeline,
    eu_threshold,
    requires_european_procedure,
    timeline_violations,
)

NOTICE = date(2026, 3, 2)
INVITATION = date(2026, 4, 10)


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


def refusal(call, **kwargs) -> RuleViolation:
    with pytest.raises(RuleViolation) as caught:
        call(**kwargs)
    return caught.value


# --- the EU threshold ---------------------------------------------------------------


def test_the_threshold_for_2026_and_2027_is_216000():
    assert eu_threshold(date(2026, 1, 1)) == Decimal("216000.00")
    assert eu_threshold(date(2027, 12, 31)) == Decimal("216000.00")


def test_a_value_of_exactly_216000_requires_a_european_procedure():
    assert requires_european_procedure(estimated_value=Decimal("216000.00"), on=NOTICE)
    assert not requires_european_procedure(estimated_value=Decimal("215999.99"), on=NOTICE)


@pytest.mark.parametrize("procedure", [Procedure.SINGLE_PRIVATE, Procedure.MULTIPLE_PRIVATE])
def test_a_national_procedure_is_refused_at_exactly_the_threshold(procedure):
    error = refusal(
        check_procedure, procedure=procedure, estimated_value=Decimal("216000.00"), on=NOTICE
    )

    assert error.code == "eu_threshold"
    assert error.messages == [
        "EU threshold: an estimated value of EUR 216000.00 is at or above the threshold of "
        f"EUR 216000.00 that applies on 2026-03-02, so a European procedure is required, not "
        f"the {procedure.label.lower()}."
    ]
    assert error.params["threshold"] == Decimal("216000.00")


@pytest.mark.parametrize("procedure", [Procedure.SINGLE_PRIVATE, Procedure.MULTIPLE_PRIVATE])
def test_a_national_procedure_is_allowed_one_cent_below_the_threshold(procedure):
    check_procedure(procedure=procedure, estimated_value=Decimal("215999.99"), on=NOTICE)


@pytest.mark.parametrize("procedure", [Procedure.OPEN, Procedure.RESTRICTED])
def test_a_european_procedure_is_allowed_above_and_below_the_threshold(procedure):
    for value in ("216000.00", "5000000.00", "1000.00"):
        check_procedure(procedure=procedure, estimated_value=Decimal(value), on=NOTICE)


def test_a_negative_value_is_refused():
    error = refusal(
        check_procedure, procedure=Procedure.OPEN, estimated_value=Decimal("-1"), on=NOTICE
    )
    assert error.code == "negative_value"


def test_a_date_before_any_threshold_is_refused_with_the_setting_to_fix():
    error = refusal(eu_threshold, on=date(2025, 12, 31))

    assert error.code == "no_eu_threshold"
    assert error.messages == [
        "No EU threshold is set for 2025-12-31; add it to TENDER_EU_THRESHOLDS."
    ]


def test_a_new_threshold_is_a_setting_and_applies_from_its_start(settings):
    settings.TENDER_EU_THRESHOLDS = {"2026-01-01": "216000.00", "2028-01-01": "230000.00"}

    assert eu_threshold(date(2027, 12, 31)) == Decimal("216000.00")
    assert eu_threshold(date(2028, 1, 1)) == Decimal("230000.00")
    # 220,000 needs a European procedure on the last day of 2027, not on the first of 2028.
    check_procedure(
        procedure=Procedure.SINGLE_PRIVATE,
        estimated_value=Decimal("220000.00"),
        on=date(2028, 1, 1),
    )
    with pytest.raises(RuleViolation):
        check_procedure(
            procedure=Procedure.SINGLE_PRIVATE,
            estimated_value=Decimal("220000.00"),
            on=date(2027, 12, 31),
        )


# --- the open procedure -------------------------------------------------------------

OPEN_CASES = [
    # electronic, documents online, first allowed closing date
    pytest.param(True, True, date(2026, 4, 11), id="electronic-online-40-days"),
    pytest.param(False, True, date(2026, 4, 16), id="paper-online-45-days"),
    pytest.param(True, False, date(2026, 4, 16), id="electronic-offline-45-days"),
    pytest.param(False, False, date(2026, 4, 21), id="paper-offline-50-days"),
]


def open_timeline(closing: date, *, electronic: bool, online: bool) -> Timeline:
    return Timeline(
        procedure=Procedure.OPEN,
        notice_date=NOTICE,
        closing_date=closing,
        electronic=electronic,
        documents_online=online,
    )


@pytest.mark.parametrize(("electronic", "online", "first_allowed"), OPEN_CASES)
def test_open_procedure_first_allowed_closing_date(electronic, online, first_allowed):
    check_timeline(open_timeline(first_allowed, electronic=electronic, online=online))


@pytest.mark.parametrize(("electronic", "online", "first_allowed"), OPEN_CASES)
def test_open_procedure_last_refused_closing_date_names_rule_and_earliest(
    electronic, online, first_allowed
):
    last_refused = date.fromordinal(first_allowed.toordinal() - 1)

    error = refusal(
        check_timeline, timeline=open_timeline(last_refused, electronic=electronic, online=online)
    )

    assert error.code == "bids_time_limit"
    assert error.params["earliest"] == first_allowed
    message = error.messages[0]
    assert message.startswith("Minimum time limit for bids (open procedure): bids may close")
    assert f"the earliest allowed date is {first_allowed.isoformat()}." in message
    assert f"after the notice of 2026-03-02; {last_refused.isoformat()} is too early" in message


def test_the_open_procedure_message_explains_the_days():
    error = refusal(
        check_timeline,
        timeline=open_timeline(date(2026, 4, 20), electronic=False, online=False),
    )
    assert error.messages == [
        "Minimum time limit for bids (open procedure): bids may close no earlier than 50 days "
        "(45 days, plus 5 because the documents are not freely available online) after the "
        "notice of 2026-03-02; 2026-04-20 is too early, the earliest allowed date is 2026-04-21."
    ]


def test_the_time_limits_are_settings(settings):
    settings.TENDER_OPEN_BIDS_DAYS = 52
    settings.TENDER_ELECTRONIC_REDUCTION_DAYS = 0
    with pytest.raises(RuleViolation):
        check_timeline(open_timeline(date(2026, 4, 22), electronic=True, online=True))
    check_timeline(open_timeline(date(2026, 4, 23), electronic=True, online=True))


# --- the restricted procedure -------------------------------------------------------


def restricted(
    *,
    requests: date = date(2026, 4, 1),
    invitation: date | None = INVITATION,
    closing: date = date(2026, 5, 20),
    electronic: bool = True,
    online: bool = True,
) -> Timeline:
    return Timeline(
        procedure=Procedure.RESTRICTED,
        notice_date=NOTICE,
        requests_deadline=requests,
        invitation_date=invitation,
        closing_date=closing,
        electronic=electronic,
        documents_online=online,
    )


def test_restricted_requests_close_30_days_after_the_notice_at_the_earliest():
    check_timeline(restricted(requests=date(2026, 4, 1), invitation=date(2026, 4, 1)))

    error = refusal(check_timeline, timeline=restricted(requests=date(2026, 3, 31)))

    assert error.code == "requests_time_limit"
    assert error.messages == [
        "Minimum time limit for requests to participate (restricted procedure): requests to "
        "participate may close no earlier than 30 days after the notice of "
        "2026-03-02; 2026-03-31 is too early, the earliest allowed date is 2026-04-01."
    ]


@pytest.mark.parametrize(
    ("electronic", "first_allowed"),
    [
        pytest.param(True, date(2026, 5, 15), id="electronic-35-days"),
        pytest.param(False, date(2026, 5, 20), id="paper-40-days"),
    ],
)
def test_restricted_bids_count_from_the_invitation(electronic, first_allowed):
    check_timeline(restricted(closing=first_allowed, electronic=electronic))
    last_refused = date.fromordinal(first_allowed.toordinal() - 1)

    error = refusal(
        check_timeline, timeline=restricted(closing=last_refused, electronic=electronic)
    )

    assert error.code == "bids_time_limit"
    assert error.params["earliest"] == first_allowed
    assert error.messages[0].startswith(
        "Minimum time limit for bids (restricted procedure): bids may close no earlier than "
        f"{(first_allowed - INVITATION).days} days"
    )
    assert "after the invitation to tender of 2026-04-10;" in error.messages[0]


def test_restricted_documents_offline_add_no_days():
    check_timeline(restricted(closing=date(2026, 5, 15), electronic=True, online=False))


def test_restricted_needs_its_dates_in_order():
    assert refusal(check_timeline, timeline=restricted(invitation=None)).code == (
        "invitation_date_required"
    )
    error = refusal(check_timeline, timeline=restricted(invitation=date(2026, 3, 31)))
    assert error.code == "invitation_before_requests"
    assert error.messages == [
        "The invitation to tender (2026-03-31) cannot go out before requests to participate "
        "close (2026-04-01)."
    ]
    missing = Timeline(
        procedure=Procedure.RESTRICTED, notice_date=NOTICE, closing_date=date(2026, 6, 1)
    )
    assert refusal(check_timeline, timeline=missing).code == "requests_deadline_required"


def codes(timeline: Timeline) -> list[str]:
    return [violation.code for violation in timeline_violations(timeline)]


def test_every_broken_rule_is_listed_in_timeline_order():
    too_early = restricted(
        requests=date(2026, 3, 20), invitation=date(2026, 3, 20), closing=date(2026, 4, 23)
    )
    assert codes(too_early) == ["requests_time_limit", "bids_time_limit"]
    assert codes(restricted()) == []
    # Dates out of order come alone: a time limit would measure from a wrong date.
    out_of_order = restricted(
        requests=date(2026, 3, 20), invitation=date(2026, 3, 19), closing=date(2026, 3, 21)
    )
    assert codes(out_of_order) == ["invitation_before_requests"]


# --- the other procedures -----------------------------------------------------------


@pytest.mark.parametrize(
    "procedure",
    [Procedure.NEGOTIATED, Procedure.COMPETITIVE_DIALOGUE, Procedure.INNOVATION_PARTNERSHIP],
)
def test_procedures_with_requests_keep_the_30_days_and_close_bids_after_them(procedure):
    def timeline(requests, closing):
        return Timeline(
            procedure=procedure,
            notice_date=NOTICE,
            requests_deadline=requests,
            closing_date=closing,
        )

    check_timeline(timeline(date(2026, 4, 1), date(2026, 4, 2)))
    assert refusal(check_timeline, timeline=timeline(date(2026, 3, 31), date(2026, 5, 1))).code == (
        "requests_time_limit"
    )
    assert refusal(check_timeline, timeline=timeline(date(2026, 4, 1), date(2026, 4, 1))).code == (
        "closing_before_start"
    )


@pytest.mark.parametrize("procedure", [Procedure.SINGLE_PRIVATE, Procedure.MULTIPLE_PRIVATE])
def test_national_procedures_only_close_after_they_start(procedure):
    check_timeline(Timeline(procedure=procedure, notice_date=NOTICE, closing_date=date(2026, 3, 3)))
    error = refusal(
        check_timeline,
        timeline=Timeline(procedure=procedure, notice_date=NOTICE, closing_date=NOTICE),
    )
    assert error.code == "closing_before_start"
    assert error.messages == [
        "Bids must close after the procedure starts (2026-03-02), not on 2026-03-02."
    ]


def test_check_tender_takes_the_threshold_of_the_notice_date(settings):
    settings.TENDER_EU_THRESHOLDS = {"2026-01-01": "216000.00", "2028-01-01": "230000.00"}

    def tender(notice: date) -> Timeline:
        return Timeline(
            procedure=Procedure.MULTIPLE_PRIVATE,
            notice_date=notice,
            closing_date=date(2028, 3, 1),
        )

    check_tender(estimated_value=Decimal("220000.00"), timeline=tender(date(2028, 1, 1)))
    error = refusal(
        check_tender, estimated_value=Decimal("220000.00"), timeline=tender(date(2027, 12, 31))
    )
    assert error.code == "eu_threshold"
