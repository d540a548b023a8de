"""CSV and XLSX downloads of the lists staff work from."""

import csv
import io
from collections.abc import Iterable, Sequence

from django.http import HttpResponse
from django.utils.functional import Promise
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = ("csv", "xlsx")


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value):
    """Text as text: a value a spreadsheet would run as a formula (`=HYPERLINK(...)` in a
    user's name) gets a leading apostrophe, which spreadsheets show as plain text."""
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def export_response(
    fmt: str, *, filename: str, header: Sequence[str], rows: Iterable[Sequence]
) -> HttpResponse:
    """A download of `rows` as `fmt` ('csv' or 'xlsx')."""
    if fmt == "csv":
        buffer = io.StringIO()
        buffer.write("\ufeff")  # Excel reads UTF-8 CSV correctly only with a BOM
        writer = csv.writer(buffer, delimiter=";")
        writer.writerow(header)
        writer.writerows([_cell(v) for v in row] for row in rows)
        response = HttpResponse(buffer.getvalue(), content_type=CSV_TYPE)
    elif fmt == "xlsx":
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(title=filename[:31])
        sheet.append([str(h) for h in header])
        widths = [len(str(h)) for h in header]
        for raw in rows:
            row = [_cell(v) for v in raw]
            sheet.append(row)
            widths = [max(w, len(str(v or ""))) for w, v in zip(widths, row, strict=False)]
        for index, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = min(width + 2, 60)
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    else:
        raise ValueError(f"Unknown export format {fmt!r}")
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response
