"""Each DUO layout read from excerpts of the real files."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bundel.registry.duo.importer import Source, read_source
from bundel.registry.duo.layouts import Options, ParsedFile, parse_vo_pupils_by_type
from bundel.registry.duo.reader import Row

from .duo_files import (
    BO_ADDRESSES,
    PO_PUPILS,
    VO_2025,
    VO_ADDRESSES,
    VO_BY_TYPE,
    excerpt,
    lines_of,
)


def test_bo_address_list_is_cp1252_with_brin_and_two_digit_keys(tmp_path):
    parsed = read_source(Source(excerpt(tmp_path, BO_ADDRESSES, 3), as_of=date(2020, 12, 21)))

    assert parsed.layout.key == "addresses"
    first = parsed.locations[0]
    assert (first.code, first.brin, first.board, first.sector_type) == (
        "16AH00",
        "16AH",
        "10249",
        "bo",
    )
    assert first.fields["name"] == "Openbare Basisschool 't Eenspan"
    assert first.fields["postcode"] == "7822 HG"
    assert first.fields["province"] == "Drenthe"
    assert first.as_of == date(2020, 12, 21)
    assert parsed.counts == []


def test_cp1252_characters_are_decoded(tmp_path):
    lines = lines_of(BO_ADDRESSES)
    with_quote = next(i for i, line in enumerate(lines) if b"\x92" in line)
    parsed = read_source(Source(excerpt(tmp_path, BO_ADDRESSES, 1, start=with_quote)))

    assert "\u2019" in "".join(parsed.locations[0].fields.values())


def test_vo_address_list_is_recognised_by_its_education_structure(tmp_path):
    parsed = read_source(Source(excerpt(tmp_path, VO_ADDRESSES, 2)))

    assert parsed.locations[0].sector_type == "vo"
    assert parsed.locations[0].fields["education_structure"] == "PRO"


def test_address_list_without_date_is_dated_today(tmp_path):
    parsed = read_source(Source(excerpt(tmp_path, BO_ADDRESSES, 1)))

    assert parsed.locations[0].as_of == date.today()


def test_po_pupils_take_count_date_board_and_kind_from_the_file(tmp_path):
    parsed = read_source(Source(excerpt(tmp_path, PO_PUPILS, 1)))

    count = parsed.counts[0]
    assert parsed.layout.key == "po_pupils"
    assert (count.code, count.count_date, count.sector_type, count.board, count.pupils) == (
        "00AO00",
        date(2019, 10, 1),
        "vso",
        "20137",
        139,
    )
    assert parsed.locations[0].fields["municipality_code"] == "0285"
    assert parsed.locations[0].fields["postcode"] == "7383 BH"


def test_vo_2025_layout_is_utf8_quoted_and_keeps_vavo_apart(tmp_path):
    parsed = read_source(Source(excerpt(tmp_path, VO_2025, 1), count_date=date(2025, 10, 1)))

    count = parsed.counts[0]
    assert parsed.layout.key == "vo_pupils"
    assert (count.code, count.board, count.pupils, count.outsourced_vavo) == (
        "19HY00",
        "10028",
        145,
        0,
    )
    assert count.count_date == date(2025, 10, 1)


def test_suppressed_vavo_is_unknown_not_zero(tmp_path):
    lines = lines_of(VO_2025)
    suppressed = next(i for i, line in enumerate(lines) if line.rstrip().endswith(b'"<5"'))
    parsed = read_source(
        Source(excerpt(tmp_path, VO_2025, 1, start=suppressed), count_date=date(2025, 10, 1))
    )

    assert parsed.counts[0].outsourced_vavo is None
    assert parsed.counts[0].pupils > 0


def test_vo_2019_rows_are_summed_per_location_and_vavo_rows_counted_apart(tmp_path):
    lines = lines_of(VO_BY_TYPE)
    header = lines[0].decode("cp1252").rstrip().split(";")
    rows = [line.decode("cp1252").rstrip().split(";") for line in lines[1:]]
    code = next(r[0] + r[1] for r in rows if "VAVO" in r[5])
    mine = [r for r in rows if r[0] + r[1] == code]
    expected_pupils = sum(sum(map(int, r[10:])) for r in mine if "VAVO" not in r[5])
    expected_vavo = sum(sum(map(int, r[10:])) for r in mine if "VAVO" in r[5])
    path = tmp_path / "vo.csv"
    path.write_bytes(
        b"".join(
            [
                lines[0],
                *[
                    line
                    for line in lines[1:]
                    if line.startswith(code[:4].encode() + b";" + code[4:].encode())
                ],
            ]
        )
    )

    parsed = read_source(Source(path, count_date=date(2019, 10, 1)))

    assert len(header) == 22
    assert len(parsed.counts) == 1
    assert parsed.counts[0].pupils == expected_pupils
    assert parsed.counts[0].outsourced_vavo == expected_vavo > 0
    assert parsed.counts[0].board is None  # the 2019 file has no board: the address list gives it


YEAR_COLUMNS = [f"LEER- OF VERBLIJFSJAAR {n} - {s}" for n in range(1, 7) for s in ("MAN", "VROUW")]


@given(
    st.lists(
        st.tuples(st.booleans(), st.lists(st.integers(0, 500), min_size=12, max_size=12)),
        min_size=1,
        max_size=8,
    )
)
def test_vo_2019_pupils_plus_vavo_equal_every_cell(rows):
    """Law: whatever the rows, pupils + VAVO = the sum of all year cells, and VAVO rows
    never count as pupils."""
    parsed = ParsedFile(name="t.csv", layout=None)
    options = Options(count_date=date(2019, 10, 1), as_of=None)
    for line, (is_vavo, cells) in enumerate(rows, start=2):
        values = {
            "BRIN NUMMER": "00AH",
            "VESTIGINGSNUMMER": "00",
            "INSTELLINGSNAAM VESTIGING": "X",
            "ONDERWIJSTYPE VO EN LEER- OF VERBLIJFSJAAR": "VWO uitbest. aan VAVO"
            if is_vavo
            else "VWO lj 4-6",
            "ELEMENTCODE": str(line),
            **{c: str(v) for c, v in zip(YEAR_COLUMNS, cells, strict=True)},
        }
        parse_vo_pupils_by_type(Row(line, values, "t.csv", {}), parsed, options)

    count = parsed.counts[0]
    assert count.pupils + count.outsourced_vavo == sum(sum(cells) for _, cells in rows)
    assert count.outsourced_vavo == sum(sum(cells) for vavo, cells in rows if vavo)


@pytest.mark.parametrize("name", [BO_ADDRESSES, VO_ADDRESSES, PO_PUPILS, VO_BY_TYPE, VO_2025])
def test_utf8_with_bom_is_read_like_cp1252(tmp_path, name):
    original = excerpt(tmp_path, name, 5, out="a.csv")
    text = original.read_bytes().decode("utf-8" if name == VO_2025 else "cp1252")
    converted = tmp_path / "b.csv"
    converted.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    options = {"count_date": date(2019, 10, 1)}

    a = read_source(Source(original, **options))
    b = read_source(Source(converted, **options))

    assert a.locations == [type(r)(**{**r.__dict__, "source": "a.csv"}) for r in b.locations]
    assert [c.pupils for c in a.counts] == [c.pupils for c in b.counts]
