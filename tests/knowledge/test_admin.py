"""Staff keep documents in the admin too, through the same services: audited, a changed
text is a new version, a bad file is refused on the form, nothing is deleted."""

import pytest

from bundel.audit.models import AuditEntry
from bundel.knowledge import services
from bundel.knowledge.models import Document

from .factories import make_document, pdf_bytes, stored_files, upload

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

URL = "/admin/knowledge/document/"


def versions_inline(initial: int) -> dict:
    return {
        "versions-TOTAL_FORMS": str(initial),
        "versions-INITIAL_FORMS": str(initial),
        "versions-MIN_NUM_FORMS": "0",
        "versions-MAX_NUM_FORMS": "0",
    }


def document_data(category, staff, **overrides) -> dict:
    data = {
        "title": "Model verwerkersovereenkomst",
        "summary": "Voor leveranciers.",
        "category": category.pk,
        "visibility": "members",
        "owner": staff.pk,
        "tags_text": "privacy, AVG",
        "body": "Artikel 1. De verwerker verwerkt uitsluitend in opdracht.",
        "note": "",
        **versions_inline(0),
    }
    data.update(overrides)
    return data


def test_staff_add_a_document_with_a_file_in_the_admin(staff_client, staff, categories):
    response = staff_client.post(
        f"{URL}add/",
        {
            **document_data(categories["procurement"], staff),
            "upload": upload("avg.pdf", pdf_bytes("Verwerkersovereenkomst")),
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    document = Document.objects.get()
    assert (document.title, document.current_version.file_name) == (
        "Model verwerkersovereenkomst",
        "avg.pdf",
    )
    assert sorted(document.tags.values_list("name", flat=True)) == ["AVG", "privacy"]
    assert AuditEntry.objects.filter(action="knowledge.document.created").count() == 1


def test_a_changed_text_in_the_admin_is_a_new_version_and_details_are_audited(
    staff_client, staff, categories
):
    document = make_document(staff, title="Wifi", body="Versie 1", tags=["wifi"])
    data = document_data(
        categories["ict"],
        staff,
        title="Wifi-richtlijnen",
        visibility="public",
        tags_text="wifi",
        body="Versie 2",
        note="Herzien",
        **versions_inline(1),
    )
    data["withdraw_reason"] = ""
    data["versions-0-id"] = document.current_version.pk
    data["versions-0-document"] = document.pk

    response = staff_client.post(f"{URL}{document.pk}/change/", data)

    assert response.status_code == 302, response.content.decode()[:3000]
    document.refresh_from_db()
    assert (document.title, document.visibility, document.current_version.number) == (
        "Wifi-richtlijnen",
        "public",
        2,
    )
    assert document.current_version.note == "Herzien"
    assert list(
        AuditEntry.objects.filter(object_id=str(document.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    ) == [
        "knowledge.document.created",
        "knowledge.document.updated",
        "knowledge.document.version_added",
    ]


def test_staff_withdraw_and_reinstate_in_the_admin(staff_client, staff, categories):
    document = make_document(staff, body="Tekst")
    base = document_data(categories["ict"], staff, title=document.title, body="Tekst", tags_text="")
    base.update(versions_inline(1), **{"versions-0-id": document.current_version.pk})
    base["versions-0-document"] = document.pk

    staff_client.post(f"{URL}{document.pk}/change/", {**base, "withdraw_reason": "Verouderd"})
    document.refresh_from_db()
    assert (document.is_withdrawn, document.withdrawn_reason) == (True, "Verouderd")

    page = staff_client.get(f"{URL}{document.pk}/change/").content.decode()
    assert 'name="reinstate"' in page and 'name="withdraw_reason"' not in page
    staff_client.post(f"{URL}{document.pk}/change/", {**base, "reinstate": "on"})
    document.refresh_from_db()
    assert not document.is_withdrawn


def test_a_bad_file_is_refused_on_the_admin_form_and_nothing_is_stored(
    staff_client, staff, categories, media
):
    response = staff_client.post(
        f"{URL}add/",
        {
            **document_data(categories["ict"], staff, body=""),
            "upload": upload("tarieven.xlsx", b"MZ\x90\x00 a program"),
        },
    )

    assert response.status_code == 200
    assert "of the type “program (executable)”" in response.content.decode()
    assert Document.objects.count() == 0
    assert stored_files(media) == []


def test_a_new_document_needs_a_text_or_a_file(staff_client, staff, categories):
    response = staff_client.post(f"{URL}add/", document_data(categories["ict"], staff, body=""))

    assert response.status_code == 200
    assert "A version needs a text, a file or both." in response.content.decode()
    assert Document.objects.count() == 0


def test_documents_are_never_deleted_in_the_admin(staff_client, staff):
    document = make_document(staff)

    assert staff_client.get(f"{URL}{document.pk}/delete/").status_code == 403
    assert staff_client.get(URL).status_code == 200
    assert Document.objects.count() == 1


def test_the_admin_list_and_forms_render(staff_client, staff):
    document = make_document(staff, upload=upload("a.pdf", pdf_bytes("A")))
    services.document_add_version(document=document, by=staff, body="Nieuwe tekst")

    listing = staff_client.get(URL).content.decode()
    change = staff_client.get(f"{URL}{document.pk}/change/").content.decode()

    assert document.title in listing
    assert "Nieuwe tekst" in change and "a.pdf" in change
    assert staff_client.get(f"{URL}add/").status_code == 200
    assert staff_client.get("/admin/knowledge/category/").status_code == 200
    assert staff_client.get("/admin/knowledge/tag/").status_code == 200
