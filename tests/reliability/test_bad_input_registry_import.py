"""Bad DUO files: the import refuses the whole run with a message that names the file
(and the line, column and value where there is one), and the registry is exactly as it
was. Each bad file is imported together with a good one, so a run that stored half
would show. The detailed cases, one test each, are in
tests/registry/test_import_bad_input.py; this is the table of them in one place."""

from datetime import date

import pytest
from django.utils import translation

from bundel.registry.duo.errors import DuoImportError
from bundel.registry.duo.importer import Source, import_duo_files

from ..registry.duo_files import BO_ADDRESSES, PO_PUPILS, VO_2025, excerpt, lines_of, write
from .checksum import table_state

TABLES = ("registry.Board", "registry.School", "registry.Location", "registry.PupilCount")
COUNT_DATE = date(2025, 10, 1)


def non_numeric_pupils():
    lines = lines_of(PO_PUPILS)[:4]
    lines[3] = lines[3].rstrip(b"\n").rsplit(b";", 1)[0] + b";veel\n"
    return b"".join(lines)


def truncated():
    lines = lines_of(BO_ADDRESSES)[:4]
    lines[3] = lines[3][:40]
    return b"".join(lines)


def bad_board_number():
    lines = lines_of(VO_2025)[:3]
    lines[1] = lines[1].replace(b'"10028"', b'"1OO28"', 1)
    return b"".join(lines)


def duplicate_location():
    lines = lines_of(VO_2025)
    return b"".join([lines[0], lines[1], lines[2], lines[1]])


# case: (file content, count date of the source, what the message says)
CASES = {
    "unknown header": (lambda: b"NAAM;PLAATS;GETAL\nA;B;1\n", None, "line 1: unknown header"),
    "comma instead of semicolon": (
        lambda: b"".join(lines_of(PO_PUPILS)[:3]).replace(b";", b","),
        None,
        "separated by ';'",
    ),
    "pupils that are no number": (
        non_numeric_pupils,
        None,
        "line 4, column LEERLINGEN: ",
    ),
    "line cut off": (truncated, None, "fields where the header has 30"),
    "UTF-16": (
        lambda: b"".join(lines_of(VO_2025)[:3]).decode().encode("utf-16"),
        COUNT_DATE,
        "UTF-16",
    ),
    "bytes of no encoding": (
        lambda: b"".join(lines_of(BO_ADDRESSES)[:3]).replace(b"Drenthe", b"Dren\x81the", 1),
        None,
        "0x81",
    ),
    "empty file": (lambda: b"", None, "empty"),
    "header without rows": (lambda: lines_of(PO_PUPILS)[0], None, "no data rows"),
    "count file without a count date": (
        lambda: b"".join(lines_of(VO_2025)[:3]),
        None,
        "--count-date",
    ),
    "board number with letters": (bad_board_number, COUNT_DATE, "1OO28"),
    "location twice": (duplicate_location, COUNT_DATE, "appears twice"),
}


@pytest.fixture
def stored(db, tmp_path):
    """Real data already stored, which a bad run must leave exactly as it is."""
    import_duo_files([Source(excerpt(tmp_path, PO_PUPILS, 20, out="stored.csv"))])
    return table_state(*TABLES)


@pytest.mark.parametrize("case", list(CASES))
def test_a_bad_file_is_refused_with_its_place_and_stores_nothing(stored, tmp_path, case):
    content, count_date, message = CASES[case]
    good = Source(excerpt(tmp_path, BO_ADDRESSES, 10, out="good.csv"))
    bad = Source(write(tmp_path, "bad.csv", content()), count_date=count_date)

    with translation.override("en"), pytest.raises(DuoImportError) as refused:
        import_duo_files([good, bad])

    assert refused.value.file == "bad.csv"
    assert str(refused.value).startswith("bad.csv")
    assert message in str(refused.value)
    assert table_state(*TABLES) == stored
