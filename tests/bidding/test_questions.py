"""Supplier questions and the nota van inlichtingen: asked until the question deadline
(closing time minus BIDDING_QUESTIONS_CLOSE_DAYS_BEFORE days), answered by staff into
numbered entries, and published without who asked, on the page, in the PDF and in the
API."""

import io
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from pypdf import PdfReader

from bundel.audit.models import AuditEntry
from bundel.bidding import services
from bundel.bidding.models import Question
from bundel.core.errors import RuleViolation, StateConflict

from .conftest import logged_in
from .factories import lot, make_tender

ASKER_NAMES = ("Netwerk", "Lars", "Leverancier", "supplier@example.test")


def ask(tender, supplier, text="Is een redundante aansluiting verplicht?", **kw):
    return services.question_ask(tender=tender, text=text, by=supplier, **kw)


def test_the_question_deadline_is_the_closing_time_minus_the_setting(tender, supplier, clock):
    deadline = tender.closing_at - timedelta(days=10)
    assert services.questions_close_at(tender) == deadline

    clock.set(deadline - timedelta(seconds=1))
    ask(tender, supplier)
    clock.set(deadline)
    with pytest.raises(RuleViolation) as refused:
        ask(tender, supplier)

    assert refused.value.code == "questions_closed"
    assert refused.value.params["deadline"].endswith("12:00")
    assert "days before bids close" in refused.value.messages[0]
    assert Question.objects.count() == 1


def test_the_days_are_a_setting(tender, settings):
    settings.BIDDING_QUESTIONS_CLOSE_DAYS_BEFORE = 3
    assert services.questions_close_at(tender) == tender.closing_at - timedelta(days=3)


def test_only_suppliers_ask_and_only_on_a_published_tender(tender, staff, supplier, contact):
    with pytest.raises(PermissionDenied):
        ask(tender, staff)
    with pytest.raises(PermissionDenied):
        ask(tender, contact)
    draft = make_tender(by=staff, publish=False, title="Concept")
    with pytest.raises(StateConflict):
        ask(draft, supplier)


def test_answers_are_numbered_in_the_order_they_are_published(tender, staff, supplier, rival):
    first = ask(tender, supplier, "Vraag A")
    second = ask(tender, rival, "Vraag B", lot=lot(tender, 2))
    services.question_answer(question=second, answer="Antwoord B", by=staff)
    services.question_answer(
        question=first, answer="Antwoord A", by=staff, published_text="Vraag A, herschreven"
    )

    first.refresh_from_db()
    second.refresh_from_db()
    assert (second.number, first.number) == (1, 2)
    assert (first.published_text, first.text) == ("Vraag A, herschreven", "Vraag A")
    assert second.published_text == "Vraag B"
    entry = AuditEntry.objects.filter(action="bidding.question.answered").order_by("pk").last()
    assert entry.data == {"tender": tender.pk, "number": 2, "reworded": True}


def test_a_question_is_answered_once(tender, staff, supplier):
    question = ask(tender, supplier)
    services.question_answer(question=question, answer="Ja.", by=staff)

    with pytest.raises(StateConflict) as refused:
        services.question_answer(question=question, answer="Nee.", by=staff)
    assert "number 1" in refused.value.messages[0]
    question.refresh_from_db()
    assert question.answer == "Ja."


def test_only_staff_answer(tender, supplier):
    question = ask(tender, supplier)
    with pytest.raises(PermissionDenied):
        services.question_answer(question=question, answer="Ja.", by=supplier)


@pytest.fixture
def answered(tender, staff, supplier):
    question = ask(
        tender, supplier, "Netwerk B.V. vraagt: geldt 1 Gbit/s per locatie?", lot=lot(tender)
    )
    return services.question_answer(
        question=question,
        answer="Ja, 1 Gbit/s symmetrisch per locatie.",
        published_text="Geldt 1 Gbit/s per locatie?",
        by=staff,
    )


def test_the_nota_page_names_no_asker(rival_client, supplier_client, answered, tender):
    for client in (rival_client, supplier_client):
        page = client.get(f"/bidding/{tender.pk}/nota/")
        text = page.content.decode()
        main = text[text.index('<main id="main"') :]
        assert page.status_code == 200
        assert "Geldt 1 Gbit/s per locatie?" in main
        assert "Ja, 1 Gbit/s symmetrisch per locatie." in main
        assert 'data-number="1"' in main
        assert [name for name in ASKER_NAMES if name in main] == []


def test_the_nota_pdf_names_no_asker(rival_client, answered, tender):
    response = rival_client.get(f"/bidding/{tender.pk}/nota.pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="nota-van-')
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(page.extract_text() for page in reader.pages)
    metadata = " ".join(str(v) for v in (reader.metadata or {}).values())
    assert "Nota van inlichtingen" in text
    assert "Geldt 1 Gbit/s per locatie?" in text
    assert "symmetrisch per locatie" in text
    assert [name for name in ASKER_NAMES if name in text + metadata] == []


def test_the_nota_api_names_no_asker(rival_client, answered, tender):
    body = rival_client.get(f"/api/v1/tenders/{tender.pk}/nota/").json()

    assert body["results"] == [
        {
            "number": 1,
            "lot": 1,
            "question": "Geldt 1 Gbit/s per locatie?",
            "answer": "Ja, 1 Gbit/s symmetrisch per locatie.",
            "answered_at": body["results"][0]["answered_at"],
        }
    ]
    assert [name for name in ASKER_NAMES if name in str(body)] == []


def test_a_supplier_sees_its_own_questions_not_the_others(
    supplier_client, rival_client, tender, supplier, rival
):
    ask(tender, supplier, "Mijn open vraag")
    ask(tender, rival, "Vraag van de concurrent")

    mine = supplier_client.get(f"/api/v1/tenders/{tender.pk}/questions/").json()["results"]
    page = supplier_client.get(f"/bidding/{tender.pk}/").content.decode()

    assert [q["text"] for q in mine] == ["Mijn open vraag"]
    assert "asked_by" not in mine[0]
    assert "Mijn open vraag" in page and "Vraag van de concurrent" not in page


def test_staff_see_who_asked(staff_browser, answered, tender):
    body = staff_browser.get(f"/api/v1/tenders/{tender.pk}/questions/").json()["results"]
    page = staff_browser.get(f"/bidding/{tender.pk}/vragen/").content.decode()

    assert [(q["number"], q["asked_by"], q["organisation"]) for q in body] == [
        (1, "supplier", "Netwerk B.V.")
    ]
    assert "Netwerk B.V." in page


def test_a_supplier_asks_through_the_api(supplier_client, tender):
    response = supplier_client.post(
        f"/api/v1/tenders/{tender.pk}/questions/",
        {"lot": 2, "text": "Valt colocatie onder perceel 2?"},
        content_type="application/json",
    )

    assert response.status_code == 201
    assert (response.json()["lot"], response.json()["state"]) == (2, "open")
    assert Question.objects.get().lot.number == 2


def test_a_late_question_through_the_api_names_the_deadline(supplier_client, tender, clock):
    clock.set(services.questions_close_at(tender))
    response = supplier_client.post(
        f"/api/v1/tenders/{tender.pk}/questions/",
        {"text": "Te laat?"},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert response.json()["code"] == "questions_closed"
    assert response.json()["detail"][0].startswith("Questions closed at ")


def test_the_question_page_form_and_the_staff_answer_page(supplier_client, staff, tender):
    response = supplier_client.post(
        f"/bidding/{tender.pk}/",
        {"action": "ask", "ask-lot": "", "ask-text": "Wat is de looptijd?"},
    )
    assert response.status_code == 302
    question = Question.objects.get()
    assert (question.text, question.lot) == ("Wat is de looptijd?", None)

    staff_client = logged_in(staff)
    answered = staff_client.post(
        f"/bidding/{tender.pk}/vragen/",
        {
            "action": "answer",
            "question": question.pk,
            f"q{question.pk}-published_text": "Wat is de looptijd van de raamovereenkomst?",
            f"q{question.pk}-answer": "Vier jaar.",
        },
    )
    assert answered.status_code == 302
    question.refresh_from_db()
    assert (question.number, question.answer) == (1, "Vier jaar.")


def test_suppliers_and_outsiders_do_not_reach_the_staff_question_page(
    supplier_client, contact, tender
):
    assert supplier_client.get(f"/bidding/{tender.pk}/vragen/").status_code == 403
    assert logged_in(contact).get(f"/bidding/{tender.pk}/vragen/").status_code == 403
    assert logged_in(contact).get(f"/bidding/{tender.pk}/nota/").status_code == 403
