"""Reading and writing spreadsheets: XLSX (openpyxl) and CSV (UTF-8, or GB18030 as Excel saves it on Chinese Windows)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_ROWS = 50_000


def read_table(file_name: str, content: bytes) -> tuple[list[str], list[list[Any]]]:
    """The header row and the data rows (fully empty rows dropped) of an XLSX or CSV file."""
    name = file_name.lower()
    if name.endswith(".xlsx"):
        rows = _xlsx_rows(content)
    elif name.endswith(".csv"):
        rows = _csv_rows(content)
    else:
        raise ValidationError(_("Upload an XLSX or CSV file."))
    rows = [row for row in rows if any(cell not in (None, "") for cell in row)]
    if not rows:
        raise ValidationError(_("The file is empty."))
    if len(rows) - 1 > MAX_ROWS:
        raise ValidationError(_("At most %(count)d rows can be imported at once.") % {"count": MAX_ROWS})
    headers = [str(cell or "").strip() for cell in rows[0]]
    return headers, [list(row) + [None] * (len(headers) - len(row)) for row in rows[1:]]


def _xlsx_rows(content: bytes) -> list[list[Any]]:
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds of error for a file that is not a workbook
        raise ValidationError(_("The file could not be read as an XLSX workbook.")) from None
    sheet = workbook.worksheets[0]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    workbook.close()
    return rows


def _csv_rows(content: bytes) -> list[list[Any]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
        except UnicodeDecodeError:
            continue
        return [list(row) for row in csv.reader(io.StringIO(text))]
    raise ValidationError(_("The CSV file is neither UTF-8 nor GB18030 encoded."))


HEADER_FONT = Font(bold=True)
REQUIRED_FILL = PatternFill("solid", fgColor="FDE9D9")


def write_xlsx(
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    title: str,
    required: Sequence[bool] = (),
    choices: dict[int, list[str]] | None = None,
    notes: Sequence[tuple[str, str]] = (),
) -> bytes:
    """One sheet of data under a bold header; required headers shaded; drop-down lists for choice columns;
    an optional second sheet of notes (column → how to fill it)."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = title[:31]
    sheet.append(list(headers))
    for index, header in enumerate(headers, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = HEADER_FONT
        if index <= len(required) and required[index - 1]:
            cell.fill = REQUIRED_FILL
        sheet.column_dimensions[get_column_letter(index)].width = max(12, min(40, len(header) * 2 + 4))
    sheet.freeze_panes = "A2"
    for row in rows:
        sheet.append([_cell(value) for value in row])
    for index, options in (choices or {}).items():
        listing = ",".join(options)
        if len(listing) < 250:  # Excel's limit for an inline list
            validation = DataValidation(type="list", formula1=f'"{listing}"', allow_blank=True)
            sheet.add_data_validation(validation)
            letter = get_column_letter(index + 1)
            validation.add(f"{letter}2:{letter}{MAX_ROWS}")
    if notes:
        guide = workbook.create_sheet(_("How to fill in"))
        guide.append([_("Column"), _("How to fill it in")])
        for cell in guide[1]:
            cell.font = HEADER_FONT
        guide.column_dimensions["A"].width = 24
        guide.column_dimensions["B"].width = 90
        for header, note in notes:
            guide.append([header, note])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _cell(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, date):
        return value.isoformat()
    return value
