"""The bidding API: POST /api/v1/tenders/{id}/bids/ (JSON or multipart) -> 201 with the
receipt; late bids 400 with the closing time; the contents 403 for staff before closing;
lists at a fixed number of queries."""

import hashlib
import json
from datetime import datetime
from decimal import Decimal

import pytest

from bundel.bidding import services
from bundel.bidding.models import Bid, BidContent

from .conftest import logged_in
from .factories import CRITERION, make_supplier, make_tender, pdf, submit, upload


def url(tender) -> str:
    return f"/api/v1/tenders/{tender.pk}/bids/"


def test_a_json_bid_gets_201_with_the_receipt(supplier_client, tender):
    response = supplier_client.post(
        url(tender),
        {"lot": 2, "price": "184500.00", "answers": {CRITERION: "In drie golven."}},
        content_type="application/json",
    )

    assert response.status_code == 201
    bid = Bid.objects.get()
    body = response.json()
    assert body == {
        "id": bid.pk,
        "tender": tender.pk,
        "lot": 2,
        "organisation": "Netwerk B.V.",
        "sequence": 1,
        "submitted_at": body["submitted_at"],
        "sha256": services.contents_sha256(
            price=Decimal("184500.00"), answers={CRITERION: "In drie golven."}, attachment_hashes=[]
        ),
        "is_latest": True,
        "superseded_at": None,
        "superseded_by": None,
        "supersedes": None,
        "receipt": f"http://testserver/bidding/inschrijvingen/{bid.pk}/",
    }
    assert datetime.fromisoformat(body["submitted_at"]) == bid.submitted_at


def test_a_multipart_bid_with_attachments(supplier_client, tender):
    files = [upload("plan.pdf", pdf("plan")), upload("cv.pdf", pdf("cv"))]
    response = supplier_client.post(
        url(tender),
        {
            "lot": "1",
            "price": "99000.50",
            "answers": json.dumps({CRITERION: "Zie bijlage."}),
            "attachments": files,
        },
    )

    assert response.status_code == 201, response.content
    contents = BidContent.objects.get()
    assert [a.file_name for a in contents.attachments.all()] == ["plan.pdf", "cv.pdf"]
    hashes = [hashlib.sha256(pdf(x)).hexdigest() for x in ("plan", "cv")]
    assert response.json()["sha256"] == services.contents_sha256(
        price=Decimal("99000.50"), answers={CRITERION: "Zie bijlage."}, attachment_hashes=hashes
    )


def test_a_second_post_supersedes_the_first(supplier_client, tender):
    first = supplier_client.post(
        url(tender),
        {"lot": 1, "price": "1000", "answers": {CRITERION: "a"}},
        content_type="application/json",
    ).json()
    second = supplier_client.post(
        url(tender),
        {"lot": 1, "price": "900", "answers": {CRITERION: "b"}},
        content_type="application/json",
    ).json()

    assert (second["sequence"], second["supersedes"], second["is_latest"]) == (2, first["id"], True)
    old = supplier_client.get(f"/api/v1/bids/{first['id']}/").json()
    assert (old["is_latest"], old["superseded_by"]) == (False, second["id"])


def test_a_late_bid_is_400_with_the_closing_time(supplier_client, tender, clock):
    clock.after_closing(tender, minutes=5)

    response = supplier_client.post(
        url(tender),
        {"lot": 1, "price": "1000", "answers": {CRITERION: "a"}},
        content_type="application/json",
    )

    closing = services.bids.moment(tender.closing_at)
    assert response.status_code == 400
    assert response.json()["code"] == "late_bid"
    assert response.json()["params"]["closing"] == closing
    assert response.json()["detail"][0].startswith(f"Bids closed at {closing};")
    assert not Bid.objects.exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"lot": 9, "price": "1", "answers": {CRITERION: "a"}}, "lot"),
        ({"lot": 1, "price": "x", "answers": {CRITERION: "a"}}, "price"),
        ({"lot": 1, "price": "1", "answers": ["a"]}, "answers"),
    ],
)
def test_malformed_bids_are_400_per_field(supplier_client, tender, data, field):
    response = supplier_client.post(url(tender), data, content_type="application/json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Bid.objects.exists()


def test_a_missing_answer_names_the_criterion(supplier_client, tender):
    response = supplier_client.post(
        url(tender), {"lot": 1, "price": "10", "answers": {}}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "missing_answer"
    assert response.json()["params"] == {"criterion": CRITERION}


def test_staff_and_board_contacts_cannot_post_bids(staff_browser, contact, tender):
    data = {"lot": 1, "price": "10", "answers": {CRITERION: "a"}}
    assert staff_browser.post(url(tender), data, content_type="application/json").status_code == 403
    assert (
        logged_in(contact).post(url(tender), data, content_type="application/json").status_code
        == 403
    )
    assert not Bid.objects.exists()


def test_a_bid_on_a_tender_a_supplier_cannot_see_is_404(supplier_client, staff):
    draft = make_tender(by=staff, publish=False, title="Concept")
    response = supplier_client.post(
        url(draft), {"lot": 1, "price": "10", "answers": {}}, content_type="application/json"
    )
    assert response.status_code == 404


@pytest.mark.parametrize("rows", [2, 50])
def test_the_bids_list_costs_a_fixed_number_of_queries(
    staff_browser, tender, rows, django_assert_max_num_queries
):
    for n in range(rows):
        submit(tender, make_supplier(f"s{n}", f"Leverancier {n}"), number=1 + n % 2)

    with django_assert_max_num_queries(5):
        response = staff_browser.get(url(tender), {"page_size": 50})

    assert len(response.json()["results"]) == rows


@pytest.mark.parametrize("rows", [2, 50])
def test_the_nota_and_questions_lists_cost_a_fixed_number_of_queries(
    staff_browser, staff, tender, rows, django_assert_max_num_queries
):
    for n in range(rows):
        question = services.question_ask(
            tender=tender, text=f"Vraag {n}", by=make_supplier(f"q{n}", f"Bedrijf {n}")
        )
        services.question_answer(question=question, answer=f"Antwoord {n}", by=staff)

    with django_assert_max_num_queries(5):
        nota = staff_browser.get(f"/api/v1/tenders/{tender.pk}/nota/", {"page_size": 50})
    with django_assert_max_num_queries(5):
        questions = staff_browser.get(f"/api/v1/tenders/{tender.pk}/questions/", {"page_size": 50})

    assert [e["number"] for e in nota.json()["results"]] == list(range(1, rows + 1))
    assert len(questions.json()["results"]) == rows


@pytest.mark.parametrize("rows", [2, 50])
def test_the_documents_list_costs_a_fixed_number_of_queries(
    supplier_client, staff, tender, rows, django_assert_max_num_queries
):
    for n in range(rows):
        services.document_upload(
            tender=tender, title=f"Bijlage {n}", upload=upload(f"{n}.pdf"), by=staff
        )

    with django_assert_max_num_queries(5):
        response = supplier_client.get(f"/api/v1/tenders/{tender.pk}/documents/", {"page_size": 50})

    assert len(response.json()["results"]) == rows


def test_the_api_schema_describes_the_bidding_endpoints(client):
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json")
    assert schema.status_code == 200
    text = schema.content.decode()
    for path in ("/api/v1/tenders/{id}/bids/", "/api/v1/bids/{id}/contents/"):
        assert path in text
