"""The shared upload check: a file's kind is told by its content, whatever its name; a
refusal names the file, what it is and what is accepted, with a stable code."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from bundel.core.errors import RuleViolation
from bundel.core.uploads import (
    CONTENT_TYPES,
    MAX_UNPACKED_BYTES,
    FileKind,
    check_upload,
    detect_kind,
    safe_name,
)

EVERY_KIND = list(FileKind)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def zipped(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def ooxml(main_part: str, *extra: str) -> bytes:
    return zipped(
        {
            "[Content_Types].xml": b"<Types/>",
            main_part: b"<x/>",
            **{name: b"\x00" for name in extra},
        }
    )


def odf(kind: str, *extra: str) -> bytes:
    mimetype = f"application/vnd.oasis.opendocument.{kind}".encode()
    return zipped({"mimetype": mimetype, "content.xml": b"<x/>", **{n: b"x" for n in extra}})


PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 17
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 20 + b"\xff\xd9"
DOCX = ooxml("word/document.xml")
XLSX = ooxml("xl/workbook.xml")
PPTX = ooxml("ppt/presentation.xml")
ODT, ODS, ODP = odf("text"), odf("spreadsheet"), odf("presentation")
TEXT = "Notulen van de ledenraad: één, twee, drie.\r\n\tPunt 2\f".encode()
WINDOWS_PROGRAM = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 40
LINUX_PROGRAM = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 40
HTML = b"\xef\xbb\xbf\n  <!DOCTYPE html><html><script>alert(document.cookie)</script></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'

BY_KIND = {
    FileKind.PDF: PDF,
    FileKind.PNG: PNG,
    FileKind.JPEG: JPEG,
    FileKind.DOCX: DOCX,
    FileKind.XLSX: XLSX,
    FileKind.PPTX: PPTX,
    FileKind.ODT: ODT,
    FileKind.ODS: ODS,
    FileKind.ODP: ODP,
    FileKind.TEXT: TEXT,
}


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def refusal(content: bytes, name: str = "leidraad.pdf", **kwargs) -> RuleViolation:
    kwargs = {"allowed": EVERY_KIND, "max_bytes": 10_000, **kwargs}
    with pytest.raises(RuleViolation) as refused:
        check_upload(upload(name, content), **kwargs)
    return refused.value


def test_every_kind_has_a_sample_and_a_safe_content_type():
    assert set(BY_KIND) == set(FileKind) == set(CONTENT_TYPES)


@pytest.mark.parametrize("kind", EVERY_KIND)
@pytest.mark.parametrize("name", ["setup.exe", "foto.png", "zonder-extensie", "a.pdf.html"])
def test_each_kind_is_known_by_its_content_whatever_its_name(kind, name):
    content = BY_KIND[kind]

    checked = check_upload(upload(name, content), allowed=EVERY_KIND, max_bytes=10_000)

    assert detect_kind(content) == kind
    assert (checked.kind, checked.content, checked.name) == (kind, content, name)
    assert checked.size == len(content)
    assert checked.content_type == CONTENT_TYPES[kind]


def test_the_file_is_left_at_its_start_for_storing():
    handle = upload("a.pdf", PDF)
    handle.read(3)

    check_upload(handle, allowed=[FileKind.PDF], max_bytes=10_000)

    assert handle.tell() == 0 and handle.read() == PDF


@pytest.mark.parametrize(
    ("content", "what", "code"),
    [
        (WINDOWS_PROGRAM, "program (executable)", "program"),
        (LINUX_PROGRAM, "program (executable)", "program"),
        (HTML, "web page or XML (HTML, SVG, XML)", "markup"),
        (SVG, "web page or XML (HTML, SVG, XML)", "markup"),
        (PNG, "PNG image", "png"),
        (TEXT, "Plain text", "txt"),
    ],
)
def test_a_renamed_file_is_refused_saying_what_it_is(content, what, code):
    refused = refusal(content, allowed=[FileKind.PDF])

    assert refused.code == "file_type"
    assert refused.messages == [
        f"The file “leidraad.pdf” is not accepted: by its content it is of the type “{what}” "
        "(whatever its name says). Accepted: PDF document."
    ]
    assert (refused.params["kind_code"], refused.params["allowed_code"]) == (code, ["pdf"])


def test_web_pages_are_plain_text_where_text_is_accepted():
    """Served as text/plain, never rendered; refused only where text is not accepted."""
    checked = check_upload(upload("pagina.html", HTML), allowed=EVERY_KIND, max_bytes=10_000)

    assert (checked.kind, checked.content_type) == (FileKind.TEXT, "text/plain; charset=utf-8")


@pytest.mark.parametrize(
    ("content", "what"),
    [
        (WINDOWS_PROGRAM, "program (executable)"),
        (b"\x00\x01\x02\x03 binary", "unknown"),
        ("caf\xe9 in Latin-1".encode("latin-1"), "unknown"),
        (b"GIF89a\x01\x00\x01\x00\x80\x00\x00", "unknown"),
        (zipped({"setup.exe": WINDOWS_PROGRAM}), "zip archive"),
        (zipped({"[Content_Types].xml": b"<Types/>", "word/other.xml": b"<x/>"}), "zip archive"),
        (zipped({"mimetype": b"application/epub+zip"}), "zip archive"),
        (b"PK\x03\x04 damaged", "damaged zip archive"),
    ],
)
def test_content_of_no_kind_is_refused_whatever_is_accepted(content, what):
    refused = refusal(content, name="C:\\Users\\Bram\\notulen.docx")

    assert refused.code == "file_type"
    assert refused.messages == [
        f"The file “notulen.docx” is not accepted: by its content it is of the type “{what}” "
        "(whatever its name says). Accepted: PDF document, PNG image, JPEG image, Word "
        "document, Excel workbook, PowerPoint presentation, OpenDocument text, OpenDocument "
        "spreadsheet, OpenDocument presentation, Plain text."
    ]
    assert detect_kind(content) is None


def test_what_is_accepted_is_listed_in_a_fixed_order_and_takes_any_kind_of_the_same_values():
    refused = refusal(PDF, allowed={"txt", FileKind.ODT, FileKind.JPEG})

    assert refused.params["allowed"] == "JPEG image, OpenDocument text, Plain text"
    assert refused.params["allowed_code"] == ["jpeg", "odt", "txt"]


def test_the_size_limit():
    content = b"a" * 1000
    assert check_upload(upload("a.txt", content), allowed=EVERY_KIND, max_bytes=1000).size == 1000

    refused = refusal(content + b"a", name="b.txt", max_bytes=1000)

    assert refused.code == "too_large"
    assert refused.messages == [
        "The file “b.txt” is 1001\xa0bytes; files of at most 1000\xa0bytes are accepted."
    ]
    assert refused.params == {
        "name": "b.txt",
        "size": "1001\xa0bytes",
        "size_code": 1001,
        "limit": "1000\xa0bytes",
        "limit_code": 1000,
    }


def test_the_size_limit_holds_for_a_file_that_does_not_tell_its_size():
    handle = io.BytesIO(b"%PDF-" + b"x" * 2000)
    handle.name = "stroom.pdf"

    with pytest.raises(RuleViolation) as refused:
        check_upload(handle, allowed=[FileKind.PDF], max_bytes=1024)

    assert refused.value.code == "too_large"
    assert refused.value.params["limit"] == "1.0\xa0KB"


def test_a_size_told_too_large_is_refused_before_reading():
    class Huge(io.BytesIO):
        size = 5 * 1024 * 1024 * 1024
        name = "groot.pdf"

        def read(self, *args):
            raise AssertionError("read")

    with pytest.raises(RuleViolation) as refused:
        check_upload(Huge(PDF), allowed=[FileKind.PDF], max_bytes=1024)

    assert refused.value.messages == [
        "The file “groot.pdf” is 5.0\xa0GB; files of at most 1.0\xa0KB are accepted."
    ]


def test_an_empty_file_is_refused():
    refused = refusal(b"", name="leeg.pdf")

    assert (refused.code, refused.messages) == ("empty", ["The file “leeg.pdf” is empty."])


def test_a_zip_bomb_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        with archive.open("word/document.xml", "w") as part:
            zeros = b"\x00" * (1024 * 1024)
            for _ in range(MAX_UNPACKED_BYTES // len(zeros) + 1):
                part.write(zeros)
    bomb = buffer.getvalue()
    assert len(bomb) < MAX_UNPACKED_BYTES // 500

    refused = refusal(bomb, name="bom.docx", max_bytes=len(bomb))

    assert refused.code == "file_unpacks"
    assert refused.messages == [
        "The file “bom.docx” unpacks to 101.0\xa0MB; office files that unpack to at most "
        "100.0\xa0MB are accepted."
    ]
    assert refused.params["size_code"] == MAX_UNPACKED_BYTES + 1024 * 1024 + len(b"<Types/>")


def test_the_unpacked_limit_counts_every_part_and_can_be_set():
    content = ooxml("xl/workbook.xml", "xl/worksheets/sheet1.xml")  # 4 + 8 + 1 bytes
    kwargs = {"allowed": [FileKind.XLSX], "max_bytes": 10_000}

    assert check_upload(upload("a.xlsx", content), max_unpacked_bytes=13, **kwargs).size > 0
    refused = refusal(content, max_unpacked_bytes=12, **kwargs)
    assert (refused.code, refused.params["size_code"]) == ("file_unpacks", 13)


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (ooxml("word/document.xml", "word/vbaProject.bin"), FileKind.DOCX),
        (ooxml("xl/workbook.xml", "xl/VBAPROJECT.BIN"), FileKind.XLSX),
        (odf("text", "Basic/Standard/Module1.xml"), FileKind.ODT),
        (odf("spreadsheet", "Scripts/python/macro.py"), FileKind.ODS),
    ],
)
def test_office_files_with_macros_are_refused_unless_allowed(content, kind):
    refused = refusal(content, name="begroting.docm")

    assert refused.code == "file_macros"
    assert refused.messages == [
        f"The file “begroting.docm” ({kind.label}) contains macros; files with macros are not "
        "accepted. Save it without macros and upload it again."
    ]
    checked = check_upload(
        upload("a", content), allowed=EVERY_KIND, max_bytes=10_000, allow_macros=True
    )
    assert checked.kind == detect_kind(content) == kind


def test_a_name_with_percent_signs_is_shown_as_it_is():
    refused = refusal(b"", name="100%(limit)s %d zeker.pdf")

    assert refused.messages == ["The file “100%(limit)s %d zeker.pdf” is empty."]


@pytest.mark.parametrize(
    ("original", "kind", "safe"),
    [
        ("../../etc/passwd", FileKind.TEXT, "passwd.txt"),
        ("C:\\Users\\Bram\\Model leidraad v2.PDF", FileKind.PDF, "Model_leidraad_v2.pdf"),
        ('<script>"x".exe', FileKind.DOCX, "scriptx.docx"),
        ("....", FileKind.PNG, "document.png"),
        ("", FileKind.ODS, "document.ods"),
        ("a" * 300 + ".pdf", FileKind.PDF, "a" * 100 + ".pdf"),
    ],
)
def test_a_stored_name_is_safe_and_ends_in_its_kind(original, kind, safe):
    assert safe_name(original, kind) == safe


def test_a_safe_name_can_be_longer():
    assert safe_name("b" * 300, FileKind.PDF, max_stem=150) == "b" * 150 + ".pdf"
