"""The registry of record kinds (architecture §2): each assistance record model declares once what
it is called, which org unit and partnership it belongs to, its columns and its services. The
generic pages, API, import and export in this app serve every kind from that declaration.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.backends.base.operations import BaseDatabaseOperations
from django.db.models import Q
from django.http import Http404

from shanhai.accounts.models import User
from shanhai.accounts.requests import AuthenticatedHttpRequest
from shanhai.accounts.reveal import can_reveal
from shanhai.records.columns import Amount, Column, Integer, Personal, UnitRef

#: ``create(actor=…, **values)``, ``update(actor=…, record=…, **changes)``, ``delete(actor=…, record=…)``.
Service = Callable[..., Any]


@dataclass(frozen=True, eq=False)
class RecordKind:
    """One kind of assistance record.

    ``unit_field``: ORM path to the org unit the record belongs to (its facts are counted there);
    ``partnership_field``: ORM path to the partnership it is credited to (``None`` if it has none).
    Access: a user sees a record whose unit is in their subtrees or whose partnership they see
    (either end in their subtrees), and writes it if they may write at its unit or at either
    end of its partnership. ``visibility``/``writable_units`` override this for kinds owned
    elsewhere (a programme's batches).
    """

    slug: str
    model: type[models.Model]
    app: str
    unit_field: str
    columns: tuple[Column, ...]
    create: Service
    update: Service
    delete: Service
    partnership_field: str | None = "partnership"
    search_fields: tuple[str, ...] = ()
    #: The date (or ``YYYYMM`` integer, with ``date_is_month``) the list's period filter applies to.
    date_field: str | None = None
    date_is_month: bool = False
    #: Choice columns offered as list filters.
    filter_keys: tuple[str, ...] = ()
    ordering: tuple[str, ...] = ("-created_at",)
    select_related: tuple[str, ...] = ()
    prefetch_related: tuple[str, ...] = ()
    #: A detail template extending ``records/detail.html`` and the extra context it needs.
    detail_template: str = "records/detail.html"
    detail_context: Callable[[AuthenticatedHttpRequest, Any], dict[str, Any]] | None = None
    #: Child kinds (work-log rows, monthly case counts) are reached from their parent's page.
    in_menu: bool = True
    visibility: Callable[[User], Q] | None = None
    writable_units: Callable[[Any], list[Any]] | None = None
    #: The org unit whose ``reveals_personal`` permission lets a user view the record's personal
    #: columns in clear (default: the record's unit).
    personal_unit: Callable[[Any], Any] | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # A record with no partnership is written only where the user may write at its unit: its picker offers
        # only those units (``UnitRef.writable``).
        if self.partnership_field is None and self.writable_units is None:
            columns = tuple(
                replace(c, writable=True) if isinstance(c, UnitRef) and c.key == self.unit_field else c
                for c in self.columns
            )
            object.__setattr__(self, "columns", columns)

    @property
    def name(self) -> str:
        return str(self.model._meta.verbose_name)

    @property
    def name_plural(self) -> str:
        return str(self.model._meta.verbose_name_plural)

    def heading(self, column: Column) -> str:
        """A column's name on pages: the model field's name where there is one ("帮扶关系"), the
        template header otherwise (which may say how to write the cell: "帮扶关系（编号）")."""
        try:
            field = self.model._meta.get_field(column.key)
        except FieldDoesNotExist:
            return str(column.label)
        return str(getattr(field, "verbose_name", column.label))

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)

    @property
    def importable_columns(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.importable)

    def follow(self, obj: Any, path: str | None) -> Any:
        """Follow an ORM path (``posting__partnership``) on a record, or on a dict of service values."""
        if path is None:
            return None
        current = obj
        for part in path.split("__"):
            current = current.get(part) if isinstance(current, dict) else getattr(current, part, None)
            if current is None:
                return None
        return current

    def unit_of(self, record: Any) -> Any:
        return self.follow(record, self.unit_field)

    @property
    def personal_columns(self) -> tuple[Personal, ...]:
        return tuple(c for c in self.columns if isinstance(c, Personal))

    def personal_unit_of(self, record: Any, actor: User | None = None) -> Any:
        """The org unit whose reveal permission applies. ``personal_unit`` may give several (a woman's
        registering institution and her residence): the first where ``actor`` may reveal is chosen."""
        found = self.personal_unit(record) if self.personal_unit is not None else self.unit_of(record)
        units = [u for u in (found if isinstance(found, list | tuple) else [found]) if u is not None]
        if actor is not None:
            units = [u for u in units if can_reveal(actor, u)] or units
        return units[0] if units else None

    def partnership_of(self, record: Any) -> Any:
        return self.follow(record, self.partnership_field)

    def units_for_write(self, record_or_values: Any) -> list[Any]:
        """The org units at which write access lets a user create or change this record."""
        if self.writable_units is not None:
            return [u for u in self.writable_units(record_or_values) if u is not None]
        units = [self.unit_of(record_or_values)]
        if partnership := self.partnership_of(record_or_values):
            units += [partnership.supporter, partnership.recipient]
        return [u for u in units if u is not None]


_kinds: dict[str, RecordKind] = {}


def register(kind: RecordKind) -> RecordKind:
    existing = _kinds.get(kind.slug)
    if existing is not None and existing.model is not kind.model:
        raise ValueError(f"record kind {kind.slug} registered twice")
    masked_in_audit = getattr(kind.model, "PERSONAL_FIELDS", {})
    if unmasked := [c.key for c in kind.personal_columns if "__" not in c.key and c.key not in masked_in_audit]:
        raise ValueError(
            f"{kind.model.__name__}.PERSONAL_FIELDS lacks {unmasked}: audit diffs would hold them in clear"
        )
    if unsortable := [c.key for c in kind.columns if c.sort_path and not _is_field_path(kind.model, c.sort_path)]:
        raise ValueError(f"{kind.slug}: columns {unsortable} sort by a path that is not a field: declare sort=")
    kind = replace(kind, columns=tuple(_within_field(kind.model, column) for column in kind.columns))
    _kinds[kind.slug] = kind
    return kind


def _is_field_path(model: type[models.Model], path: str) -> bool:
    """Whether an ORM path (``partnership__supporter__name``) names a field the list can order by."""
    current: Any = model
    for part in path.split("__"):
        try:
            model_field = current._meta.get_field(part)
        except (FieldDoesNotExist, AttributeError):
            return False
        current = model_field.related_model
    return True


def _within_field(model: type[models.Model], column: Column) -> Column:
    """A whole-number or amount column bounded by its model field's range (the range Django documents for the
    field type on every database), so an out-of-range value is a message on the column, not a database error."""
    try:
        model_field = model._meta.get_field(column.key)
    except FieldDoesNotExist:
        return column
    if not isinstance(model_field, models.Field):
        return column
    kind_of_field = model_field.get_internal_type()
    if isinstance(column, Integer) and kind_of_field in BaseDatabaseOperations.integer_field_ranges:
        low, high = BaseDatabaseOperations.integer_field_ranges[kind_of_field]
        minimum = low if column.minimum is None else max(low, column.minimum)
        maximum = high if column.maximum is None else min(high, column.maximum)
        return replace(column, minimum=minimum, maximum=maximum)
    if isinstance(column, Amount) and isinstance(model_field, models.DecimalField) and model_field.max_digits:
        return replace(column, max_digits=model_field.max_digits)
    return column


def kind_of(slug: str) -> RecordKind:
    try:
        return _kinds[slug]
    except KeyError:
        raise Http404 from None


def kind_for_model(model: type[models.Model]) -> RecordKind | None:
    return next((k for k in _kinds.values() if k.model is model), None)


def all_kinds() -> list[RecordKind]:
    return list(_kinds.values())
