"""The tender services: the law and the weights on every write, the states, the audit."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from bundel.audit.models import AuditEntry
from bundel.core.errors import RuleViolation, StateConflict
from bundel.tenders import services
from bundel.tenders.constants import TenderState
from bundel.tenders.models import AwardCriterion, Lot, Tender
from bundel.tenders.services import CriterionInput, LotInput

from .factories import at_noon, make_tender, tender_values

D = Decimal


def actions(tender) -> list[str]:
    return list(
        AuditEntry.objects.filter(object_id=str(tender.pk), action__startswith="tenders.")
        .order_by("pk")
        .values_list("action", flat=True)
    )


def nothing_stored():
    return Tender.objects.count() == 0 and not AuditEntry.objects.exists()


# --- create -------------------------------------------------------------------------


def test_create_stores_the_tender_its_parts_and_an_audit_entry(staff):
    tender = make_tender(by=staff)

    assert tender.state == TenderState.DRAFT
    assert [g.code for g in tender.product_groups.all()] == ["connectivity"]
    assert [(lot.number, lot.title) for lot in tender.lots.all()] == [(1, "Noord"), (2, "Zuid")]
    assert [(c.position, c.name, c.weight, c.scale_max) for c in tender.criteria.all()] == [
        (1, "Plan van aanpak", D("40.00"), D("10.00"))
    ]
    entry = AuditEntry.objects.get(action="tenders.tender.created")
    assert entry.actor == staff
    assert entry.data["estimated_value"] == "500000.00"
    assert entry.data["product_groups"] == ["connectivity"]
    assert entry.data["lots"][1] == {
        "number": 2,
        "title": "Zuid",
        "description": "Limburg en Brabant",
    }
    assert entry.data["criteria"] == [
        {
            "name": "Plan van aanpak",
            "scale_max": "10.00",
            "weight": "40.00",
            "scale_min": "0.00",
            "max_value": None,
        }
    ]


def test_only_staff_create(contact):
    with pytest.raises(PermissionDenied):
        make_tender(by=contact)
    assert nothing_stored()


def test_create_refuses_a_closing_date_one_day_before_the_time_limit(staff):
    notice = date(2026, 12, 1)
    with pytest.raises(RuleViolation) as caught:
        # Electronic, documents online: 40 days, so 10 January 2027 is the first day.
        make_tender(by=staff, notice_date=notice, closing_at=at_noon(date(2027, 1, 9)))

    assert caught.value.code == "bids_time_limit"
    assert "the earliest allowed date is 2027-01-10." in caught.value.messages[0]
    assert nothing_stored()

    tender = make_tender(by=staff, notice_date=notice, closing_at=at_noon(date(2027, 1, 10)))
    assert tender.timeline.closing_date == date(2027, 1, 10)


def test_the_closing_date_is_the_day_in_amsterdam(staff):
    # 23:30 UTC on 9 January is 00:30 on the 10th in Amsterdam: allowed.
    closing = datetime(2027, 1, 9, 23, 30, tzinfo=UTC)
    tender = make_tender(by=staff, notice_date=date(2026, 12, 1), closing_at=closing)
    assert tender.timeline.closing_date == date(2027, 1, 10)


def test_create_refuses_a_national_procedure_at_exactly_the_threshold(staff):
    private = {"procedure": "multiple_private", "notice_date": date(2026, 12, 1)}
    with pytest.raises(RuleViolation) as caught:
        make_tender(by=staff, estimated_value=D("216000.00"), **private)
    assert caught.value.code == "eu_threshold"
    assert nothing_stored()

    tender = make_tender(by=staff, estimated_value=D("215999.99"), **private)
    assert tender.european_procedure_required is False


def test_restricted_procedure_needs_its_dates_on_create(staff):
    with pytest.raises(RuleViolation) as caught:
        make_tender(by=staff, procedure="restricted")
    assert caught.value.code == "requests_deadline_required"

    notice = date(2026, 12, 1)
    tender = make_tender(
        by=staff,
        procedure="restricted",
        notice_date=notice,
        requests_deadline=date(2026, 12, 31),  # + 30
        invitation_date=date(2027, 1, 5),
        closing_at=at_noon(date(2027, 2, 9)),  # + 35
    )
    assert tender.procedure == "restricted"


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"price_weight": D(50)}, "weights_total"),
        ({"price_weight": None}, "price_weight"),
        ({"criteria": [CriterionInput("Plan", D(10))]}, "criterion_weight"),
        (
            {"criteria": [CriterionInput("Plan", D(10), weight=D(20))] * 2, "price_weight": D(60)},
            "duplicate_criterion",
        ),
        ({"award_method": "value"}, "max_value"),
        ({"groups": []}, "no_product_groups"),
        ({"lots": [LotInput(1, "Noord"), LotInput(1, "Zuid")]}, "lot_number"),
        ({"lots": [LotInput(1, " ")]}, "lot_title"),
    ],
)
def test_create_refuses_what_breaks_a_rule(staff, overrides, code):
    with pytest.raises(RuleViolation) as caught:
        make_tender(by=staff, **overrides)
    assert caught.value.code == code
    assert nothing_stored()


def test_a_field_error_names_the_field(staff):
    with pytest.raises(ValidationError) as caught:
        make_tender(by=staff, title="", estimated_value=D("-1"))
    assert set(caught.value.message_dict) == {"title", "estimated_value"}
    assert nothing_stored()


def test_award_on_value_keeps_only_its_figures(staff):
    tender = make_tender(
        by=staff,
        award_method="value",
        price_weight=D(60),
        criteria=[
            CriterionInput("Kwaliteit", D(10), weight=D(40), scale_min=D(1), max_value=D(20000))
        ],
    )
    assert tender.price_weight is None
    criterion = tender.criteria.get()
    assert (criterion.weight, criterion.scale_min, criterion.max_value) == (
        None,
        D("1.00"),
        D("20000.00"),
    )


# --- update -------------------------------------------------------------------------


def test_update_records_what_changed(staff):
    tender = make_tender(by=staff)
    north = tender.lots.get(number=1)

    services.tender_update(
        tender=tender,
        by=staff,
        title="Externe connectiviteit 2028",
        lots=[LotInput(1, "Noord-Holland"), LotInput(3, "Oost")],
        price_weight=D("70.00"),
        criteria=[CriterionInput("Plan van aanpak", D(10), weight=D(30))],
    )

    assert Lot.objects.get(tender=tender, number=1).pk == north.pk  # kept by its number
    assert [(lot.number, lot.title) for lot in tender.lots.all()] == [
        (1, "Noord-Holland"),
        (3, "Oost"),
    ]
    entry = AuditEntry.objects.get(action="tenders.tender.updated")
    assert set(entry.changes) == {"title", "lots", "price_weight", "criteria"}
    assert entry.changes["title"] == ["Externe connectiviteit 2027", "Externe connectiviteit 2028"]
    assert entry.changes["price_weight"] == ["60.00", "70.00"]


def test_an_update_that_changes_nothing_writes_nothing(staff):
    tender = make_tender(by=staff)
    same = tender_values(closing_at=timezone.localtime(tender.closing_at))  # another zone
    same["estimated_value"] = D("500000")  # as a form gives it

    services.tender_update(tender=tender, by=staff, **same)

    assert actions(tender) == ["tenders.tender.created"]


def test_update_checks_the_law_and_changes_nothing_when_refused(staff):
    tender = make_tender(by=staff)
    too_early = at_noon(tender.notice_date + timedelta(days=39))

    with pytest.raises(RuleViolation) as caught:
        services.tender_update(tender=tender, by=staff, closing_at=too_early)

    assert caught.value.code == "bids_time_limit"
    tender.refresh_from_db()
    assert tender.closing_at == at_noon(tender.notice_date + timedelta(days=60))
    assert actions(tender) == ["tenders.tender.created"]


def test_update_checks_the_weights(staff):
    tender = make_tender(by=staff)
    with pytest.raises(RuleViolation) as caught:
        services.tender_update(tender=tender, by=staff, price_weight=D(65))
    assert caught.value.code == "weights_total"
    assert list(AwardCriterion.objects.filter(tender=tender).values_list("weight", flat=True)) == [
        D("40.00")
    ]


def test_nothing_published_can_change(staff):
    tender = make_tender(by=staff)
    services.tender_open_demand(tender=tender, by=staff)
    services.tender_update(tender=tender, by=staff, title="Nog te wijzigen")
    services.tender_publish(tender=tender, by=staff, on=tender.notice_date)

    with pytest.raises(StateConflict) as caught:
        services.tender_update(tender=tender, by=staff, title="Te laat")

    assert caught.value.code == "not_editable"
    tender.refresh_from_db()
    assert tender.title == "Nog te wijzigen"


# --- the states ---------------------------------------------------------------------


def test_the_whole_path_from_draft_to_contracted(staff):
    tender = make_tender(by=staff)
    notice = tender.notice_date

    services.tender_open_demand(tender=tender, by=staff)
    services.tender_publish(tender=tender, by=staff, on=notice)
    with pytest.raises(RuleViolation) as caught:
        services.tender_close(tender=tender, by=staff, now=tender.closing_at - timedelta(seconds=1))
    assert caught.value.code == "not_closing_time"
    services.tender_close(tender=tender, by=staff, now=tender.closing_at)
    services.tender_start_evaluation(tender=tender, by=staff)
    services.tender_decide_award(tender=tender, by=staff)
    decision = date(2027, 3, 1)
    services.tender_start_standstill(tender=tender, by=staff, on=decision)
    assert services.standstill_ends(Tender.objects.get(pk=tender.pk)) == date(2027, 3, 21)
    with pytest.raises(RuleViolation) as caught:
        services.tender_contract(tender=tender, by=staff, on=date(2027, 3, 21))
    assert caught.value.code == "standstill"
    assert caught.value.messages == [
        "Standstill period: 20 days after the award decision of 2027-03-01, until 2027-03-21; "
        "the contract can be signed from 2027-03-22, not on 2027-03-21."
    ]
    services.tender_contract(tender=tender, by=staff, on=date(2027, 3, 22))

    tender.refresh_from_db()
    assert tender.state == TenderState.CONTRACTED
    assert (tender.published_on, tender.award_decision_on) == (notice, decision)
    assert actions(tender) == [
        "tenders.tender.created",
        "tenders.tender.demand_opened",
        "tenders.tender.published",
        "tenders.tender.closed",
        "tenders.tender.evaluation_started",
        "tenders.tender.award_decided",
        "tenders.tender.standstill_started",
        "tenders.tender.contracted",
    ]
    published = AuditEntry.objects.get(action="tenders.tender.published")
    assert published.changes == {
        "state": ["demand_registration", "published"],
        "published_on": [None, notice.isoformat()],
    }


def test_the_standstill_period_is_a_setting(staff, settings):
    settings.TENDER_STANDSTILL_DAYS = 10
    tender = make_tender(by=staff)
    services.tender_open_demand(tender=tender, by=staff)
    services.tender_publish(tender=tender, by=staff, on=tender.notice_date)
    services.tender_close(tender=tender, by=staff, now=tender.closing_at)
    services.tender_start_evaluation(tender=tender, by=staff)
    services.tender_decide_award(tender=tender, by=staff)
    services.tender_start_standstill(tender=tender, by=staff, on=date(2027, 3, 1))

    services.tender_contract(tender=tender, by=staff, on=date(2027, 3, 12))

    assert Tender.objects.get(pk=tender.pk).state == TenderState.CONTRACTED


def test_states_cannot_be_skipped(staff):
    tender = make_tender(by=staff)

    with pytest.raises(StateConflict) as caught:
        services.tender_publish(tender=tender, by=staff, on=tender.notice_date)

    assert caught.value.messages == [
        "The tender 'Externe connectiviteit 2027' is draft; it cannot move to published."
    ]
    assert services.next_states(tender) == [
        TenderState.DEMAND_REGISTRATION,
        TenderState.CANCELLED,
    ]


def test_publishing_late_checks_the_time_limit_from_the_real_notice_date(staff):
    notice = timezone.localdate() + timedelta(days=1)
    tender = make_tender(by=staff, notice_date=notice, closing_at=at_noon(notice + timedelta(40)))
    services.tender_open_demand(tender=tender, by=staff)
    late = notice + timedelta(days=1)

    with pytest.raises(RuleViolation) as caught:
        services.tender_publish(tender=tender, by=staff, on=late)

    assert caught.value.code == "bids_time_limit"
    assert caught.value.params["earliest"] == late + timedelta(days=40)
    tender.refresh_from_db()
    assert (tender.state, tender.notice_date) == (TenderState.DEMAND_REGISTRATION, notice)

    services.tender_publish(tender=tender, by=staff, on=notice)
    assert Tender.objects.get(pk=tender.pk).state == TenderState.PUBLISHED


def test_publishing_checks_the_threshold_of_the_real_notice_date(staff, settings):
    settings.TENDER_EU_THRESHOLDS = {"2026-01-01": "216000.00", "2027-06-01": "200000.00"}
    tender = make_tender(
        by=staff,
        procedure="multiple_private",
        estimated_value=D("210000.00"),
        notice_date=date(2027, 5, 31),
        closing_at=at_noon(date(2027, 7, 1)),
    )
    services.tender_open_demand(tender=tender, by=staff)

    with pytest.raises(RuleViolation) as caught:
        services.tender_publish(tender=tender, by=staff, on=date(2027, 6, 1))

    assert caught.value.code == "eu_threshold"
    assert caught.value.params["threshold"] == D("200000.00")


def test_a_tender_is_published_with_at_least_one_lot(staff):
    tender = make_tender(by=staff, lots=[])
    services.tender_open_demand(tender=tender, by=staff)

    with pytest.raises(RuleViolation) as caught:
        services.tender_publish(tender=tender, by=staff, on=tender.notice_date)

    assert caught.value.code == "no_lots"


def test_cancel_needs_a_reason_and_is_final(staff):
    tender = make_tender(by=staff)
    with pytest.raises(RuleViolation):
        services.tender_cancel(tender=tender, by=staff, reason="  ")

    services.tender_cancel(tender=tender, by=staff, reason="Te weinig vraag.")

    tender.refresh_from_db()
    assert (tender.state, tender.cancel_reason) == (TenderState.CANCELLED, "Te weinig vraag.")
    assert services.next_states(tender) == []
    with pytest.raises(StateConflict):
        services.tender_cancel(tender=tender, by=staff, reason="Nog eens")
    entry = AuditEntry.objects.get(action="tenders.tender.cancelled")
    assert entry.changes["cancel_reason"] == ["", "Te weinig vraag."]


@pytest.mark.parametrize(
    "call",
    [
        services.tender_open_demand,
        services.tender_start_evaluation,
        services.tender_decide_award,
        lambda **kw: services.tender_cancel(reason="x", **kw),
    ],
)
def test_only_staff_move_a_tender(staff, contact, call):
    tender = make_tender(by=staff)
    with pytest.raises(PermissionDenied):
        call(tender=tender, by=contact)
    assert actions(tender) == ["tenders.tender.created"]
