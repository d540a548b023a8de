"""The DUO file layouts Bundel reads, detected from the header, parsed into records.

A record is plain data; `importer.py` turns records into rows of the registry.
"""

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..constants import Province, SectorType
from .errors import DuoImportError
from .reader import Row

BRIN_KEYS = ("BRIN NUMMER", "INSTELLINGSCODE")
LOCATION_KEYS = ("VESTIGINGSNUMMER", "VESTIGINGSCODE")
BOARD_KEY = "BEVOEGD GEZAG NUMMER"
SUPPRESSED = "<5"
VAVO_MARK = "UITBEST. AAN VAVO"
YEAR_COLUMN = re.compile(r"^LEER- OF VERBLIJFSJAAR \d+ - (MAN|VROUW)$")
PROVINCES = {p.value.upper(): p.value for p in Province}
PO_TYPES = {"BO": SectorType.BO, "SBO": SectorType.SBO, "SO": SectorType.SO, "VSO": SectorType.VSO}


@dataclass
class BoardRecord:
    duo_number: str
    fields: dict[str, str]
    source: str


@dataclass
class LocationRecord:
    """What one source says about a location. `as_of` dates its board."""

    code: str
    brin: str
    board: str | None
    as_of: date | None
    sector_type: str
    fields: dict[str, str]
    is_address_list: bool
    source: str


@dataclass
class CountRecord:
    """Pupils of a location on a count date. `board` None: take the location's board."""

    code: str
    count_date: date
    sector_type: str
    board: str | None
    pupils: int | None
    outsourced_vavo: int | None
    source: str
    line: int


@dataclass
class ParsedFile:
    name: str
    layout: "Layout"
    boards: list[BoardRecord] = field(default_factory=list)
    locations: list[LocationRecord] = field(default_factory=list)
    counts: list[CountRecord] = field(default_factory=list)
    rows: int = 0
    seen: dict = field(default_factory=dict, repr=False)  # key -> first line, for duplicates
    totals: dict = field(default_factory=dict, repr=False)  # location -> CountRecord, to sum
    year_columns: list = field(default_factory=list, repr=False)


@dataclass(frozen=True)
class Options:
    count_date: date | None
    as_of: date | None


@dataclass(frozen=True)
class Layout:
    key: str
    label: str
    required: tuple[tuple[str, ...], ...]  # each entry: one of these spellings
    parse: Callable[[Row, ParsedFile, Options], None]
    order: int  # address lists first: pupil files without a board column need them

    def matches(self, header: list[str]) -> bool:
        return all(any(name in header for name in names) for names in self.required)


# --- field helpers -----------------------------------------------------------------


def _first(row: Row, names: tuple[str, ...]) -> tuple[str, str]:
    for name in names:
        if name in row.values:
            return name, row.values[name]
    raise row.error(_("missing column."), names[0])


def _duo_number(row: Row, column: str = BOARD_KEY) -> str:
    value = row.values[column]
    if not re.fullmatch(r"\d{5}", value):
        raise row.error(_("a DUO board number has 5 digits."), column)
    return value


def _brin(row: Row) -> str:
    column, value = _first(row, BRIN_KEYS)
    value = value.upper()
    if not re.fullmatch(r"[0-9A-Z]{4}", value):
        raise row.error(_("a BRIN code has 4 characters (digits and capitals)."), column)
    return value


def _location_code(row: Row, brin: str) -> str:
    column, value = _first(row, LOCATION_KEYS)
    value = value.upper()
    if re.fullmatch(r"\d{2}", value):
        return brin + value
    if re.fullmatch(r"[0-9A-Z]{4}\d{2}", value) and value.startswith(brin):
        return value
    raise row.error(
        _("a location number is 2 digits, or the BRIN code %(brin)s followed by 2 digits.")
        % {"brin": brin},
        column,
    )


def _count(row: Row, column: str) -> int | None:
    value = row.values[column]
    if value == SUPPRESSED:
        return None
    if not value.isdigit():
        raise row.error(_("a number of pupils must be a whole number (or '<5')."), column)
    return int(value)


def _peildatum(row: Row, options: Options) -> date:
    if "PEILDATUM" not in row.values:
        if options.count_date is None:
            raise DuoImportError(
                _("the file has no PEILDATUM column; give its count date with --count-date."),
                file=row.file,
            )
        return options.count_date
    value = row.values["PEILDATUM"]
    try:
        return date(int(value[:4]), int(value[4:6]), int(value[6:8]))
    except ValueError:
        raise row.error(_("a count date is written as YYYYMMDD."), "PEILDATUM") from None


def _province(row: Row, column: str) -> str:
    value = row.values.get(column, "")
    if not value:
        return ""
    try:
        return PROVINCES[value.upper()]
    except KeyError:
        raise row.error(_("not one of the twelve provinces."), column) from None


def _postcode(value: str) -> str:
    compact = value.replace(" ", "").upper()
    if re.fullmatch(r"\d{4}[A-Z]{2}", compact):
        return f"{compact[:4]} {compact[4:]}"
    return value


def _municipality_code(row: Row) -> str:
    value = row.values.get("GEMEENTENUMMER", "")
    if value and not value.isdigit():
        raise row.error(_("a municipality number has digits only."), "GEMEENTENUMMER")
    return value.zfill(4) if value else ""


def _text(row: Row, *names: str) -> str:
    for name in names:
        if name in row.values:
            return row.values[name]
    return ""


def _check_unique(row: Row, seen: dict, key, column: str) -> None:
    if key in seen:
        message = (
            _("this board appears twice in the file (first on line %(line)s).")
            if column == BOARD_KEY
            else _("this location appears twice in the file (first on line %(line)s).")
        )
        raise row.error(message % {"line": seen[key]}, column)
    seen[key] = row.line


# --- parsers -------------------------------------------------------------------------


def parse_boards(row: Row, parsed: ParsedFile, options: Options) -> None:
    number = _duo_number(row)
    _check_unique(row, parsed.seen, number, BOARD_KEY)
    kvk = _text(row, "KVK-NUMMER", "KVK NUMMER")
    if kvk and not re.fullmatch(r"\d{8}", kvk):
        raise row.error(_("a KvK number has 8 digits."), "KVK-NUMMER")
    parsed.boards.append(
        BoardRecord(
            duo_number=number,
            fields={
                "name": row.values["BEVOEGD GEZAG NAAM"],
                "street": _text(row, "STRAATNAAM"),
                "house_number": _text(row, "HUISNUMMER-TOEVOEGING"),
                "postcode": _postcode(_text(row, "POSTCODE")),
                "place": _text(row, "PLAATSNAAM"),
                "municipality": _text(row, "GEMEENTENAAM"),
                "denomination": _text(row, "DENOMINATIE"),
                "phone": _text(row, "TELEFOONNUMMER"),
                "website": _text(row, "INTERNETADRES"),
                "kvk_number": kvk,
            },
            source=parsed.name,
        )
    )


def parse_addresses(row: Row, parsed: ParsedFile, options: Options) -> None:
    brin = _brin(row)
    code = _location_code(row, brin)
    _check_unique(row, parsed.seen, code, LOCATION_KEYS[0])
    is_vo = "ONDERWIJSSTRUCTUUR" in row.values
    parsed.locations.append(
        LocationRecord(
            code=code,
            brin=brin,
            board=_duo_number(row),
            as_of=options.as_of,
            sector_type=SectorType.VO if is_vo else SectorType.BO,
            fields={
                "name": row.values["VESTIGINGSNAAM"],
                "street": _text(row, "STRAATNAAM"),
                "house_number": _text(row, "HUISNUMMER-TOEVOEGING"),
                "postcode": _postcode(_text(row, "POSTCODE")),
                "place": _text(row, "PLAATSNAAM"),
                "municipality_code": _municipality_code(row),
                "municipality": _text(row, "GEMEENTENAAM"),
                "province": _province(row, "PROVINCIE"),
                "denomination": _text(row, "DENOMINATIE"),
                "phone": _text(row, "TELEFOONNUMMER"),
                "website": _text(row, "INTERNETADRES"),
                "education_structure": _text(row, "ONDERWIJSSTRUCTUUR"),
            },
            is_address_list=True,
            source=parsed.name,
        )
    )


def _location_from_counts(
    row: Row,
    parsed: ParsedFile,
    *,
    code: str,
    brin: str,
    board: str | None,
    as_of: date,
    sector_type: str,
) -> LocationRecord:
    return LocationRecord(
        code=code,
        brin=brin,
        board=board,
        as_of=as_of,
        sector_type=sector_type,
        fields={
            "name": _text(row, "INSTELLINGSNAAM VESTIGING", "VESTIGINGSNAAM"),
            "postcode": _postcode(_text(row, "POSTCODE VESTIGING", "POSTCODE")),
            "place": _text(row, "PLAATSNAAM", "PLAATSNAAM VESTIGING"),
            "municipality_code": _municipality_code(row),
            "municipality": _text(row, "GEMEENTENAAM"),
            "province": _province(
                row, "PROVINCIE" if "PROVINCIE" in row.values else "PROVINCIE VESTIGING"
            ),
            "denomination": _text(row, "DENOMINATIE VESTIGING"),
        },
        is_address_list=False,
        source=parsed.name,
    )


def parse_po_pupils(row: Row, parsed: ParsedFile, options: Options) -> None:
    brin = _brin(row)
    code = _location_code(row, brin)
    kind = row.values["SOORT PO"].upper()
    if kind not in PO_TYPES:
        raise row.error(_("SOORT_PO must be Bo, Sbo, So or Vso."), "SOORT PO")
    sector_type = PO_TYPES[kind]
    count_date = _peildatum(row, options)
    _check_unique(
        row,
        parsed.seen,
        (code, count_date, sector_type),
        LOCATION_KEYS[0],
    )
    board = _duo_number(row)
    parsed.locations.append(
        _location_from_counts(
            row,
            parsed,
            code=code,
            brin=brin,
            board=board,
            as_of=count_date,
            sector_type=sector_type,
        )
    )
    parsed.counts.append(
        CountRecord(
            code=code,
            count_date=count_date,
            sector_type=sector_type,
            board=board,
            pupils=_count(row, "LEERLINGEN"),
            outsourced_vavo=None,
            source=parsed.name,
            line=row.line,
        )
    )


def parse_vo_pupils(row: Row, parsed: ParsedFile, options: Options) -> None:
    """The newer file: one row per location and board (2025 layout)."""
    brin = _brin(row)
    code = _location_code(row, brin)
    count_date = _peildatum(row, options)
    _check_unique(row, parsed.seen, code, LOCATION_KEYS[1])
    board = _duo_number(row)
    parsed.locations.append(
        _location_from_counts(
            row,
            parsed,
            code=code,
            brin=brin,
            board=board,
            as_of=count_date,
            sector_type=SectorType.VO,
        )
    )
    parsed.counts.append(
        CountRecord(
            code=code,
            count_date=count_date,
            sector_type=SectorType.VO,
            board=board,
            pupils=_count(row, "AANTAL LEERLINGEN"),
            outsourced_vavo=_count(row, "AANTAL VO LEERLINGEN UITBESTEED AAN VAVO"),
            source=parsed.name,
            line=row.line,
        )
    )


def parse_vo_pupils_by_type(row: Row, parsed: ParsedFile, options: Options) -> None:
    """The 2019 file: a row per location and education type; summed per location.

    Rows of an education type 'uitbest. aan VAVO' count as outsourced, not as pupils.
    """
    brin = _brin(row)
    code = _location_code(row, brin)
    count_date = _peildatum(row, options)
    edu_type = row.values["ONDERWIJSTYPE VO EN LEER- OF VERBLIJFSJAAR"]
    key = (
        code,
        edu_type,
        _text(row, "VMBO SECTOR"),
        _text(row, "AFDELING"),
        _text(row, "ELEMENTCODE"),
    )
    _check_unique(row, parsed.seen, key, LOCATION_KEYS[0])
    if not parsed.year_columns:
        parsed.year_columns = [c for c in row.values if YEAR_COLUMN.match(c)]
    total = sum(_count(row, column) or 0 for column in parsed.year_columns)
    totals = parsed.totals
    if code not in totals:
        parsed.locations.append(
            _location_from_counts(
                row,
                parsed,
                code=code,
                brin=brin,
                board=None,
                as_of=count_date,
                sector_type=SectorType.VO,
            )
        )
        record = CountRecord(
            code=code,
            count_date=count_date,
            sector_type=SectorType.VO,
            board=None,
            pupils=0,
            outsourced_vavo=0,
            source=parsed.name,
            line=row.line,
        )
        totals[code] = record
        parsed.counts.append(record)
    record = totals[code]
    if VAVO_MARK in edu_type.upper():
        record.outsourced_vavo += total
    else:
        record.pupils += total


LAYOUTS: tuple[Layout, ...] = (
    Layout(
        "boards",
        gettext_lazy("Addresses of boards (bevoegde gezagen)"),
        ((BOARD_KEY,), ("BEVOEGD GEZAG NAAM",)),
        parse_boards,
        0,
    ),
    Layout(
        "addresses",
        gettext_lazy("Addresses of all locations (bo or vo)"),
        (BRIN_KEYS, LOCATION_KEYS, (BOARD_KEY,), ("VESTIGINGSNAAM",), ("PLAATSNAAM",)),
        parse_addresses,
        1,
    ),
    Layout(
        "po_pupils",
        gettext_lazy("Pupils per po location (SOORT_PO, LEERLINGEN)"),
        (BRIN_KEYS, LOCATION_KEYS, (BOARD_KEY,), ("SOORT PO",), ("LEERLINGEN",)),
        parse_po_pupils,
        2,
    ),
    Layout(
        "vo_pupils",
        gettext_lazy("Pupils per vo location and board (2025 layout)"),
        (
            BRIN_KEYS,
            LOCATION_KEYS,
            (BOARD_KEY,),
            ("AANTAL LEERLINGEN",),
            ("AANTAL VO LEERLINGEN UITBESTEED AAN VAVO",),
        ),
        parse_vo_pupils,
        2,
    ),
    Layout(
        "vo_pupils_by_type",
        gettext_lazy("Pupils per vo location and education type (2019)"),
        (
            BRIN_KEYS,
            LOCATION_KEYS,
            ("ONDERWIJSTYPE VO EN LEER- OF VERBLIJFSJAAR",),
            ("LEER- OF VERBLIJFSJAAR 1 - MAN",),
        ),
        parse_vo_pupils_by_type,
        3,
    ),
)


def detect_layout(header: list[str], name: str) -> Layout:
    for layout in LAYOUTS:
        if layout.matches(header):
            return layout
    expected = "; ".join(str(layout.label) for layout in LAYOUTS)
    raise DuoImportError(
        _("unknown header: this is none of the DUO layouts Bundel reads (%(expected)s).")
        % {"expected": expected},
        file=name,
        line=1,
        value=";".join(header)[:200],
    )


def parse(layout: Layout, rows: Iterator[Row], parsed: ParsedFile, options: Options) -> None:
    for row in rows:
        layout.parse(row, parsed, options)
        parsed.rows += 1
    parsed.seen.clear()
    parsed.totals.clear()
    if parsed.rows == 0:
        raise DuoImportError(_("the file has a header but no data rows."), file=parsed.name)
