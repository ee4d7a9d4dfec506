"""Import and export of any record kind, in the columns the kind declares.

An import validates every row and writes all of them or none. It works in two passes so that the site
stays usable meanwhile (SQLite has one writer at a time): first every cell of every row is read and checked,
and the records to update found, outside any transaction; only when every row passed does one write
transaction save them through the kind's services (a savepoint per row, so every row's problems are found;
rolled back as a whole if any row failed). Errors name the row
(as the spreadsheet numbers it), the column and the problem. A row with a record number updates that
record, so an exported list imports back to the same records instead of duplicating them. Personal
columns are exported masked; a masked cell leaves the stored value as it is (and is refused for a new
record).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.utils.translation import override as language_override

from shanhai.accounts.models import User
from shanhai.core.audit import audit_event
from shanhai.core.models import AuditAction
from shanhai.records import tabular
from shanhai.records.access import access_record, require_record_write
from shanhai.records.attempts import attempts_kept
from shanhai.records.columns import (
    MASKED_VALUE,
    Amount,
    Choice,
    Column,
    Date,
    Month,
    PartnershipRef,
    Personal,
    Reference,
    UnitRef,
    blank,
    kept_keys,
    text_of,
)
from shanhai.records.kinds import RecordKind
from shanhai.records.lookup import Lookup

Progress = Callable[[int, int], None]


def id_header() -> str:
    return _("Record number")


def header_of(column: Column) -> str:
    return str(column.label)


def _header_names(label: Any) -> set[str]:
    names = set()
    for language in ("zh-hans", "en"):
        with language_override(language):
            names.add(str(label).strip().lower())
    return names


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str


@dataclass
class ImportResult:
    total: int = 0
    created: int = 0
    updated: int = 0
    errors: list[RowError] = field(default_factory=list)
    #: Rows a service refused with a ``HELD_FOR_REVIEW`` error: reported once, without their row numbers.
    held: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    def errors_as_dicts(self) -> list[dict[str, Any]]:
        return [asdict(error) for error in self.errors]


#: The code of a service's ``ValidationError`` that must not say which row it is about (an ID number on file
#: where the user cannot see: naming the row would tell which of many candidate numbers is registered). The
#: import reports such rows once, as a count, with the error's message.
HELD_FOR_REVIEW = "held_for_review"


def _messages(error: ValidationError) -> list[str]:
    return [str(message) for message in error.messages]


def _map_headers(kind: RecordKind, headers: Sequence[str]) -> tuple[dict[int, Column], int | None, list[RowError]]:
    """Which column of the file is which column of the kind (by header, in Chinese or English)."""
    by_name: dict[str, Column] = {}
    shown_only: set[str] = set()
    for column in kind.columns:
        for name in _header_names(column.label):
            (by_name.__setitem__(name, column) if column.importable else shown_only.add(name))
    id_names = _header_names(id_header())
    mapping: dict[int, Column] = {}
    id_index: int | None = None
    errors: list[RowError] = []
    for index, header in enumerate(headers):
        name = header.strip().rstrip("*＊").strip().lower()
        if not name:
            continue
        if name in id_names:
            id_index = index
        elif name in by_name:
            mapping[index] = by_name[name]
        elif name not in shown_only:
            errors.append(RowError(1, header, _("This column is not part of the template; remove it or fix its name.")))
    present = {column.key for column in mapping.values()}
    if id_index is None:  # rows without a record number create records: every required column must be there
        for column in kind.importable_columns:
            if column.required and column.key not in present:
                errors.append(RowError(1, header_of(column), _("This required column is missing.")))
    return mapping, id_index, errors


@dataclass(frozen=True)
class _Parsed:
    """One row read and checked: its spreadsheet number, the record it updates (or None) and its values."""

    number: int
    record: Any
    values: dict[str, Any]


def import_rows(
    kind: RecordKind,
    actor: User,
    headers: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    progress: Progress | None = None,
    before_write: Callable[[], bool] | None = None,
    after_write: Callable[[ImportResult], None] | None = None,
) -> ImportResult:
    """Write every row or none; the result lists every problem found, row by row.

    Progress counts each row twice (read, then written). ``before_write`` runs first in the write
    transaction (False: write nothing); ``after_write`` runs last in it when every row was written, so
    what it saves (a job's status) commits with the rows or not at all."""
    result = _import_rows(
        kind, actor, headers, rows, progress=progress, before_write=before_write, after_write=after_write
    )
    _audit_import(kind, actor, result)
    return result


def _audit_import(kind: RecordKind, actor: User, result: ImportResult) -> None:
    """An import is audited whether it was accepted or refused: the kind and the counts, never a cell's value
    (a problem's message may quote one)."""
    counts: dict[str, Any] = {"kind": kind.slug, "rows": result.total}
    if result.ok:
        counts |= {"created": result.created, "updated": result.updated}
    else:
        counts |= {"problems": len(result.errors), "rows_with_problems": len({e.row for e in result.errors})}
    audit_event(
        actor=actor,
        action=AuditAction.IMPORT if result.ok else AuditAction.IMPORT_REFUSED,
        object_type=f"{kind.model._meta.app_label}.{kind.model._meta.model_name}",
        description=str(kind.name),
        extra=counts,
    )


def _import_rows(
    kind: RecordKind,
    actor: User,
    headers: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    progress: Progress | None,
    before_write: Callable[[], bool] | None,
    after_write: Callable[[ImportResult], None] | None,
) -> ImportResult:
    result = ImportResult(total=len(rows))
    mapping, id_index, header_errors = _map_headers(kind, headers)
    if header_errors:
        result.errors = header_errors
        return result
    lookup = Lookup(actor)
    steps = 2 * len(rows)
    parsed: list[_Parsed] = []
    for offset, row in enumerate(rows):  # first pass: reads only, no transaction, no lock
        number = offset + 2  # as the spreadsheet numbers it: row 1 is the header
        if (item := _parse_row(kind, actor, lookup, mapping, id_index, row, number, result)) is not None:
            parsed.append(item)
        if progress and (offset % 25 == 0 or offset == len(rows) - 1):
            progress(offset + 1, steps)
    if result.errors:
        return result
    with attempts_kept(), transaction.atomic():  # refused attempts noted by services outlive the rollback
        if before_write is not None and not before_write():
            transaction.set_rollback(True)
            return result
        for offset, item in enumerate(parsed):
            _write_row(kind, actor, item, result)
            if progress and (offset % 25 == 0 or offset == len(parsed) - 1):
                progress(len(rows) + offset + 1, steps)
        if result.held:
            result.errors.append(RowError(0, "", _held_message(result.held)))
        if result.errors:
            transaction.set_rollback(True)
            result.created = result.updated = 0
        elif after_write is not None:
            after_write(result)
    return result


def _parse_row(
    kind: RecordKind,
    actor: User,
    lookup: Lookup,
    mapping: dict[int, Column],
    id_index: int | None,
    row: Sequence[Any],
    number: int,
    result: ImportResult,
) -> _Parsed | None:
    values: dict[str, Any] = {}
    failed = False
    for index, column in mapping.items():
        try:
            values[column.key] = column.parse(row[index], lookup)
        except ValidationError as error:
            failed = True
            result.errors += [RowError(number, header_of(column), m) for m in _messages(error)]
    record = None
    if id_index is not None and not blank(row[id_index]):
        try:
            record = access_record(kind, actor, text_of(row[id_index]), for_write=True)
        except (Http404, PermissionDenied):
            result.errors.append(RowError(number, id_header(), _("No record with this number that you may change.")))
            return None
    if failed:
        return None
    if record is None:
        for key in kept_keys(values):  # a masked value can only stand for one already stored
            failed = True
            result.errors.append(RowError(number, header_of(kind.column(key)), str(MASKED_VALUE)))
        missing = [c for c in kind.importable_columns if c.key not in values]
        for column in missing:
            try:
                values[column.key] = column.parse(None, lookup)
            except ValidationError as error:
                failed = True
                result.errors += [RowError(number, header_of(column), m) for m in _messages(error)]
        if failed:
            return None
    return _Parsed(number, record, values)


def _write_row(kind: RecordKind, actor: User, item: _Parsed, result: ImportResult) -> None:
    record, values, number = item.record, item.values, item.number
    try:
        with transaction.atomic():
            if record is None:
                require_record_write(kind, actor, values)
                kind.create(actor=actor, **values)
                result.created += 1
            else:
                changes = {k: v for k, v in values.items() if not kind.column(k).same(kind.column(k).value(record), v)}
                if changes:
                    require_record_write(kind, actor, {**_current(kind, record), **changes})
                    kind.update(actor=actor, record=record, **changes)
                result.updated += 1
    except PermissionDenied:
        result.errors.append(RowError(number, "", _("You may not record this for the organisations given.")))
    except ValidationError as error:
        result.errors += _service_errors(kind, error, number, result)


def _current(kind: RecordKind, record: Any) -> dict[str, Any]:
    return {column.key: column.value(record) for column in kind.importable_columns}


def _service_errors(kind: RecordKind, error: ValidationError, number: int, result: ImportResult) -> list[RowError]:
    if not hasattr(error, "error_dict"):
        return [RowError(number, "", m) for m in _messages(error)]
    labels = {column.key: header_of(column) for column in kind.columns}
    found: list[RowError] = []
    for key, errors in error.error_dict.items():
        for item in errors:
            if item.code == HELD_FOR_REVIEW:
                result.held += 1
            else:
                found += [RowError(number, labels.get(key, ""), str(m)) for m in ValidationError(item).messages]
    return found


def _held_message(count: int) -> str:
    return ngettext(
        "%(count)d row of this file cannot be completed here: it has been passed to a reviewer, who will contact "
        "your institution. Nothing was imported.",
        "%(count)d rows of this file cannot be completed here: they have been passed to a reviewer, who will "
        "contact your institution. Nothing was imported.",
        count,
    ) % {"count": count}


# --- export and template ---------------------------------------------------------------------------
def export_headers(kind: RecordKind) -> list[str]:
    return [id_header(), *(header_of(c) for c in kind.columns)]


def export_xlsx(
    kind: RecordKind, records: Iterable[Any], *, actor: User | None = None, filters: Sequence[str] = ()
) -> bytes:
    """The listed records, one row each, re-importable (the record number makes a re-import an update).
    With ``actor``, the export is audited: the kind, the names of the filters used (not their values: a search
    may be a woman's name) and the row count."""
    count = 0

    def rows() -> Iterator[list[Any]]:
        nonlocal count
        for record in records:
            count += 1
            yield [str(record.public_id), *(c.cell(record) for c in kind.columns)]

    content = tabular.write_xlsx(export_headers(kind), rows(), title=kind.name_plural)
    if actor is not None:
        audit_event(
            actor=actor,
            action=AuditAction.EXPORT,
            object_type=f"{kind.model._meta.app_label}.{kind.model._meta.model_name}",
            description=str(kind.name_plural),
            extra={"kind": kind.slug, "rows": count, "filters": sorted(set(filters))},
        )
    return content


def template_xlsx(kind: RecordKind) -> bytes:
    """An empty sheet with the importable columns (required ones shaded), drop-downs and a guide sheet."""
    columns = kind.importable_columns
    choices = {
        index: [str(label) for _value, label in column.choices.choices]
        for index, column in enumerate(columns)
        if isinstance(column, Choice) and column.choices is not None
    }
    notes = [(header_of(c), column_note(c)) for c in columns]
    notes.append((id_header(), _("Leave empty for new records. Exported lists carry it: such rows update the record.")))
    return tabular.write_xlsx(
        [header_of(c) for c in columns],
        [],
        title=kind.name_plural,
        required=[c.required for c in columns],
        choices=choices,
        notes=notes,
    )


def column_note(column: Column) -> str:
    parts = [_("Required.") if column.required else _("Optional.")]
    if column.help:
        parts.append(str(column.help))
    if isinstance(column, Choice) and column.choices is not None:
        parts.append(
            _("One of: %(options)s.") % {"options": "、".join(str(label) for _v, label in column.choices.choices)}
        )
    elif format_hint := _format_hint(column):
        parts.append(format_hint)
    if column.example:
        parts.append(_("For example: %(example)s") % {"example": column.example})
    return " ".join(parts)


def _format_hint(column: Column) -> str:
    if isinstance(column, Personal):
        return _("Personal data: exported lists show it masked; a masked value left as it is changes nothing.")
    if isinstance(column, Date):
        return _("A date such as 2024-03-31.")
    if isinstance(column, Month):
        return _("A month such as 2024-03.")
    if isinstance(column, Amount):
        return _("Yuan, without the ¥ sign if you like: 800000 or 1250.50.")
    if isinstance(column, PartnershipRef):
        return _("The number shown on the partnership's page.")
    if isinstance(column, Reference) and column.cell_hint:
        return str(column.cell_hint)
    if isinstance(column, UnitRef):
        return _("The organisation's code or full name.")
    return ""
