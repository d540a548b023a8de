"""Bad uploads to the knowledge base, as a new document and as a new version of one:
each refused with a message that names the file and what is wrong with it; documents,
versions and tags as before, and no file left behind in MEDIA_ROOT."""

import io

import pytest
from pypdf import PdfWriter

from bundel.core.errors import RuleViolation
from bundel.knowledge import services

from ..factories import StaffFactory
from ..knowledge.factories import (
    CategoryFactory,
    _zip,
    make_document,
    pdf_bytes,
    stored_files,
    upload,
)
from .checksum import table_state

TABLES = ("knowledge.Document", "knowledge.DocumentVersion", "knowledge.Tag")


def encrypted_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.encrypt("geheim")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# case: (file name, content, what the message says)
CASES = {
    "empty file": ("leeg.pdf", b"", "The file “leeg.pdf” is empty."),
    "too large": ("groot.txt", b"a" * 2048, "“groot.txt” is 2.0\xa0KB; files of at most 1.0\xa0KB"),
    "a program named .pdf": (
        "factuur.pdf",
        b"MZ\x90\x00\x03" + bytes(200),
        "“factuur.pdf” is not accepted: by its content it is of the type “program",
    ),
    "a zip named .docx": (
        "archief.docx",
        _zip({"notes.txt": "geen Word"}),
        "“archief.docx” is not accepted: by its content it is of the type “zip archive”",
    ),
    "text that is not UTF-8": (
        "notitie.txt",
        "café".encode("cp1252"),
        "“notitie.txt” is not accepted",
    ),
    "a damaged PDF": ("kapot.pdf", pdf_bytes("tekst")[:60], "The PDF cannot be read"),
    "a PDF with a password": ("geheim.pdf", encrypted_pdf(), "protected with a password"),
    "a Word file with broken XML": (
        "kapot.docx",
        _zip({"[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document><w:p>"}),
        "The file cannot be read",
    ),
}


@pytest.fixture(autouse=True)
def settings_for_uploads(settings, tmp_path):
    settings.LANGUAGE_CODE = "en"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.KNOWLEDGE_UPLOAD_MAX_BYTES = 1024


@pytest.fixture
def staff(db):
    return StaffFactory()


@pytest.fixture
def existing(staff, settings):
    """A document with a file, which a bad new version must leave as it is."""
    return make_document(
        staff, title="Wifi-advies", upload=upload("advies.pdf", pdf_bytes("Wifi-advies"))
    )


@pytest.mark.parametrize("how", ["new document", "new version"])
@pytest.mark.parametrize("case", list(CASES))
def test_a_bad_upload_is_refused_with_its_reason_and_stores_nothing(
    staff, existing, settings, case, how
):
    name, content, message = CASES[case]
    before = table_state(*TABLES)
    files = stored_files(settings.MEDIA_ROOT)

    with pytest.raises(RuleViolation) as refused:
        if how == "new document":
            services.document_create(
                by=staff,
                title="Nieuw document",
                category=CategoryFactory(code="ict"),
                visibility="members",
                upload=upload(name, content),
                tags=["wifi"],
            )
        else:
            services.document_add_version(
                document=existing, by=staff, body="Nieuwe versie", upload=upload(name, content)
            )

    assert message in refused.value.messages[0]
    assert table_state(*TABLES) == before
    assert stored_files(settings.MEDIA_ROOT) == files
