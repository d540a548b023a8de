"""A group file's type is read from its content, never from its name."""

import io

import pytest

from bundel.groups.files import detect_kind

from . import files


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
def test_accepted_types_are_recognised_by_content(content, kind):
    handle = io.BytesIO(content)

    assert detect_kind(handle) == kind
    assert handle.tell() == 0  # left at the start, for storing


@pytest.mark.parametrize(
    "content",
    [files.EXE, files.BINARY, files.LATIN1, files.DOCM, files.PLAIN_ZIP, b"PK\x03\x04broken", b""],
    ids=["exe", "binary", "not-utf8", "macros", "plain-zip", "broken-zip", "empty"],
)
def test_other_content_is_refused(content):
    assert detect_kind(io.BytesIO(content)) is None


def test_text_is_read_past_the_first_chunk():
    content = b"a" * (64 * 1024 + 10) + b"\x00"

    assert detect_kind(io.BytesIO(content)) is None
