"""The bidding pages: the tender list (fixed queries), a supplier's tender page, the bid
form with its receipt, the staff tender page (upload, committee), the evaluation page
through scoring, consolidation and reasons, and who may see which page."""

import pytest

from bundel.audit.models import AuditEntry
from bundel.bidding import services
from bundel.bidding.models import Bid, CommitteeMember, ConsolidatedScore, TenderDocument
from bundel.tenders import services as tender_services

from ..factories import StaffFactory
from .conftest import logged_in
from .factories import CRITERION, make_supplier, make_tender, pdf, submit, upload


def text(response) -> str:
    return response.content.decode()


@pytest.mark.parametrize("rows", [2, 50])
def test_the_list_costs_a_fixed_number_of_queries(
    supplier_client, staff_browser, staff, rows, django_assert_max_num_queries
):
    for n in range(rows):
        make_tender(by=staff, title=f"Aanbesteding {n}")

    for client in (supplier_client, staff_browser):
        with django_assert_max_num_queries(5):
            response = client.get("/bidding/")
        assert text(response).count("<tr data-tender=") == rows


def test_the_list_counts_per_tender(supplier_client, staff_browser, tender, supplier, rival, staff):
    submit(tender, supplier)
    submit(tender, supplier)  # supersedes: still one current bid
    submit(tender, rival)
    services.question_ask(tender=tender, text="Open vraag", by=rival)
    services.document_upload(tender=tender, title="Leidraad", upload=upload(), by=staff)
    services.document_upload(tender=tender, title="Leidraad", upload=upload(), by=staff)

    staff_row = _row(text(staff_browser.get("/bidding/")), tender)
    supplier_row = _row(text(supplier_client.get("/bidding/")), tender)

    # lots, documents (titles), nota entries, open questions, bids
    assert _numbers(staff_row) == ["2", "1", "0", "1", "2"]
    # lots, documents, nota entries, own bids
    assert _numbers(supplier_row) == ["2", "1", "0", "1"]


def _row(html: str, tender) -> str:
    start = html.index(f'<tr data-tender="{tender.pk}">')
    return html[start : html.index("</tr>", start)]


def _numbers(row: str) -> list[str]:
    cells = row.split('<td class="num">')[1:]
    return [cell.split("</td>")[0] for cell in cells]


def test_a_supplier_submits_a_bid_through_the_form_and_gets_a_receipt(supplier_client, tender):
    form = supplier_client.get(f"/bidding/{tender.pk}/percelen/1/inschrijven/")
    assert form.status_code == 200
    assert f"Answer to “{CRITERION}”" in text(form)

    criterion = tender.criteria.get()
    response = supplier_client.post(
        f"/bidding/{tender.pk}/percelen/1/inschrijven/",
        {
            "price": "150000.25",
            f"answer_{criterion.pk}": "Gefaseerde migratie.",
            "attachments": [upload("plan.pdf", pdf("plan"))],
        },
    )

    bid = Bid.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/bidding/inschrijvingen/{bid.pk}/"
    receipt = text(supplier_client.get(response["Location"]))
    assert "Receipt of your bid" in receipt
    assert bid.sha256 in receipt
    assert "current: this is the bid that counts" in receipt
    assert "Gefaseerde migratie." in receipt and "plan.pdf" in receipt


def test_the_form_starts_from_the_previous_bid_and_warns_it_is_superseded(
    supplier_client, tender, supplier
):
    submit(tender, supplier, price="777.00", answer="Eerste versie.")

    page = text(supplier_client.get(f"/bidding/{tender.pk}/percelen/1/inschrijven/"))

    assert "Submitting again stores a new bid that replaces it" in page
    assert 'value="777.00"' in page and "Eerste versie." in page


def test_a_refused_bid_shows_the_rule_and_stores_nothing(supplier_client, tender):
    criterion = tender.criteria.get()
    response = supplier_client.post(
        f"/bidding/{tender.pk}/percelen/1/inschrijven/",
        {
            "price": "1000",
            f"answer_{criterion.pk}": "x",
            "attachments": [upload("plan.pdf", b"GIF89a")],
        },
    )
    assert response.status_code == 200
    assert "“plan.pdf” is not accepted: by its content it is of the type “Plain text”" in (
        text(response)
    )
    assert not Bid.objects.exists()


def test_after_closing_the_form_says_bids_closed(supplier_client, tender, clock):
    clock.after_closing(tender)
    page = text(supplier_client.get(f"/bidding/{tender.pk}/percelen/1/inschrijven/"))
    assert "Bids closed at" in page and '<form method="post" enctype' not in page


def test_staff_and_outsiders_get_no_bid_form(staff_browser, contact, tender):
    assert staff_browser.get(f"/bidding/{tender.pk}/percelen/1/inschrijven/").status_code == 403
    contact_client = logged_in(contact)
    assert contact_client.get(f"/bidding/{tender.pk}/percelen/1/inschrijven/").status_code == 403


def test_the_supplier_tender_page_shows_lots_with_own_bids(supplier_client, tender, supplier):
    bid = submit(tender, supplier, number=2)
    page = text(supplier_client.get(f"/bidding/{tender.pk}/"))

    assert f'href="/bidding/inschrijvingen/{bid.pk}/"' in page
    assert page.count("Submit a bid") == 1 and page.count("Submit a new bid") == 1
    assert "Ask a question" in page


def test_staff_upload_a_document_and_set_the_committee_on_the_tender_page(
    staff_browser, staff, tender
):
    member = StaffFactory(username="member", first_name="Mila", last_name="Lid")
    upload_response = staff_browser.post(
        f"/bidding/{tender.pk}/",
        {
            "action": "upload",
            "upload-doc_title": "Programma van eisen",
            "upload-file": upload("pve.pdf", pdf("eisen")),
        },
    )
    committee_response = staff_browser.post(
        f"/bidding/{tender.pk}/",
        {
            "action": "committee",
            "committee-members": [staff.pk, member.pk],
            "committee-chair": member.pk,
        },
    )

    assert upload_response.status_code == 302 and committee_response.status_code == 302
    assert TenderDocument.objects.get().title == "Programma van eisen"
    assert [(m.user, m.is_chair) for m in CommitteeMember.objects.order_by("user_id")] == [
        (staff, False),
        (member, True),
    ]
    page = text(staff_browser.get(f"/bidding/{tender.pk}/"))
    assert "Programma van eisen" in page and "Mila Lid (chair)" in page
    # The bidding changes of the tender are on its page.
    assert 'title="bidding.committee.changed"' in page
    assert 'title="bidding.document.uploaded"' in page


def test_the_evaluation_page_from_scores_to_reasons(staff, tender, supplier, rival, clock):
    member = StaffFactory(username="member", first_name="Mila", last_name="Lid")
    services.committee_set(tender=tender, members=[staff, member], chair=staff, by=staff)
    own = submit(tender, supplier, price="100000")
    other = submit(tender, rival, price="120000")
    clock.after_closing(tender)
    tender_services.tender_close(tender=tender, by=staff, now=clock.at)
    tender_services.tender_start_evaluation(tender=tender, by=staff)
    criterion = tender.criteria.get()
    url = f"/bidding/{tender.pk}/beoordeling/"

    for who, scores in ((member, (4, 9)), (staff, (6, 10))):
        client = logged_in(who)
        saved = client.post(
            url,
            {
                "action": "sheet",
                "submit": "1",
                f"sheet-s_{own.pk}_{criterion.pk}": str(scores[0]),
                f"sheet-s_{other.pk}_{criterion.pk}": str(scores[1]),
            },
        )
        assert saved.status_code == 302
    chair = logged_in(staff)
    page = text(chair.get(url))
    assert "Consolidated scores" in page
    # The form starts from the members' average: (4 + 6) / 2 and (9 + 10) / 2.
    assert f'name="consolidate-s_{own.pk}_{criterion.pk}" value="5.00"' in page
    assert f'name="consolidate-s_{other.pk}_{criterion.pk}" value="9.50"' in page

    consolidated = chair.post(
        url,
        {
            "action": "consolidate",
            f"consolidate-s_{own.pk}_{criterion.pk}": "5",
            f"consolidate-n_{own.pk}_{criterion.pk}": "Redelijk plan.",
            f"consolidate-s_{other.pk}_{criterion.pk}": "10",
            f"consolidate-n_{other.pk}_{criterion.pk}": "Uitstekend plan.",
        },
    )
    assert consolidated.status_code == 302
    assert ConsolidatedScore.objects.count() == 2
    page = text(chair.get(url))
    assert 'data-bidder="Concurrent Connect B.V."><td class="num">1</td>' in page
    assert "90.00" in page and "80.00" in page

    lot = tender.lots.get(number=1)
    reasons = chair.post(
        url, {"action": "reasons", "lot": lot.pk, f"reasons{lot.pk}-text": "Beste plan."}
    )
    assert reasons.status_code == 302
    assert lot.award_reasons.text == "Beste plan."
    assert AuditEntry.objects.filter(action="bidding.award_reasons.added").count() == 1


@pytest.mark.parametrize("who", ["supplier", "contact"])
def test_only_staff_see_the_evaluation_page(request, who, tender):
    client = logged_in(request.getfixturevalue(who))
    assert client.get(f"/bidding/{tender.pk}/beoordeling/").status_code == 403


@pytest.mark.parametrize("rows", [2, 50])
def test_the_nota_and_question_pages_cost_a_fixed_number_of_queries(
    supplier_client, staff_browser, staff, tender, rows, django_assert_max_num_queries
):
    for n in range(rows):
        asker = make_supplier(f"q{n}", f"Bedrijf {n}")
        question = services.question_ask(tender=tender, text=f"Vraag {n}", by=asker)
        if n % 2:
            services.question_answer(question=question, answer=f"Antwoord {n}", by=staff)

    with django_assert_max_num_queries(6):
        nota = supplier_client.get(f"/bidding/{tender.pk}/nota/")
    with django_assert_max_num_queries(7):
        questions = staff_browser.get(f"/bidding/{tender.pk}/vragen/")

    assert text(nota).count("<li value=") == rows // 2
    assert text(questions).count('class="card question"') == rows - rows // 2


@pytest.mark.parametrize("rows", [2, 50])
def test_the_staff_tender_page_costs_a_fixed_number_of_queries(
    staff_browser, tender, rows, django_assert_max_num_queries
):
    for n in range(rows):
        submit(tender, make_supplier(f"s{n}", f"Leverancier {n}"))

    with django_assert_max_num_queries(13):
        page = staff_browser.get(f"/bidding/{tender.pk}/")

    assert text(page).count("<tr data-bid=") == rows
