"""An upload's kind is told by its content, never by its name; a refused upload says
why. The text of PDFs and office files is read for the search index."""

import pytest

from bundel.core.errors import RuleViolation
from bundel.knowledge.constants import FileKind
from bundel.knowledge.uploads import check_upload, detect_kind, safe_name

from .factories import docx_bytes, image_bytes, odt_bytes, pdf_bytes, upload, xlsx_bytes


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (pdf_bytes("Aanbestedingsleidraad"), FileKind.PDF),
        (docx_bytes("Model raamovereenkomst"), FileKind.DOCX),
        (xlsx_bytes(("Perceel", "Tarief")), FileKind.XLSX),
        (odt_bytes("Nota van inlichtingen"), FileKind.ODT),
        (image_bytes("PNG"), FileKind.PNG),
        (image_bytes("JPEG"), FileKind.JPEG),
        ("Platte tekst met een ë.\n".encode(), FileKind.TEXT),
    ],
)
def test_each_accepted_kind_is_known_by_its_content(content, kind):
    assert detect_kind(content) == kind


def test_a_name_does_not_make_a_pdf():
    windows_program = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"

    with pytest.raises(RuleViolation) as refused:
        check_upload(upload("leidraad.pdf", windows_program, "application/pdf"))

    assert refused.value.code == "file_type"
    assert refused.value.messages == [
        "The file “leidraad.pdf” is not accepted: by its content it is of the type “program "
        "(executable)” (whatever its name says). Accepted: PDF document, PNG image, JPEG "
        "image, Word document, Excel workbook, OpenDocument text, Plain text."
    ]


def test_a_pdf_with_another_name_is_a_pdf_and_gets_the_right_extension():
    checked = check_upload(upload("tarieven.exe", pdf_bytes("Tarieven wifi"), "text/html"))

    assert (checked.kind, checked.name, checked.content_type) == (
        FileKind.PDF,
        "tarieven.pdf",
        "application/pdf",
    )
    assert "Tarieven wifi" in checked.text


@pytest.mark.parametrize(
    "content",
    [
        b"PK\x03\x04not really a zip",  # a damaged zip
        b"\x00\x01\x02binary",
        "Latijn-1 tekst: caf\xe9".encode("latin-1"),  # not UTF-8
        b"<html><body>\x00</body></html>",
    ],
)
def test_other_content_is_refused(content):
    with pytest.raises(RuleViolation) as refused:
        check_upload(upload("bestand.txt", content))
    assert refused.value.code == "file_type"


def test_a_zip_that_is_no_office_file_is_refused():
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "hallo")

    with pytest.raises(RuleViolation) as refused:
        check_upload(upload("model.docx", out.getvalue()))
    assert refused.value.code == "file_type"


def test_the_size_limit_is_a_setting(settings):
    settings.KNOWLEDGE_UPLOAD_MAX_BYTES = 1000
    content = ("tekst " * 200).encode()  # 1,200 bytes

    with pytest.raises(RuleViolation) as refused:
        check_upload(upload("notitie.txt", content))

    assert refused.value.code == "too_large"
    assert refused.value.params == {
        "name": "notitie.txt",
        "size": "1.2\xa0KB",
        "size_code": 1200,
        "limit": "1000\xa0bytes",
        "limit_code": 1000,
    }
    assert refused.value.messages == [
        "The file “notitie.txt” is 1.2\xa0KB; files of at most 1000\xa0bytes are accepted."
    ]
    settings.KNOWLEDGE_UPLOAD_MAX_BYTES = 1200
    assert check_upload(upload("notitie.txt", content)).size == 1200


def test_an_empty_file_is_refused():
    with pytest.raises(RuleViolation) as refused:
        check_upload(upload("leeg.pdf", b""))
    assert (refused.value.code, refused.value.messages) == (
        "empty",
        ["The file “leeg.pdf” is empty."],
    )


def test_a_damaged_pdf_is_refused_with_the_reason():
    with pytest.raises(RuleViolation) as refused:
        check_upload(upload("kapot.pdf", b"%PDF-1.4\nthis is not a pdf at all"))
    assert refused.value.code == "pdf_unreadable"
    assert refused.value.messages[0].startswith("The PDF cannot be read (")


def test_the_text_of_pdfs_and_office_files_is_read():
    pdf = check_upload(upload("a.pdf", pdf_bytes("Europese aanbesteding", "Perceel 2: wifi")))
    docx = check_upload(upload("b.docx", docx_bytes("Artikel 1", "Looptijd vier jaar")))
    odt = check_upload(upload("c.odt", odt_bytes("Nota van inlichtingen", "Vraag 1")))
    xlsx = check_upload(upload("d.xlsx", xlsx_bytes(("Perceel", "Tarief"), ("Wifi", 950))))
    png = check_upload(upload("e.png", image_bytes("PNG")))

    assert pdf.text.split() == ["Europese", "aanbesteding", "Perceel", "2:", "wifi"]
    assert docx.text == "Artikel 1\nLooptijd vier jaar"
    assert odt.text == "Nota van inlichtingen\nVraag 1"
    assert xlsx.text.split("\n") == ["Perceel\tTarief", "Wifi\t950"]
    assert png.text == ""


@pytest.mark.parametrize(
    ("original", "kind", "safe"),
    [
        ("../../etc/passwd", FileKind.TEXT, "passwd.txt"),
        ("C:\\Users\\Bram\\Model leidraad v2.PDF", FileKind.PDF, "Model_leidraad_v2.pdf"),
        ('<script>"x".docx', FileKind.DOCX, "scriptx.docx"),
        ("....", FileKind.PNG, "document.png"),
    ],
)
def test_the_stored_name_is_safe_and_ends_in_its_kind(original, kind, safe):
    assert safe_name(original, kind) == safe


def test_a_spreadsheet_with_shared_strings_gives_the_strings_not_their_numbers():
    from .factories import _zip

    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    content = _zip(
        {
            "[Content_Types].xml": "<Types/>",
            "xl/workbook.xml": f'<workbook xmlns="{main}"/>',
            "xl/sharedStrings.xml": f'<sst xmlns="{main}"><si><t>Perceel</t></si>'
            "<si><t>Tarief per maand</t></si></sst>",
            "xl/worksheets/sheet1.xml": f'<worksheet xmlns="{main}"><sheetData>'
            '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
            '<row r="2"><c r="A2" t="s"><v>0</v></c><c r="B2"><v>480.5</v></c></row>'
            "</sheetData></worksheet>",
        }
    )

    checked = check_upload(upload("tarieven.xlsx", content))

    assert checked.kind == FileKind.XLSX
    assert checked.text == "Perceel\nTarief per maand\n\n480.5"
