"""Reading and writing spreadsheets: XLSX (openpyxl) and CSV (UTF-8, or GB18030 as Excel saves it on Chinese Windows).

Text that a spreadsheet would take for a formula (it starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return) is written neutralised: a ``'`` in front and stored as a string cell, as OWASP's CSV-injection advice says.
Reading strips that one ``'`` again, so an exported list imports back to the same text. The rule is a bijection:
text that already starts with ``'`` before such a character gets one more ``'`` on the way out.
"""

from __future__ import annotations

import csv
import io
import re
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
#: Text a spreadsheet would evaluate: it starts (after any apostrophes) with one of = + - @ tab CR.
FORMULA_START = re.compile(r"^'*[=+\-@\t\r]")


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
    return headers, [[restore(cell) for cell in row] + [None] * (len(headers) - len(row)) for row in rows[1:]]


def neutralise(value: Any) -> Any:
    """Text a spreadsheet would run as a formula, with a ``'`` in front; anything else as it is."""
    if isinstance(value, str) and FORMULA_START.match(value):
        return "'" + value
    return value


def restore(value: Any) -> Any:
    """The text :func:`neutralise` was given (one leading ``'`` before a formula start removed)."""
    if isinstance(value, str) and value.startswith("'") and FORMULA_START.match(value[1:]):
        return value[1:]
    return value


def _xlsx_rows(content: bytes) -> list[list[Any]]:
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds of error for a file that is not a workbook
        raise ValidationError(_("The file could not be read as an XLSX workbook.")) from None
    sheet = workbook.worksheets[0]
    # Read-only mode trusts the sheet's <dimension>, which other programs may leave stale: every row is read.
    sheet.reset_dimensions()
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    workbook.close()
    return rows


def _csv_rows(content: bytes) -> list[list[Any]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
        except UnicodeDecodeError:
            continue
        reader = csv.reader(io.StringIO(text))
        try:
            return [list(row) for row in reader]
        except csv.Error:
            raise ValidationError(
                _(
                    "Line %(line)s of the CSV file cannot be read: a cell is longer than %(limit)s characters, "
                    "or a quote is not closed."
                )
                % {"line": reader.line_num, "limit": csv.field_size_limit()}
            ) from None
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
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # never a formula, whatever the text
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
    return neutralise(value)
