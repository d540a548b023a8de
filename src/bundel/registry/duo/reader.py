"""Decoding and splitting a DUO CSV file, with errors that say where the file is wrong."""

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .errors import DuoImportError

DELIMITER = ";"
OTHER_DELIMITERS = {",": "','", "\t": gettext_lazy("tab"), "|": "'|'"}


def normalise_header(name: str) -> str:
    """DUO spells keys as 'BRIN NUMMER' and 'BRIN_NUMMER'; compare them as one."""
    return " ".join(name.replace("_", " ").upper().split())


@dataclass
class Row:
    line: int
    values: dict[str, str]
    file: str
    columns: dict[str, str]  # normalised name -> name as written in the file

    def error(self, message: str, column: str, value: str | None = None) -> DuoImportError:
        return DuoImportError(
            message,
            file=self.file,
            line=self.line,
            column=self.columns.get(column, column),
            value=self.values.get(column) if value is None else value,
        )


def decode(data: bytes, name: str) -> str:
    """UTF-8 (with or without BOM) first, then Windows-1252, as DUO serves both."""
    if not data.strip():
        raise DuoImportError(_("the file is empty."), file=name)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data[:4096]:
        raise DuoImportError(
            _("the file is UTF-16 or binary; expected UTF-8 or Windows-1252 (cp1252) text."),
            file=name,
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise DuoImportError(
            _(
                "the file is neither UTF-8 nor Windows-1252 (cp1252): byte 0x%(byte)02X "
                "at character %(column)s cannot be read."
            )
            % {"byte": data[exc.start], "column": column},
            file=name,
            line=line,
        ) from exc


def read_rows(path: Path, *, display_name: str | None = None) -> tuple[list[str], Iterator[Row]]:
    """The normalised header and an iterator of rows; every row has every column."""
    name = display_name or path.name
    text = decode(path.read_bytes(), name)
    lines = io.StringIO(text, newline="")
    reader = csv.reader(lines, delimiter=DELIMITER, quotechar='"', strict=True)
    try:
        raw_header = next(reader)
    except csv.Error as exc:
        raise DuoImportError(str(exc), file=name, line=1) from exc
    if len(raw_header) == 1:
        found = [label for sep, label in OTHER_DELIMITERS.items() if sep in raw_header[0]]
        message = (
            _("the header has one column; DUO files are separated by ';', this one by %(sep)s.")
            % {"sep": found[0]}
            if found
            else _("the header has one column; DUO files are separated by ';'.")
        )
        raise DuoImportError(message, file=name, line=1, value=raw_header[0][:120])
    header = [normalise_header(h) for h in raw_header]
    seen: set[str] = set()
    for position, column in enumerate(header, start=1):
        if column in seen:
            raise DuoImportError(
                _("column %(column)s appears twice in the header.") % {"column": column},
                file=name,
                line=1,
                column=str(position),
            )
        seen.add(column)
    columns = dict(zip(header, raw_header, strict=True))
    return header, _rows(reader, header, columns, name)


def _rows(reader, header: list[str], columns: dict[str, str], name: str) -> Iterator[Row]:
    width = len(header)
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise DuoImportError(str(exc), file=name, line=reader.line_num) from exc
        if not fields or fields == [""]:
            continue
        if len(fields) != width:
            raise DuoImportError(
                _(
                    "the row has %(found)s fields where the header has %(width)s "
                    "(a truncated line or a stray ';')."
                )
                % {"found": len(fields), "width": width},
                file=name,
                line=reader.line_num,
                column=columns[header[min(len(fields), width) - 1]],
            )
        yield Row(
            line=reader.line_num,
            values={h: v.strip() for h, v in zip(header, fields, strict=True)},
            file=name,
            columns=columns,
        )
