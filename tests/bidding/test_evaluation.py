"""The evaluation: a committee of staff members scores independently, the chair
consolidates, the ranking follows the tender's award method (hand-computed examples
below), and the award decision letters tell each bidder its scores and rank and the
winner's, the reasons and the end of the standstill period."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from pypdf import PdfReader

from bundel.audit.models import AuditEntry
from bundel.bidding import selectors, services
from bundel.bidding.models import CommitteeMember, Score
from bundel.bidding.services import ScoreInput
from bundel.core.errors import RuleViolation, StateConflict
from bundel.tenders import services as tender_services
from bundel.tenders.services import CriterionInput

from ..factories import StaffFactory
from .conftest import logged_in
from .factories import make_supplier, make_tender, submit

D = Decimal


@pytest.fixture
def member(db):
    return StaffFactory(username="member", first_name="Mila", last_name="Lid")


@pytest.fixture
def committee(tender, staff, member):
    services.committee_set(tender=tender, members=[staff, member], chair=staff, by=staff)
    return staff, member


def into_evaluation(tender, staff, clock):
    clock.after_closing(tender)
    tender_services.tender_close(tender=tender, by=staff, now=clock.at)
    return tender_services.tender_start_evaluation(tender=tender, by=staff)


def sheet(tender, scores: dict, criteria=None) -> list[ScoreInput]:
    """{bid: score or (score per criterion...)} -> inputs."""
    criteria = criteria or list(tender.criteria.all())
    given = []
    for bid, values in scores.items():
        values = values if isinstance(values, tuple) else (values,)
        for criterion, value in zip(criteria, values, strict=True):
            given.append(ScoreInput(bid=bid, criterion=criterion, score=D(value), note="goed"))
    return given


# --- the committee ------------------------------------------------------------------


def test_the_committee_is_staff_at_least_two_with_one_chair(tender, staff, member, supplier):
    with pytest.raises(RuleViolation) as too_small:
        services.committee_set(tender=tender, members=[staff], chair=staff, by=staff)
    with pytest.raises(RuleViolation) as not_staff:
        services.committee_set(tender=tender, members=[staff, supplier], chair=staff, by=staff)
    with pytest.raises(RuleViolation) as no_chair:
        other = StaffFactory(username="other")
        services.committee_set(tender=tender, members=[staff, member], chair=other, by=staff)

    assert (too_small.value.code, not_staff.value.code, no_chair.value.code) == (
        "committee_size",
        "not_staff",
        "chair",
    )
    services.committee_set(tender=tender, members=[staff, member], chair=member, by=staff)
    chairs = CommitteeMember.objects.filter(tender=tender, is_chair=True)
    assert [c.user for c in chairs] == [member]
    entry = AuditEntry.objects.get(action="bidding.committee.changed")
    assert entry.changes["chair"] == [None, "Mila Lid"]


def test_a_member_who_submitted_scores_stays(tender, staff, member, committee, supplier, clock):
    bid = submit(tender, supplier)
    into_evaluation(tender, staff, clock)
    services.scores_save(tender=tender, by=member, scores=sheet(tender, {bid: 7}), submit=True)
    other = StaffFactory(username="other")

    with pytest.raises(RuleViolation) as refused:
        services.committee_set(tender=tender, members=[staff, other], chair=staff, by=staff)
    assert refused.value.code == "member_scored"


# --- independent scores -------------------------------------------------------------


@pytest.fixture
def evaluating(tender, staff, committee, supplier, rival, clock):
    bids = [submit(tender, supplier, price="100000"), submit(tender, rival, price="120000")]
    into_evaluation(tender, staff, clock)
    return bids


def test_members_score_only_during_the_evaluation(tender, staff, committee, supplier):
    bid = submit(tender, supplier)
    with pytest.raises(StateConflict):
        services.scores_save(tender=tender, by=staff, scores=sheet(tender, {bid: 5}))


def test_only_committee_members_score(tender, evaluating):
    outsider_staff = StaffFactory(username="outsider-staff")
    with pytest.raises(PermissionDenied):
        services.scores_save(
            tender=tender, by=outsider_staff, scores=sheet(tender, {evaluating[0]: 5})
        )


def test_a_score_outside_the_scale_is_refused(tender, member, evaluating):
    with pytest.raises(RuleViolation) as refused:
        services.scores_save(tender=tender, by=member, scores=sheet(tender, {evaluating[0]: 11}))
    assert refused.value.code == "score_outside_scale"
    assert "scale of 0 to 10" in refused.value.messages[0]


def test_submitting_needs_every_score_and_then_they_no_longer_change(tender, member, evaluating):
    alfa, beta = evaluating
    with pytest.raises(RuleViolation) as incomplete:
        services.scores_save(tender=tender, by=member, scores=sheet(tender, {alfa: 6}), submit=True)
    assert incomplete.value.code == "missing_score"
    assert "Concurrent Connect B.V." in incomplete.value.messages[0]
    assert not Score.objects.exists()

    services.scores_save(tender=tender, by=member, scores=sheet(tender, {alfa: 6}))
    services.scores_save(tender=tender, by=member, scores=sheet(tender, {beta: 8}), submit=True)
    with pytest.raises(StateConflict):
        services.scores_save(tender=tender, by=member, scores=sheet(tender, {alfa: 9}))
    assert sorted(Score.objects.values_list("score", flat=True)) == [D(6), D(8)]


def test_a_member_sees_the_others_scores_only_after_submitting_their_own(
    tender, staff, member, evaluating
):
    alfa, beta = evaluating
    services.scores_save(
        tender=tender, by=member, scores=sheet(tender, {alfa: 3, beta: 9}), submit=True
    )

    chair_view = selectors.evaluation_for(tender, staff)
    assert (chair_view.others, chair_view.others_visible) == ({}, False)
    page = logged_in(staff).get(f"/bidding/{tender.pk}/beoordeling/").content.decode()
    assert "Mila Lid: 3" not in page and "Mila Lid: 9" not in page
    assert "scores are shown once you have submitted yours." in page

    services.scores_save(
        tender=tender, by=staff, scores=sheet(tender, {alfa: 4, beta: 8}), submit=True
    )
    chair_view = selectors.evaluation_for(tender, staff)
    criterion = tender.criteria.get()
    assert [s.score for s in chair_view.others[(alfa.pk, criterion.pk)]] == [D(3)]
    page = logged_in(staff).get(f"/bidding/{tender.pk}/beoordeling/").content.decode()
    assert "Mila Lid: 3" in page and "Mila Lid: 9" in page


def test_staff_outside_the_committee_see_scores_once_all_are_in(tender, staff, member, evaluating):
    alfa, beta = evaluating
    onlooker = StaffFactory(username="onlooker")
    services.scores_save(
        tender=tender, by=member, scores=sheet(tender, {alfa: 3, beta: 9}), submit=True
    )
    assert selectors.evaluation_for(tender, onlooker).others == {}

    services.scores_save(
        tender=tender, by=staff, scores=sheet(tender, {alfa: 4, beta: 8}), submit=True
    )
    assert len(selectors.evaluation_for(tender, onlooker).others) == 2


def test_the_audit_trail_holds_no_member_scores(tender, member, evaluating):
    alfa, beta = evaluating
    services.scores_save(tender=tender, by=member, scores=sheet(tender, {alfa: 7, beta: 2}))

    entry = AuditEntry.objects.get(action="bidding.scores.saved")
    assert entry.data == {"tender": tender.pk, "scores": 2}
    assert entry.changes == {}


def test_the_chair_consolidates_once_every_member_submitted(tender, staff, member, evaluating):
    alfa, beta = evaluating
    services.scores_save(
        tender=tender, by=staff, scores=sheet(tender, {alfa: 4, beta: 8}), submit=True
    )
    with pytest.raises(RuleViolation) as waiting:
        services.scores_consolidate(tender=tender, by=staff, scores=sheet(tender, {alfa: 4}))
    assert waiting.value.messages == ["Not every member has submitted their scores yet: Mila Lid."]

    services.scores_save(
        tender=tender, by=member, scores=sheet(tender, {alfa: 6, beta: 8}), submit=True
    )
    with pytest.raises(PermissionDenied):
        services.scores_consolidate(tender=tender, by=member, scores=sheet(tender, {alfa: 5}))
    criterion = tender.criteria.get()
    with pytest.raises(RuleViolation) as no_reasons:
        services.scores_consolidate(
            tender=tender, by=staff, scores=[ScoreInput(alfa, criterion, D(5), "")]
        )
    assert no_reasons.value.code == "note"

    changed = services.scores_consolidate(tender=tender, by=staff, scores=sheet(tender, {alfa: 5}))
    assert changed == 1
    ranking = selectors.lot_rankings(tender)[0]
    assert (ranking.complete, ranking.missing) == (False, 1)


# --- the ranking on hand-computed examples ---------------------------------------------


def run_evaluation(tender, staff, member, clock, bids: dict, consolidated: dict):
    into_evaluation(tender, staff, clock)
    for who in (staff, member):
        services.scores_save(tender=tender, by=who, scores=sheet(tender, consolidated), submit=True)
    services.scores_consolidate(tender=tender, by=staff, scores=sheet(tender, consolidated))


def test_weighted_points_ranking_computed_by_hand(staff, member, clock):
    """Price weight 50; "Plan" weight 30 on 0-10; "Service" weight 20 on 0-5.
    Lowest price 160,000.
    Alfa  200,000, 6 and 4: 160/200 x 50 = 40 + 6/10 x 30 = 18 + 4/5 x 20 = 16 -> 74.00
    Beta  250,000, 9 and 5: 160/250 x 50 = 32 + 27 + 20                       -> 79.00
    Gamma 160,000, 4 and 2: 50 + 12 + 8                                       -> 70.00"""
    tender = make_tender(
        by=staff,
        price_weight=D(50),
        criteria=[
            CriterionInput("Plan", D(10), weight=D(30)),
            CriterionInput("Service", D(5), weight=D(20)),
        ],
    )
    services.committee_set(tender=tender, members=[staff, member], chair=staff, by=staff)
    bids = {
        name: submit(tender, make_supplier(name.lower(), name), price=price)
        for name, price in (("Alfa", "200000"), ("Beta", "250000"), ("Gamma", "160000"))
    }
    run_evaluation(
        tender,
        staff,
        member,
        clock,
        bids,
        {bids["Alfa"]: (6, 4), bids["Beta"]: (9, 5), bids["Gamma"]: (4, 2)},
    )

    ranking = selectors.lot_rankings(tender)[0]
    assert [
        (
            row.bid.organisation,
            row.rank,
            row.result.price_points,
            row.result.quality_points,
            row.result.total,
        )
        for row in ranking.rows
    ] == [
        ("Beta", 1, D("32.00"), {"Plan": D("27.00"), "Service": D("20.00")}, D("79.00")),
        ("Alfa", 2, D("40.00"), {"Plan": D("18.00"), "Service": D("16.00")}, D("74.00")),
        ("Gamma", 3, D("50.00"), {"Plan": D("12.00"), "Service": D("8.00")}, D("70.00")),
    ]
    api = logged_in(staff).get(f"/api/v1/tenders/{tender.pk}/ranking/").json()
    lot1 = api["lots"][0]
    assert [(r["bidder"], r["rank"], r["figures"]["total"]) for r in lot1["ranking"]] == [
        ("Beta", 1, "79.00"),
        ("Alfa", 2, "74.00"),
        ("Gamma", 3, "70.00"),
    ]
    assert api["lots"][1] == {
        "lot": 2,
        "method": "points",
        "complete": False,
        "missing": 0,
        "ranking": [],
    }


def test_award_on_value_ranking_computed_by_hand(staff, member, clock):
    """ "Dekking" worth 150,000 and "Duurzaamheid" 50,000, both scored 1-5.
    Alfa 900,000, 4 and 3: 3/4 x 150,000 = 112,500 + 2/4 x 50,000 = 25,000 = 137,500
         -> fictitious price 762,500
    Beta 850,000, 2 and 4: 1/4 x 150,000 = 37,500 + 3/4 x 50,000 = 37,500 = 75,000
         -> fictitious price 775,000: Alfa wins despite its higher price."""
    tender = make_tender(
        by=staff,
        award_method="value",
        price_weight=None,
        criteria=[
            CriterionInput("Dekking", D(5), scale_min=D(1), max_value=D(150000)),
            CriterionInput("Duurzaamheid", D(5), scale_min=D(1), max_value=D(50000)),
        ],
    )
    services.committee_set(tender=tender, members=[staff, member], chair=staff, by=staff)
    alfa = submit(tender, make_supplier("alfa", "Alfa"), price="900000")
    beta = submit(tender, make_supplier("beta", "Beta"), price="850000")
    run_evaluation(tender, staff, member, clock, {}, {alfa: (4, 3), beta: (2, 4)})

    ranking = selectors.lot_rankings(tender)[0]
    assert [
        (
            row.bid.organisation,
            row.rank,
            row.result.earned_values,
            row.result.total_value,
            row.result.fictitious_price,
        )
        for row in ranking.rows
    ] == [
        (
            "Alfa",
            1,
            {"Dekking": D("112500.00"), "Duurzaamheid": D("25000.00")},
            D("137500.00"),
            D("762500.00"),
        ),
        (
            "Beta",
            2,
            {"Dekking": D("37500.00"), "Duurzaamheid": D("37500.00")},
            D("75000.00"),
            D("775000.00"),
        ),
    ]


def test_only_the_latest_submission_is_ranked(tender, staff, member, supplier, rival, clock):
    services.committee_set(tender=tender, members=[staff, member], chair=staff, by=staff)
    submit(tender, supplier, price="90000")
    latest = submit(tender, supplier, price="100000")
    other = submit(tender, rival, price="120000")
    run_evaluation(tender, staff, member, clock, {}, {latest: 5, other: 10})

    rows = selectors.lot_rankings(tender)[0].rows
    # The example: A 100,000 with 5 -> 60 + 20 = 80; B 120,000 with 10 -> 50 + 40.
    assert [(r.bid.pk, r.result.total) for r in rows] == [
        (other.pk, D("90.00")),
        (latest.pk, D("80.00")),
    ]


def test_the_award_is_decided_on_complete_rankings_only(tender, committee, supplier, rival, clock):
    """Every current bid scored on every criterion by the committee, in every lot with
    bids; lot 2 has none and is left without award."""
    staff, member = committee
    own = submit(tender, supplier, price="100000")
    other = submit(tender, rival, price="120000")
    into_evaluation(tender, staff, clock)
    for who in (staff, member):
        services.scores_save(
            tender=tender, by=who, scores=sheet(tender, {own: 5, other: 8}), submit=True
        )
    criterion = tender.criteria.get()
    services.scores_consolidate(
        tender=tender, by=staff, scores=[ScoreInput(own, criterion, D(5), "Globaal plan.")]
    )
    audit_before = AuditEntry.objects.count()

    with pytest.raises(RuleViolation) as refused:
        tender_services.tender_decide_award(tender=tender, by=staff)

    assert refused.value.code == "scores_missing"
    assert refused.value.messages == [
        "The evaluation is not complete: lot 1: 1 consolidated score to set. Every bid is "
        "scored on every criterion before the award is decided."
    ]
    tender.refresh_from_db()
    assert tender.state == "evaluation" and AuditEntry.objects.count() == audit_before

    services.scores_consolidate(
        tender=tender, by=staff, scores=[ScoreInput(other, criterion, D(8), "Helder plan.")]
    )
    decided = tender_services.tender_decide_award(tender=tender, by=staff)
    assert decided.state == "award_decision"


# --- the letters --------------------------------------------------------------------


def pdf_text(response) -> str:
    reader = PdfReader(io.BytesIO(response.content))
    return " ".join(page.extract_text() for page in reader.pages)


@pytest.fixture
def decided(tender, staff, member, supplier, rival, clock):
    """The issue's example on lot 1: Netwerk B.V. 100,000 with 5 (80 points), Concurrent
    Connect B.V. 120,000 with 10 (90 points), reasons given, decision sent 1 March 2027."""
    services.committee_set(tender=tender, members=[staff, member], chair=staff, by=staff)
    own = submit(tender, supplier, price="100000")
    winner = submit(tender, rival, price="120000")
    into_evaluation(tender, staff, clock)
    scores = {own: 5, winner: 10}
    for who in (staff, member):
        services.scores_save(tender=tender, by=who, scores=sheet(tender, scores), submit=True)
    criterion = tender.criteria.get()
    services.scores_consolidate(
        tender=tender,
        by=staff,
        scores=[
            ScoreInput(own, criterion, D(5), "Globaal plan zonder terugvalscenario."),
            ScoreInput(winner, criterion, D(10), "Gedetailleerd plan per golf met terugval."),
        ],
    )
    services.award_reasons_set(
        lot=own.lot, text="Het beste plan van aanpak weegt op tegen de hogere prijs.", by=staff
    )
    tender_services.tender_decide_award(tender=tender, by=staff)
    tender_services.tender_start_standstill(tender=tender, by=staff, on=date(2027, 3, 1))
    return own, winner


def test_the_letter_to_a_losing_bidder(supplier_client, decided):
    own, _winner = decided

    response = supplier_client.get(f"/bidding/inschrijvingen/{own.pk}/gunningsbeslissing.pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(pdf_text(response).split())
    assert "intends to award lot 1 to Concurrent Connect B.V., whose bid ranks first." in text
    assert "Your bid ranks 2 of 2." in text
    # Its own and the winner's figures: price points, quality points, totals.
    assert "Price points 60.00 50.00" in text
    assert "Quality points 20.00 40.00" in text
    assert "Total points 80.00 90.00" in text
    assert "Rank 2 1" in text
    assert "Globaal plan zonder terugvalscenario." in text
    assert "Gedetailleerd plan per golf met terugval." in text
    assert "Het beste plan van aanpak weegt op tegen de hogere prijs." in text
    # 1 March + 20 days.
    assert "The standstill period ends on 21-03-2027." in text


def test_the_letter_to_the_winner(rival_client, decided):
    _own, winner = decided
    text = " ".join(
        pdf_text(
            rival_client.get(f"/bidding/inschrijvingen/{winner.pk}/gunningsbeslissing.pdf")
        ).split()
    )
    assert "intends to award lot 1 to you: your bid ranks first." in text
    assert "Total points 90.00" in text


def test_a_supplier_reads_only_its_own_letter(rival_client, decided, contact):
    own, _winner = decided
    url = f"/bidding/inschrijvingen/{own.pk}/gunningsbeslissing.pdf"
    assert rival_client.get(url).status_code == 404
    assert logged_in(contact).get(url).status_code == 403


def test_letters_are_drafts_for_staff_before_the_decision_is_sent(
    tender, staff, member, supplier, rival, clock
):
    services.committee_set(tender=tender, members=[staff, member], chair=staff, by=staff)
    own = submit(tender, supplier, price="100000")
    other = submit(tender, rival, price="120000")
    run_evaluation(tender, staff, member, clock, {}, {own: 5, other: 10})
    tender_services.tender_decide_award(tender=tender, by=staff)

    url = f"/bidding/inschrijvingen/{own.pk}/gunningsbeslissing.pdf"
    assert logged_in(supplier).get(url).status_code == 404  # not sent yet
    text = pdf_text(logged_in(staff).get(url))
    assert "draft, not sent yet" in text
