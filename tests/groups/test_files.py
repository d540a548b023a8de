"""A group file's type is read from its content, never from its name (the detection
itself is tested in tests/core/test_uploads.py): every kind a group accepts is stored
with its kind, and anything else, office files with macros too, is refused."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from bundel.core.errors import RuleViolation
from bundel.groups import services
from bundel.groups.models import GroupFile

from . import files

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english", "media_root")]


def share(group, by, name: str, content: bytes) -> GroupFile:
    upload = SimpleUploadedFile(name, content, content_type="application/pdf")
    return services.file_upload(group=group, upload=upload, by=by)


@pytest.mark.parametrize(
    "content, kind",
    [
        (files.PDF, "pdf"),
        (files.PNG, "png"),
        (files.JPEG, "jpeg"),
        (files.DOCX, "docx"),
        (files.XLSX, "xlsx"),
        (files.PPTX, "pptx"),
        (files.ODT, "odt"),
        (files.TEXT, "txt"),
    ],
)
def test_accepted_types_are_recognised_by_content(joined, contact, content, kind):
    stored_file = share(joined, contact, "bestand.pdf", content)

    assert (stored_file.kind, stored_file.size) == (kind, len(content))
    assert stored_file.file.read() == content


@pytest.mark.parametrize(
    "content, code",
    [
        (files.EXE, "file_type"),
        (files.BINARY, "file_type"),
        (files.LATIN1, "file_type"),
        (files.DOCM, "file_macros"),
        (files.PLAIN_ZIP, "file_type"),
        (b"PK\x03\x04broken", "file_type"),
        (b"", "empty"),
    ],
    ids=["exe", "binary", "not-utf8", "macros", "plain-zip", "broken-zip", "empty"],
)
def test_other_content_is_refused(joined, contact, content, code):
    with pytest.raises(RuleViolation) as refused:
        share(joined, contact, "bestand.pdf", content)

    assert refused.value.code == code
    assert "“bestand.pdf”" in refused.value.messages[0]
    assert not GroupFile.objects.exists()


def test_a_document_with_macros_is_refused_saying_so(joined, contact):
    with pytest.raises(RuleViolation) as refused:
        share(joined, contact, "begroting.docx", files.DOCM)

    assert refused.value.messages == [
        "The file “begroting.docx” (Word document) contains macros; files with macros are "
        "not accepted. Save it without macros and upload it again."
    ]


def test_text_is_read_past_the_first_chunk(joined, contact):
    with pytest.raises(RuleViolation) as refused:
        share(joined, contact, "notities.txt", b"a" * (64 * 1024 + 10) + b"\x00")

    assert refused.value.code == "file_type"
