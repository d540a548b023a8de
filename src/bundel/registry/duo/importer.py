"""Importing parsed DUO files into the registry: idempotent, one transaction, audited.

Every file is read and checked before anything is written, and all writes of a run
happen in one transaction, so a bad file leaves the database exactly as it was.
"""

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from bundel.audit.services import Change, audit_log_many, diff

from ..models import Board, BoardSummary, Location, PupilCount, School
from ..summaries import refresh_board_summaries
from .errors import DuoImportError
from .layouts import CountRecord, LocationRecord, Options, ParsedFile, detect_layout, parse
from .reader import read_rows

BOARD_FIELDS = (
    "name",
    "street",
    "house_number",
    "postcode",
    "place",
    "municipality",
    "denomination",
    "phone",
    "website",
    "kvk_number",
)
LOCATION_FIELDS = (
    "name",
    "street",
    "house_number",
    "postcode",
    "place",
    "municipality_code",
    "municipality",
    "province",
    "denomination",
    "phone",
    "website",
    "education_structure",
)
KINDS = ("boards", "schools", "locations", "pupil_counts")
IMPORT_ACTOR = "DUO import"

Progress = Callable[..., Iterable]


def no_progress(iterable: Iterable, **kwargs) -> Iterable:
    return iterable


@dataclass(frozen=True)
class Source:
    """A file to import. `count_date` for files without PEILDATUM; `as_of` dates an
    address list (which board governs a location, as of when)."""

    path: Path
    count_date: date | None = None
    as_of: date | None = None


@dataclass
class ImportReport:
    files: list[tuple[str, str, int]] = field(default_factory=list)
    stats: dict[str, Counter] = field(default_factory=lambda: {k: Counter() for k in KINDS})
    unknown_board: list[tuple[str, str, date, str]] = field(default_factory=list)
    inferred_board: list[tuple[str, str, Board]] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(c["created"] or c["updated"] for c in self.stats.values())


def read_source(source: Source, progress: Progress = no_progress) -> ParsedFile:
    header, rows = read_rows(source.path)
    layout = detect_layout(header, source.path.name)
    parsed = ParsedFile(name=source.path.name, layout=layout)
    as_of = source.as_of or (date.today() if layout.key == "addresses" else None)
    options = Options(count_date=source.count_date, as_of=as_of)
    parse(layout, progress(rows, desc=source.path.name, unit=" rows"), parsed, options)
    return parsed


def import_duo_files(
    sources: list[Source], *, by=None, progress: Progress = no_progress
) -> ImportReport:
    """Read every source, then write them all in one transaction."""
    parsed = [read_source(source, progress) for source in sources]
    parsed.sort(key=lambda p: p.layout.order)
    report = ImportReport(files=[(p.name, str(p.layout.label), p.rows) for p in parsed])
    with transaction.atomic():
        _Writer(report, by=by).write(parsed)
    return report


class _Writer:
    def __init__(self, report: ImportReport, *, by):
        self.report = report
        self.by = by
        self.audit: list[Change] = []
        self.batch = settings.IMPORT_BATCH_SIZE

    def write(self, files: list[ParsedFile]) -> None:
        locations = self._merge_locations(files)
        counts = self._collect_counts(files)
        boards = self._write_boards(files, locations, counts)
        schools = self._write_schools(locations)
        location_objs = self._write_locations(locations, boards, schools)
        self._write_counts(counts, location_objs, boards, locations)
        if self.report.changed or not BoardSummary.objects.exists():
            refresh_board_summaries()  # bulk writes send no signals
        audit_log_many(
            self.audit, actor=self.by, actor_label=self._actor_label(), batch_size=self.batch
        )

    def _actor_label(self) -> str:
        if self.by is None:
            return IMPORT_ACTOR
        return f"{IMPORT_ACTOR} ({self.by.get_username()})"

    def _count(self, kind: str, outcome: str) -> None:
        self.report.stats[kind][outcome] += 1

    # -- merging what the files say ----------------------------------------------------

    @staticmethod
    def _merge_locations(files: list[ParsedFile]) -> dict[str, list[LocationRecord]]:
        merged: dict[str, list[LocationRecord]] = defaultdict(list)
        for parsed in files:
            for record in parsed.locations:
                merged[record.code].append(record)
        return merged

    @staticmethod
    def _collect_counts(files: list[ParsedFile]) -> dict[tuple, CountRecord]:
        counts: dict[tuple, CountRecord] = {}
        for parsed in files:
            for record in parsed.counts:
                key = (record.code, record.count_date, record.sector_type)
                if key in counts:
                    first = counts[key]
                    raise DuoImportError(
                        _(
                            "pupils of %(code)s on %(date)s (%(type)s) are also in %(other)s, "
                            "line %(line)s; import one of the two."
                        )
                        % {
                            "code": record.code,
                            "date": record.count_date,
                            "type": record.sector_type,
                            "other": first.source,
                            "line": first.line,
                        },
                        file=record.source,
                        line=record.line,
                    )
                counts[key] = record
        return counts

    # -- boards and schools -------------------------------------------------------------

    def _write_boards(self, files, locations, counts) -> dict[str, Board]:
        records = {b.duo_number: b for parsed in files for b in parsed.boards}
        numbers = set(records)
        numbers.update(r.board for rs in locations.values() for r in rs if r.board)
        numbers.update(r.board for r in counts.values() if r.board)
        existing = Board.objects.in_bulk(numbers, field_name="duo_number")
        new, changed = [], []
        for number in sorted(numbers):
            record = records.get(number)
            board = existing.get(number)
            if board is None:
                board = Board(duo_number=number, **(record.fields if record else {}))
                new.append(board)
                existing[number] = board
                continue
            if record is None:
                continue  # only referenced: nothing to compare
            delta = self._apply(board, record.fields, BOARD_FIELDS)
            if delta:
                changed.append(board)
                self.audit.append(Change("registry.board.updated", board, delta, self._src(record)))
            else:
                self._count("boards", "unchanged")
        for board in new:
            board.full_clean(validate_unique=False)
        Board.objects.bulk_create(new, batch_size=self.batch)
        Board.objects.bulk_update(changed, BOARD_FIELDS, batch_size=self.batch)
        for board in new:
            self.audit.append(Change("registry.board.created", board))
        self.report.stats["boards"]["created"] += len(new)
        self.report.stats["boards"]["updated"] += len(changed)
        return existing

    def _write_schools(self, locations) -> dict[str, School]:
        brins = {r.brin for rs in locations.values() for r in rs}
        existing = School.objects.in_bulk(brins, field_name="brin")
        new = [School(brin=brin) for brin in sorted(brins - set(existing))]
        School.objects.bulk_create(new, batch_size=self.batch)
        for school in new:
            existing[school.brin] = school
            self.audit.append(Change("registry.school.created", school))
        self.report.stats["schools"]["created"] += len(new)
        self.report.stats["schools"]["unchanged"] += len(brins) - len(new)
        return existing

    # -- locations -------------------------------------------------------------------------

    def _write_locations(self, locations, boards, schools) -> dict[str, Location]:
        existing = Location.objects.select_related("board").in_bulk(
            list(locations), field_name="code"
        )
        new, changed = [], []
        for code in sorted(locations):
            records = locations[code]
            location = existing.get(code)
            is_new = location is None
            if is_new:
                location = Location(code=code, school=schools[records[0].brin])
            before = {f: getattr(location, f) for f in (*LOCATION_FIELDS, "sector_type")}
            before.update(board_id=location.board_id, board_as_of=location.board_as_of)
            self._merge_into(location, records, boards, is_new=is_new)
            after = {f: getattr(location, f) for f in before}
            if is_new:
                new.append(location)
                existing[code] = location
                continue
            delta = diff(before, after)
            if delta:
                changed.append(location)
                self.audit.append(
                    Change("registry.location.updated", location, delta, self._src(records[-1]))
                )
            else:
                self._count("locations", "unchanged")
        self._infer_boards(existing, new, changed)
        Location.objects.bulk_create(new, batch_size=self.batch)
        Location.objects.bulk_update(
            changed,
            (*LOCATION_FIELDS, "sector_type", "board", "board_as_of"),
            batch_size=self.batch,
        )
        for location in new:
            self.audit.append(
                Change(
                    "registry.location.created",
                    location,
                    data=self._src(locations[location.code][0]),
                )
            )
        self.report.stats["locations"]["created"] += len(new)
        self.report.stats["locations"]["updated"] += len(changed)
        return existing

    def _infer_boards(self, locations: dict[str, Location], new: list, changed: list) -> None:
        """A board governs a school (BRIN); a location no source names a board for gets
        the board of its school when all the school's other locations share one."""
        boards_of_school: dict[int, set] = defaultdict(set)
        for location in locations.values():
            if location.board_id:
                boards_of_school[location.school_id].add(location.board)
        for location in locations.values():
            siblings = boards_of_school.get(location.school_id, set())
            if location.board_id or len(siblings) != 1:
                continue
            location.board = next(iter(siblings))
            self.report.inferred_board.append((location.code, location.name, location.board))
            if location.pk and location not in changed:
                changed.append(location)
                self.report.stats["locations"]["unchanged"] -= 1
                self.audit.append(
                    Change(
                        "registry.location.updated",
                        location,
                        {"board_id": [None, location.board_id]},
                        {"source": "BRIN"},
                    )
                )

    @staticmethod
    def _merge_into(location: Location, records: list[LocationRecord], boards, *, is_new: bool):
        """Address lists set the address; pupil files only describe a new location.
        The newest dated source names the board."""
        addresses = [r for r in records if r.is_address_list]
        describing = addresses or (records if is_new else [])
        if describing:
            newest = max(describing, key=lambda r: r.as_of or date.min)
            for name in LOCATION_FIELDS:
                if name in newest.fields:
                    setattr(location, name, newest.fields[name])
            location.sector_type = (addresses or records)[0].sector_type
        for record in sorted(records, key=lambda r: r.as_of or date.min):
            if record.board is None:
                continue
            board = boards[record.board]
            if location.board_id == board.pk:
                continue  # a confirmation changes nothing, so a re-import stays unchanged
            known = location.board_as_of
            newer = record.as_of is not None and (known is None or record.as_of >= known)
            if location.board_id is None or newer:
                location.board = board
                location.board_as_of = record.as_of

    # -- pupil counts ----------------------------------------------------------------------

    @staticmethod
    def _board_at(record: CountRecord, location: Location, facts: list[LocationRecord], boards):
        """The board of a count: the file's own, else the source dated nearest the count
        (a 2019 count takes the board of the 2020 address list, not of 2025), else the
        location's board."""
        if record.board:
            return boards[record.board]
        dated = [f for f in facts if f.board and f.as_of]
        if dated:
            nearest = min(dated, key=lambda f: abs((f.as_of - record.count_date).days))
            return boards[nearest.board]
        return location.board

    def _write_counts(self, counts: dict[tuple, CountRecord], locations, boards, facts) -> None:
        dates = {key[1] for key in counts}
        existing = {
            (c.location_id, c.count_date, c.sector_type): c
            for c in PupilCount.objects.filter(count_date__in=dates)
        }
        new, changed = [], []
        for (code, count_date, sector_type), record in sorted(counts.items()):
            location = locations[code]
            board = self._board_at(record, location, facts[code], boards)
            if board is None:
                self.report.unknown_board.append((code, location.name, count_date, record.source))
            values = {
                "board_id": board.pk if board else None,
                "pupils": record.pupils,
                "outsourced_vavo": record.outsourced_vavo,
            }
            count = existing.get((location.pk, count_date, sector_type))
            if count is None:
                count = PupilCount(
                    location=location, count_date=count_date, sector_type=sector_type, **values
                )
                new.append(count)
                continue
            delta = {k: [getattr(count, k), v] for k, v in values.items() if getattr(count, k) != v}
            if delta:
                for k, v in values.items():
                    setattr(count, k, v)
                count.location = location
                changed.append(count)
                self.audit.append(
                    Change("registry.pupil_count.updated", count, delta, self._src(record))
                )
            else:
                self._count("pupil_counts", "unchanged")
        PupilCount.objects.bulk_create(new, batch_size=self.batch)
        PupilCount.objects.bulk_update(
            changed, ("board", "pupils", "outsourced_vavo"), batch_size=self.batch
        )
        for count in new:
            self.audit.append(Change("registry.pupil_count.created", count))
        self.report.stats["pupil_counts"]["created"] += len(new)
        self.report.stats["pupil_counts"]["updated"] += len(changed)

    # -- helpers ---------------------------------------------------------------------------

    @staticmethod
    def _apply(obj, values: dict, names: tuple[str, ...]) -> dict:
        delta = {}
        for name in names:
            if name in values and getattr(obj, name) != values[name]:
                delta[name] = [getattr(obj, name), values[name]]
                setattr(obj, name, values[name])
        return delta

    @staticmethod
    def _src(record) -> dict:
        return {"source": record.source}
