"""Keeping documents: create with a first version, new versions (the old ones stay),
details and tags, withdraw and reinstate; staff only, audited, nothing stored when
refused."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from bundel.audit.models import AuditEntry
from bundel.core.errors import RuleViolation, StateConflict
from bundel.knowledge import services
from bundel.knowledge.constants import DocumentState, FileKind, Visibility
from bundel.knowledge.models import Document, DocumentVersion, Tag

from .factories import make_document, pdf_bytes, stored_files, upload


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


def actions(document) -> list[str]:
    return list(
        AuditEntry.objects.filter(object_id=str(document.pk), action__startswith="knowledge.")
        .order_by("pk")
        .values_list("action", flat=True)
    )


def test_a_document_is_created_with_its_first_version_tags_and_an_audit_entry(
    staff, categories, media
):
    document = services.document_create(
        by=staff,
        title="  Model   aanbestedingsleidraad ",
        category=categories["procurement"],
        visibility=Visibility.MEMBERS,
        summary="Sjabloon voor Europese aanbestedingen.",
        tags=["Aanbesteding", "model", "aanbesteding "],
        body="Vul de gemarkeerde onderdelen in.",
        upload=upload("leidraad.pdf", pdf_bytes("Gunningscriteria en percelen")),
        note="Eerste versie",
    )

    version = document.current_version
    assert (document.title, document.state, document.owner) == (
        "Model aanbestedingsleidraad",
        DocumentState.PUBLISHED,
        staff,
    )
    assert sorted(document.tags.values_list("name", flat=True)) == ["Aanbesteding", "model"]
    assert (version.number, version.body, version.note) == (
        1,
        "Vul de gemarkeerde onderdelen in.",
        "Eerste versie",
    )
    assert (version.file_kind, version.file_name, version.file_size) == (
        FileKind.PDF,
        "leidraad.pdf",
        len(pdf_bytes("Gunningscriteria en percelen")),
    )
    assert "Gunningscriteria en percelen" in version.extracted_text
    assert version.file.name.startswith(f"knowledge/{document.pk}/")
    assert version.file.name.endswith(".pdf") and "leidraad" not in version.file.name
    assert len(stored_files(media)) == 1
    entry = AuditEntry.objects.get(action="knowledge.document.created")
    assert (entry.actor, entry.object_id) == (staff, str(document.pk))
    assert entry.data["tags"] == "Aanbesteding, model"
    assert (entry.data["version"], entry.data["file"], entry.data["visibility"]) == (
        1,
        "leidraad.pdf",
        "members",
    )


def test_only_staff_keep_documents(member, categories, staff):
    with pytest.raises(PermissionDenied):
        services.document_create(
            by=member,
            title="Eigen document",
            category=categories["ict"],
            visibility=Visibility.PUBLIC,
            body="Tekst",
        )
    document = make_document(staff)
    for call in (
        lambda: services.document_update(document=document, by=member, title="Anders"),
        lambda: services.document_add_version(document=document, by=member, body="Nieuw"),
        lambda: services.document_withdraw(document=document, by=member, reason="Weg"),
    ):
        with pytest.raises(PermissionDenied):
            call()
    assert Document.objects.count() == 1
    assert document.versions.count() == 1


def test_a_refused_upload_says_why_and_stores_nothing(staff, categories, media, settings):
    settings.KNOWLEDGE_UPLOAD_MAX_BYTES = 100

    with pytest.raises(RuleViolation) as too_large:
        services.document_create(
            by=staff,
            title="Te groot",
            category=categories["ict"],
            visibility=Visibility.PUBLIC,
            upload=upload("groot.pdf", pdf_bytes("x" * 200)),
        )
    with pytest.raises(RuleViolation) as wrong_kind:
        services.document_create(
            by=staff,
            title="Programma",
            category=categories["ict"],
            visibility=Visibility.PUBLIC,
            upload=upload("setup.pdf", b"MZ\x90\x00binary"),
        )

    assert too_large.value.code == "too_large"
    assert wrong_kind.value.code == "file_type"
    assert Document.objects.count() == DocumentVersion.objects.count() == Tag.objects.count() == 0
    assert not AuditEntry.objects.filter(action__startswith="knowledge.").exists()
    assert stored_files(media) == []


def test_a_file_written_for_a_change_that_fails_later_is_removed(
    staff, categories, media, monkeypatch
):
    def broken_index(document):
        raise RuntimeError("index unavailable")

    monkeypatch.setattr(services, "index_document", broken_index)

    with pytest.raises(RuntimeError):
        services.document_create(
            by=staff,
            title="Leidraad",
            category=categories["procurement"],
            visibility=Visibility.PUBLIC,
            upload=upload("leidraad.pdf", pdf_bytes("Leidraad")),
        )

    assert Document.objects.count() == 0
    assert stored_files(media) == []


def test_a_version_needs_a_text_or_a_file(staff, categories):
    with pytest.raises(RuleViolation) as refused:
        services.document_create(
            by=staff, title="Leeg", category=categories["ict"], visibility=Visibility.PUBLIC
        )
    assert (refused.value.code, refused.value.messages) == (
        "empty_version",
        ["A version needs a text, a file or both."],
    )
    assert Document.objects.count() == 0


def test_a_new_version_becomes_current_and_the_old_one_stays_readable(staff, media):
    document = make_document(
        staff, body="Wifi 6 in elk lokaal.", upload=upload("wifi.pdf", pdf_bytes("Wifi 6"))
    )
    first = document.current_version

    second = services.document_add_version(
        document=document, by=staff, body="Wifi 6E in elk lokaal.", note="6 GHz-band"
    )
    third = services.document_add_version(
        document=document,
        by=staff,
        body="Wifi 6E in elk lokaal.",
        upload=upload("wifi-2.pdf", pdf_bytes("Wifi 6E en toetsen")),
    )

    document.refresh_from_db()
    first.refresh_from_db()
    assert document.current_version == third
    assert [v.number for v in document.versions.order_by("number")] == [1, 2, 3]
    assert (first.body, first.file_name) == ("Wifi 6 in elk lokaal.", "wifi.pdf")
    assert first.file.read() == pdf_bytes("Wifi 6")
    # Without an upload the new version keeps the current file; with one, it has its own.
    assert (second.file.name, second.file_name) == (first.file.name, "wifi.pdf")
    assert third.file.name != first.file.name and "toetsen" in third.extracted_text
    assert document.updated_at == third.created_at
    assert len(stored_files(media)) == 2
    assert actions(document) == [
        "knowledge.document.created",
        "knowledge.document.version_added",
        "knowledge.document.version_added",
    ]
    entry = AuditEntry.objects.filter(action="knowledge.document.version_added").earliest("pk")
    assert entry.data == {
        "version": 2,
        "file": "wifi.pdf",
        "file_kind": "pdf",
        "size": first.file_size,
        "note": "6 GHz-band",
    }


def test_a_version_may_drop_the_file(staff):
    document = make_document(staff, body="Tekst", upload=upload("a.pdf", pdf_bytes("Bijlage")))

    version = services.document_add_version(
        document=document, by=staff, body="Tekst", remove_file=True
    )

    assert (version.file.name, version.file_kind, version.extracted_text) == ("", "", "")


def test_a_version_that_changes_nothing_is_refused(staff):
    document = make_document(staff, body="Eén access point per lokaal.")

    with pytest.raises(RuleViolation) as refused:
        services.document_add_version(
            document=document, by=staff, body=" Eén access point per lokaal. "
        )

    assert refused.value.code == "unchanged"
    assert refused.value.messages == [
        "The new version would be the same as version 1: change the text or upload a file."
    ]
    assert document.versions.count() == 1


def test_a_withdrawn_document_gets_no_new_version_until_reinstated(staff):
    document = make_document(staff)
    services.document_withdraw(document=document, by=staff, reason="Verouderd")

    with pytest.raises(StateConflict) as refused:
        services.document_add_version(document=document, by=staff, body="Nieuwe tekst")
    assert refused.value.code == "withdrawn"

    services.document_reinstate(document=document, by=staff)
    services.document_add_version(document=document, by=staff, body="Nieuwe tekst")
    assert document.versions.count() == 2


def test_withdraw_needs_a_reason_and_cannot_happen_twice(staff):
    document = make_document(staff)

    with pytest.raises(RuleViolation) as no_reason:
        services.document_withdraw(document=document, by=staff, reason="  ")
    withdrawn = services.document_withdraw(document=document, by=staff, reason="Vervangen")
    with pytest.raises(StateConflict):
        services.document_withdraw(document=document, by=staff, reason="Nogmaals")
    reinstated = services.document_reinstate(document=document, by=staff)
    with pytest.raises(StateConflict):
        services.document_reinstate(document=document, by=staff)

    assert no_reason.value.code == "reason_required"
    assert (withdrawn.state, withdrawn.withdrawn_reason) == (DocumentState.WITHDRAWN, "Vervangen")
    assert (reinstated.state, reinstated.withdrawn_at, reinstated.withdrawn_reason) == (
        DocumentState.PUBLISHED,
        None,
        "",
    )
    assert actions(document) == [
        "knowledge.document.created",
        "knowledge.document.withdrawn",
        "knowledge.document.reinstated",
    ]
    assert AuditEntry.objects.get(action="knowledge.document.withdrawn").data == {
        "reason": "Vervangen"
    }


def test_details_and_tags_change_with_the_differences_in_the_audit(staff, categories):
    document = make_document(staff, tags=["wifi", "netwerk"], visibility=Visibility.MEMBERS)

    services.document_update(
        document=document,
        by=staff,
        title="Wifi-richtlijnen 2026",
        visibility=Visibility.INTERESTED,
        category=categories["security"],
        tags=["Wifi", "beveiliging"],
    )
    services.document_update(document=document, by=staff, title="Wifi-richtlijnen 2026")

    document.refresh_from_db()
    assert (document.title, document.visibility, document.category) == (
        "Wifi-richtlijnen 2026",
        Visibility.INTERESTED,
        categories["security"],
    )
    assert sorted(document.tags.values_list("name", flat=True)) == ["beveiliging", "wifi"]
    updates = AuditEntry.objects.filter(action="knowledge.document.updated")
    assert updates.count() == 1  # the second call changed nothing
    assert updates.get().changes == {
        "title": ["Wifi-richtlijnen voor schoolgebouwen", "Wifi-richtlijnen 2026"],
        "category": [categories["ict"].pk, categories["security"].pk],
        "visibility": ["members", "interested"],
        "tags": ["netwerk, wifi", "beveiliging, wifi"],
    }


def test_the_owner_is_a_staff_member(staff, member):
    document = make_document(staff)

    with pytest.raises(ValidationError) as refused:
        services.document_update(document=document, by=staff, owner=member)

    assert refused.value.message_dict == {"owner": ["The owner of a document is a staff member."]}
    document.refresh_from_db()
    assert document.owner == staff


def test_a_tag_without_letters_is_refused(staff):
    with pytest.raises(RuleViolation) as refused:
        make_document(staff, tags=["wifi", "!!!"])
    assert refused.value.code == "tag_invalid"
    assert Document.objects.count() == 0


def test_documents_may_be_dated_in_the_past_never_in_the_future(staff):
    now = timezone.now()
    document = make_document(staff, at=now - timedelta(days=30))

    with pytest.raises(RuleViolation) as future:
        services.document_add_version(
            document=document, by=staff, body="Later", at=now + timedelta(days=1)
        )
    with pytest.raises(RuleViolation) as before:
        services.document_add_version(
            document=document, by=staff, body="Eerder", at=now - timedelta(days=31)
        )
    version = services.document_add_version(
        document=document, by=staff, body="Nu", at=now - timedelta(days=2)
    )

    assert (future.value.code, before.value.code) == ("future", "before_previous")
    document.refresh_from_db()
    assert document.created_at == now - timedelta(days=30)
    assert document.updated_at == version.created_at == now - timedelta(days=2)


def test_a_version_dated_before_the_previous_names_its_local_date(staff):
    """23:30 UTC on 1 March is 00:30 on 2 March in Amsterdam: the message says 02-03."""
    first = datetime(2026, 3, 1, 23, 30, tzinfo=UTC)
    document = make_document(staff, at=first)

    with pytest.raises(RuleViolation) as before:
        services.document_add_version(
            document=document, by=staff, body="Eerder", at=first - timedelta(minutes=1)
        )

    assert before.value.code == "before_previous"
    assert "(02-03-2026)" in before.value.messages[0]


def test_text_that_cannot_be_stored_or_would_fake_a_highlight_is_cleaned(staff):
    document = make_document(staff, body="Nul\x00byte en \ue000nep\ue001 markering")

    assert document.current_version.body == "Nulbyte en nep markering"


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_two_versions_at_the_same_moment_get_consecutive_numbers(staff):
    from tests.concurrency import run_at_once

    document = make_document(staff, body="Versie 1")

    outcomes = run_at_once(
        lambda: services.document_add_version(document=document, by=staff, body="Versie A"),
        lambda: services.document_add_version(document=document, by=staff, body="Versie B"),
    )

    assert all(isinstance(o, DocumentVersion) for o in outcomes), outcomes
    assert sorted(o.number for o in outcomes) == [2, 3]
    document.refresh_from_db()
    assert document.current_version.number == 3
