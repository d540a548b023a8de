"""Bad files: a clear error naming file, line, column and value; the database as before."""

from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from bundel.audit.models import AuditEntry
from bundel.registry.duo.errors import DuoImportError
from bundel.registry.duo.importer import Source, import_duo_files
from bundel.registry.models import Board, Location, PupilCount, School

from .duo_files import BO_ADDRESSES, PO_PUPILS, VO_2025, excerpt, lines_of, write


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in English; the Dutch text is checked in the command test."""
    with translation.override("en"):
        yield


def database_state() -> tuple:
    return (
        list(Board.objects.order_by("pk").values_list()),
        list(School.objects.order_by("pk").values_list()),
        list(Location.objects.order_by("pk").values_list()),
        list(PupilCount.objects.order_by("pk").values_list()),
        AuditEntry.objects.count(),
    )


@pytest.fixture
def loaded(db, tmp_path):
    """Some real data already stored, which a bad run must leave exactly as it is."""
    import_duo_files([Source(excerpt(tmp_path, PO_PUPILS, 20, out="stored.csv"))])
    before = database_state()
    assert PupilCount.objects.count() == 20
    return before


def run_bad(tmp_path, bad: Source) -> DuoImportError:
    """Import a good file together with the bad one: nothing of either may be stored."""
    good = Source(excerpt(tmp_path, BO_ADDRESSES, 10, out="good.csv"))
    with pytest.raises(DuoImportError) as caught:
        import_duo_files([good, bad])
    return caught.value


def test_unknown_header(loaded, tmp_path):
    bad = write(tmp_path, "unknown.csv", b"NAAM;PLAATS;GETAL\nA;B;1\n")

    error = run_bad(tmp_path, Source(bad))

    assert (error.file, error.line) == ("unknown.csv", 1)
    assert "unknown header" in str(error)
    assert "NAAM;PLAATS;GETAL" in str(error)
    assert database_state() == loaded


def test_wrong_delimiter(loaded, tmp_path):
    text = b"".join(lines_of(PO_PUPILS)[:3]).replace(b";", b",")
    bad = write(tmp_path, "comma.csv", text)

    error = run_bad(tmp_path, Source(bad))

    assert (error.file, error.line) == ("comma.csv", 1)
    assert "separated by ';'" in str(error) and "','" in str(error)
    assert database_state() == loaded


def test_non_numeric_pupils(loaded, tmp_path):
    lines = lines_of(PO_PUPILS)[:4]
    lines[3] = lines[3].rstrip(b"\n").rsplit(b";", 1)[0] + b";veel\n"
    bad = write(tmp_path, "pupils.csv", b"".join(lines))

    error = run_bad(tmp_path, Source(bad))

    assert (error.file, error.line, error.column, error.value) == (
        "pupils.csv",
        4,
        "LEERLINGEN",
        "veel",
    )
    assert "whole number" in str(error)
    assert database_state() == loaded


def test_duplicate_location_in_one_file(loaded, tmp_path):
    lines = lines_of(VO_2025)
    bad = write(tmp_path, "dup.csv", b"".join([lines[0], lines[1], lines[2], lines[1]]))

    error = run_bad(tmp_path, Source(bad, count_date=date(2025, 10, 1)))

    assert (error.file, error.line, error.column) == ("dup.csv", 4, "VESTIGINGSCODE")
    assert "appears twice" in str(error) and "line 2" in str(error)
    assert database_state() == loaded


def test_truncated_last_line(loaded, tmp_path):
    lines = lines_of(BO_ADDRESSES)[:4]
    lines[3] = lines[3][:40]  # the download stopped mid-line
    bad = write(tmp_path, "truncated.csv", b"".join(lines))

    error = run_bad(tmp_path, Source(bad))

    assert (error.file, error.line) == ("truncated.csv", 4)
    assert "fields where the header has 30" in str(error)
    assert error.column is not None
    assert database_state() == loaded


def test_wrong_encoding(loaded, tmp_path):
    text = b"".join(lines_of(VO_2025)[:3]).decode("utf-8")
    bad = write(tmp_path, "utf16.csv", text.encode("utf-16"))

    error = run_bad(tmp_path, Source(bad, count_date=date(2025, 10, 1)))

    assert error.file == "utf16.csv"
    assert "UTF-16" in str(error)
    assert database_state() == loaded


def test_bytes_that_are_neither_utf8_nor_cp1252(loaded, tmp_path):
    lines = lines_of(BO_ADDRESSES)[:3]
    lines[2] = lines[2].replace(b"Drenthe", b"Dren\x81the", 1)
    bad = write(tmp_path, "garbled.csv", b"".join(lines))

    error = run_bad(tmp_path, Source(bad))

    assert (error.file, error.line) == ("garbled.csv", 3)
    assert "0x81" in str(error)
    assert database_state() == loaded


@pytest.mark.parametrize("content", [b"", b"\n\n", b"   "])
def test_empty_file(loaded, tmp_path, content):
    bad = write(tmp_path, "empty.csv", content)

    error = run_bad(tmp_path, Source(bad))

    assert error.file == "empty.csv"
    assert "empty" in str(error)
    assert database_state() == loaded


def test_header_without_rows(loaded, tmp_path):
    bad = write(tmp_path, "header.csv", lines_of(PO_PUPILS)[0])

    error = run_bad(tmp_path, Source(bad))

    assert "no data rows" in str(error)
    assert database_state() == loaded


def test_missing_count_date(loaded, tmp_path):
    bad = excerpt(tmp_path, VO_2025, 2, out="nodate.csv")

    error = run_bad(tmp_path, Source(bad))

    assert "--count-date" in str(error)
    assert database_state() == loaded


def test_bad_board_number(loaded, tmp_path):
    lines = lines_of(VO_2025)[:3]
    lines[1] = lines[1].replace(b'"10028"', b'"1OO28"', 1)
    bad = write(tmp_path, "board.csv", b"".join(lines))

    error = run_bad(tmp_path, Source(bad, count_date=date(2025, 10, 1)))

    assert (error.line, error.column, error.value) == (2, "BEVOEGD GEZAG NUMMER", "1OO28")
    assert database_state() == loaded


def test_same_count_in_two_files(loaded, tmp_path):
    one = excerpt(tmp_path, VO_2025, 3, out="one.csv")
    two = excerpt(tmp_path, VO_2025, 3, out="two.csv")

    with pytest.raises(DuoImportError, match=r"also in one\.csv"):
        import_duo_files(
            [Source(one, count_date=date(2025, 10, 1)), Source(two, count_date=date(2025, 10, 1))]
        )
    assert database_state() == loaded


def test_command_reports_the_error_in_dutch_and_stores_nothing(loaded, tmp_path):
    lines = lines_of(PO_PUPILS)[:4]
    lines[3] = lines[3].rstrip(b"\n").rsplit(b";", 1)[0] + b";12a\n"
    bad = write(tmp_path, "cmd.csv", b"".join(lines))

    with translation.override("nl"), pytest.raises(CommandError) as caught:
        call_command("import_duo", str(bad))

    message = str(caught.value)
    assert message.startswith("Er is niets geïmporteerd. cmd.csv, regel 4, kolom LEERLINGEN: ")
    assert message.endswith("'12a')")
    assert database_state() == loaded
