"""Tender documents: staff upload PDFs (by content, within the size limit), versioned by
upload time under one title; suppliers see published tenders and their documents only,
and download them as attachments; board contacts and anonymous visitors get nothing."""

import hashlib
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from bundel.audit.models import AuditEntry
from bundel.bidding import selectors, services
from bundel.bidding.models import TenderDocument
from bundel.core.errors import RuleViolation, StateConflict
from bundel.tenders import services as tender_services

from .conftest import logged_in
from .factories import make_tender, pdf, upload


def add(tender, staff, title="Aanbestedingsleidraad", content=None, name="leidraad.pdf"):
    return services.document_upload(
        tender=tender, title=title, upload=upload(name, content or pdf(title)), by=staff
    )


def stored(media_root) -> list:
    return [p for p in media_root.rglob("*") if p.is_file()] if media_root.exists() else []


def test_staff_upload_a_pdf_and_it_is_audited(tender, staff, media_root):
    document = add(tender, staff, content=pdf("leidraad v1"))

    assert (document.title, document.version, document.file_name) == (
        "Aanbestedingsleidraad",
        1,
        "leidraad.pdf",
    )
    assert document.sha256 == hashlib.sha256(pdf("leidraad v1")).hexdigest()
    assert document.size == len(pdf("leidraad v1"))
    assert len(stored(media_root)) == 1
    assert stored(media_root)[0].name != "leidraad.pdf"  # a name of our own
    entry = AuditEntry.objects.get(action="bidding.document.uploaded")
    assert (entry.actor, entry.data["version"], entry.data["tender"]) == (staff, 1, tender.pk)


def test_the_same_title_again_is_the_next_version(tender, staff, clock):
    first = add(tender, staff, content=pdf("v1"))
    clock.set(first.uploaded_at + timedelta(hours=2))
    second = add(tender, staff, content=pdf("v2"))
    other = add(tender, staff, title="Programma van eisen")

    assert (first.version, second.version, other.version) == (1, 2, 1)
    assert second.uploaded_at - first.uploaded_at == timedelta(hours=2)
    current = selectors.tender_documents(tender, staff)
    assert [(d.title, d.version, [o.version for o in d.older]) for d in current] == [
        ("Aanbestedingsleidraad", 2, [1]),
        ("Programma van eisen", 1, []),
    ]


def test_a_file_that_is_not_a_pdf_by_content_is_refused(tender, staff, media_root):
    with pytest.raises(RuleViolation) as refused:
        add(tender, staff, content=b"<html>leidraad</html>", name="leidraad.pdf")

    assert refused.value.code == "file_type"
    assert refused.value.messages == [
        "The file “leidraad.pdf” is not accepted: by its content it is of the type “web page "
        "or XML (HTML, SVG, XML)” (whatever its name says). Accepted: PDF document."
    ]
    assert not TenderDocument.objects.exists() and stored(media_root) == []


def test_the_size_limit_is_a_setting(tender, staff, settings):
    settings.BIDDING_UPLOAD_MAX_BYTES = 50
    exactly = pdf("x" * (50 - len(pdf(""))))
    assert len(exactly) == 50
    add(tender, staff, content=exactly)

    with pytest.raises(RuleViolation) as refused:
        add(tender, staff, content=exactly + b"!")
    assert refused.value.code == "too_large"
    assert refused.value.messages == [
        "The file “leidraad.pdf” is 51\xa0bytes; files of at most 50\xa0bytes are accepted."
    ]


def test_only_staff_upload(tender, supplier):
    with pytest.raises(PermissionDenied):
        add(tender, supplier)


def test_no_documents_after_the_closing_time(tender, staff, clock):
    clock.after_closing(tender)
    with pytest.raises(RuleViolation) as refused:
        add(tender, staff)
    assert refused.value.code == "closed"


def test_no_documents_on_a_cancelled_tender(tender, staff):
    tender_services.tender_cancel(tender=tender, by=staff, reason="Geen budget.")
    with pytest.raises(StateConflict):
        add(tender, staff)


# --- who sees which tender and document -----------------------------------------------


@pytest.fixture
def tenders(staff):
    draft = make_tender(by=staff, title="Concept", publish=False)
    demand = make_tender(by=staff, title="Vraagbundeling", publish=False)
    tender_services.tender_open_demand(tender=demand, by=staff)
    published = make_tender(by=staff, title="Gepubliceerd")
    for tender in (draft, demand, published):
        add(tender, staff, title=f"Leidraad {tender.title}")
    return {t.title: t for t in (draft, demand, published)}


def test_suppliers_see_only_published_tenders_and_their_documents(supplier_client, tenders):
    listing = supplier_client.get("/bidding/").content.decode()

    assert "Gepubliceerd" in listing
    assert "Concept" not in listing and "Vraagbundeling" not in listing
    for title in ("Concept", "Vraagbundeling"):
        tender = tenders[title]
        document = tender.documents.get()
        assert supplier_client.get(f"/bidding/{tender.pk}/").status_code == 404
        url = f"/bidding/{tender.pk}/documenten/{document.pk}/"
        assert supplier_client.get(url).status_code == 404
        api = supplier_client.get(f"/api/v1/tenders/{tender.pk}/documents/")
        assert api.status_code == 404


def test_a_supplier_downloads_a_document_as_an_attachment(supplier_client, tenders):
    tender = tenders["Gepubliceerd"]
    document = tender.documents.get()

    page = supplier_client.get(f"/bidding/{tender.pk}/").content.decode()
    response = supplier_client.get(f"/bidding/{tender.pk}/documenten/{document.pk}/")

    assert "Leidraad Gepubliceerd" in page
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="leidraad.pdf"'
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content) == pdf("Leidraad Gepubliceerd")


def test_the_documents_api_lists_every_version(supplier_client, tenders, staff):
    tender = tenders["Gepubliceerd"]
    add(tender, staff, title="Leidraad Gepubliceerd", content=pdf("v2"))

    body = supplier_client.get(f"/api/v1/tenders/{tender.pk}/documents/").json()

    assert [(d["title"], d["version"]) for d in body["results"]] == [
        ("Leidraad Gepubliceerd", 2),
        ("Leidraad Gepubliceerd", 1),
    ]
    assert body["results"][0]["sha256"] == hashlib.sha256(pdf("v2")).hexdigest()
    assert body["results"][0]["download"].endswith(
        f"/bidding/{tender.pk}/documenten/{body['results'][0]['id']}/"
    )


def test_staff_see_every_tender(staff_browser, tenders):
    listing = staff_browser.get("/bidding/").content.decode()
    assert all(title in listing for title in tenders)


@pytest.mark.parametrize("who", ["board_contact", "anonymous"])
def test_outsiders_get_no_tender_or_document_here(who, contact, tenders):
    client = logged_in(contact) if who == "board_contact" else Client()
    tender = tenders["Gepubliceerd"]
    document = tender.documents.get()

    responses = [
        client.get("/bidding/"),
        client.get(f"/bidding/{tender.pk}/"),
        client.get(f"/bidding/{tender.pk}/documenten/{document.pk}/"),
        client.get(f"/api/v1/tenders/{tender.pk}/documents/"),
    ]
    expected = 403 if who == "board_contact" else 302
    assert [r.status_code for r in responses[:3]] == [expected] * 3
    assert responses[3].status_code == 403


def test_a_tender_cancelled_after_publication_stays_visible_to_suppliers(
    supplier_client, tenders, staff
):
    tender = tenders["Gepubliceerd"]
    tender_services.tender_cancel(tender=tender, by=staff, reason="Markt veranderd.")

    page = supplier_client.get(f"/bidding/{tender.pk}/")
    assert page.status_code == 200
    assert "Markt veranderd." in page.content.decode()
