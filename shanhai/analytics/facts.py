"""Keeping the fact table in step with the records (architecture §4).

A *fact source* says, for one model, which fact rows a record contributes (``rows``) and how to
derive all of them at once with set-based SQL (``rebuild``). Services call
:func:`rows_for` before and after a change and hand both lists to :func:`apply`, inside the
record's transaction. ``rebuild_facts`` re-derives the whole table from the records; a test asserts
that both paths give the same table.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

from django.db import connection, models
from django.db.models import F, OuterRef, Subquery
from django.db.models.expressions import Combinable
from django.db.models.functions import Coalesce

from shanhai.analytics.models import ROLLUP_LEVELS, Fact, FactRollup
from shanhai.analytics.registry import Metric
from shanhai.core.models import OrgUnit

if TYPE_CHECKING:
    from django.db.backends.base.base import BaseDatabaseWrapper
    from django.db.models.sql.compiler import SQLCompiler, _AsSqlType

ANCESTOR_COLUMNS = ("anc_1", "anc_2", "anc_3", "anc_4", "anc_5", "anc_6")
#: The columns every rebuild queryset must select, as annotations with these names.
REBUILD_COLUMNS = ("f_metric", "f_org_unit", "f_programme", "f_partnership", "f_month", "f_value")


@dataclass(frozen=True)
class FactRow:
    metric: Metric
    org_unit_id: int
    month: int
    value: float = 1.0
    partnership_id: int = 0
    programme_id: int = 0


Record = TypeVar("Record", bound=models.Model)


@dataclass(frozen=True)
class FactSource(Generic[Record]):
    model: type[Record]
    rows: Callable[[Record], list[FactRow]]
    rebuild: Callable[[], Iterable[models.QuerySet[models.Model]]]
    name: str
    #: False for sources whose owning app applies the rows itself (rows that depend on other
    #: records, e.g. a pregnancy's outcome flags): :func:`rows_for` then leaves them out.
    automatic: bool = True


_sources: list[FactSource[Any]] = []


def register_source(
    model: type[Record],
    *,
    rows: Callable[[Record], list[FactRow]],
    rebuild: Callable[[], Iterable[models.QuerySet[models.Model]]],
    automatic: bool = True,
) -> FactSource[Record]:
    source = FactSource(
        model=model, rows=rows, rebuild=rebuild, name=f"{model._meta.label}:{rows.__name__}", automatic=automatic
    )
    if all(s.name != source.name for s in _sources):
        _sources.append(source)
    return source


def sources() -> list[FactSource[Any]]:
    return list(_sources)


def rows_for(obj: models.Model) -> list[FactRow]:
    """Every fact row the record contributes now (empty for an unsaved record)."""
    if obj.pk is None:
        return []
    return [
        row for source in _sources if source.automatic and isinstance(obj, source.model) for row in source.rows(obj)
    ]


#: A fact cell's key: (metric id, org unit id, partnership id, month).
CellKey = tuple[int, int, int, int]
#: An org unit's ancestor ids by column (``anc_1`` … ``anc_6``; None below its own level).
Ancestors = dict[str, int | None]


@dataclass
class _Change:
    """What a write adds to one cell: to its value and its record count, and the programme credited."""

    value: float = 0.0
    count: int = 0
    programme: int = 0


def apply(before: Iterable[FactRow], after: Iterable[FactRow]) -> int:
    """Subtract ``before`` and add ``after`` with one upsert per changed cell; returns cells touched."""
    cells: dict[CellKey, _Change] = defaultdict(_Change)
    for sign, rows in ((-1, before), (1, after)):
        for row in rows:
            cell = cells[(row.metric.id, row.org_unit_id, row.partnership_id, row.month)]
            cell.value += sign * row.value
            cell.count += sign
            if sign == 1 or not cell.programme:
                cell.programme = row.programme_id
    changed = {key: cell for key, cell in cells.items() if cell.value != 0 or cell.count != 0}
    if not changed:
        return 0
    ancestors: dict[int, Ancestors] = {
        unit["id"]: unit
        for unit in OrgUnit.objects.filter(id__in={key[1] for key in changed}).values("id", *ANCESTOR_COLUMNS)
    }
    table = connection.ops.quote_name(Fact._meta.db_table)
    columns = (
        "metric",
        "org_unit_id",
        *ANCESTOR_COLUMNS,
        "programme_id",
        "partnership_id",
        "month",
        "value",
        "record_count",
    )
    # Only quoted identifiers are formatted in; every value is a parameter.
    sql = (
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))}) "  # noqa: S608
        "ON CONFLICT (metric, org_unit_id, partnership_id, month) DO UPDATE SET "
        f"value = {table}.value + excluded.value, record_count = {table}.record_count + excluded.record_count, "
        "programme_id = excluded.programme_id"
    )
    params = [
        (
            metric,
            org_unit,
            *(ancestors[org_unit][c] for c in ANCESTOR_COLUMNS),
            cell.programme,
            partnership,
            month,
            cell.value,
            cell.count,
        )
        for (metric, org_unit, partnership, month), cell in changed.items()
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
    _drop_emptied(Fact, ("metric", "org_unit_id", "partnership_id", "month"), changed)
    _apply_rollup(changed, ancestors)
    return len(changed)


@dataclass
class _RollupChange(_Change):
    """What a write adds to one roll-up cell, with the ancestors of the unit it was first reached from
    (the same above the cell's level for every unit under it)."""

    unit: Ancestors = field(default_factory=dict)


def _apply_rollup(changed: dict[CellKey, _Change], ancestors: dict[int, Ancestors]) -> None:
    """The roll-up's side of :func:`apply`: each changed fact cell also changes the cells of its
    ancestors at the roll-up levels (one upsert statement; rows at 0 records are deleted)."""
    cells: dict[tuple[int, int, int, int, int], _RollupChange] = {}
    for (metric, org_unit, partnership, month), change in changed.items():
        unit = ancestors[org_unit]
        for level in ROLLUP_LEVELS:
            anc = unit[f"anc_{level}"]
            if anc is None:
                continue
            cell = cells.setdefault(
                (metric, level, anc, partnership, month), _RollupChange(programme=change.programme, unit=unit)
            )
            cell.value += change.value
            cell.count += change.count
    changed_cells = {key: cell for key, cell in cells.items() if cell.value != 0 or cell.count != 0}
    if not changed_cells:
        return
    table = connection.ops.quote_name(FactRollup._meta.db_table)
    columns = (
        "metric",
        "level",
        "unit_id",
        *ANCESTOR_COLUMNS,
        "programme_id",
        "partnership_id",
        "month",
        "value",
        "record_count",
    )
    # Only quoted identifiers are formatted in; every value is a parameter.
    sql = (
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))}) "  # noqa: S608
        "ON CONFLICT (metric, level, unit_id, partnership_id, month) DO UPDATE SET "
        f"value = {table}.value + excluded.value, record_count = {table}.record_count + excluded.record_count, "
        "programme_id = excluded.programme_id"
    )
    params = [
        (
            metric,
            level,
            unit_id,
            *(cell.unit[f"anc_{k}"] if k <= level else None for k in range(1, len(ANCESTOR_COLUMNS) + 1)),
            cell.programme,
            partnership,
            month,
            cell.value,
            cell.count,
        )
        for (metric, level, unit_id, partnership, month), cell in changed_cells.items()
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
    _drop_emptied(FactRollup, ("metric", "level", "unit_id", "partnership_id", "month"), changed_cells)


def _drop_emptied(model: type[Fact] | type[FactRollup], key: tuple[str, ...], changed: Mapping[Any, _Change]) -> None:
    """Delete the cells a change left at no record: only cells whose record count went down can be, so a write
    that only adds (every create) deletes nothing, and the others are deleted by their unique key (filtering on
    some key columns only read every row of the metric: a quarter of ``load_demo``'s facts time)."""
    emptied = [cell_key for cell_key, cell in changed.items() if cell.count < 0]
    if not emptied:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    # Only quoted identifiers are formatted in; every value is a parameter.
    sql = f"DELETE FROM {table} WHERE {' AND '.join(f'{c} = %s' for c in key)} AND record_count <= 0"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.executemany(sql, emptied)


def rebuild_rollup(units: dict[int, set[int]] | None = None) -> None:
    """Re-derive the roll-up from the facts with one ``INSERT … SELECT … GROUP BY`` per level:
    entirely, or only the rows of ``units`` (level → unit ids)."""
    table = connection.ops.quote_name(FactRollup._meta.db_table)
    fact_table = connection.ops.quote_name(Fact._meta.db_table)
    if units is None:
        FactRollup.objects.all().delete()
    for level in ROLLUP_LEVELS:
        anc = f"anc_{level}"
        condition, params = f"{anc} IS NOT NULL", []
        if units is not None:
            ids = sorted(units.get(level, ()))
            if not ids:
                continue
            FactRollup.objects.filter(level=level, unit_id__in=ids).delete()
            condition, params = f"{anc} IN ({', '.join(['%s'] * len(ids))})", ids
        copied = [f"MAX(anc_{k})" if k < level else (anc if k == level else "NULL") for k in range(1, 7)]
        sql = (
            f"INSERT INTO {table} (metric, level, unit_id, {', '.join(ANCESTOR_COLUMNS)}, programme_id, "  # noqa: S608
            "partnership_id, month, value, record_count) "
            f"SELECT metric, {level}, {anc}, {', '.join(copied)}, MAX(programme_id), partnership_id, month, "
            f"SUM(value), SUM(record_count) FROM {fact_table} WHERE {condition} "
            f"GROUP BY metric, {anc}, partnership_id, month"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)


def repoint_partnership(partnership_id: int, programme_id: int | None) -> None:
    """A partnership moved to another programme: its records' facts (and their roll-up) follow."""
    Fact.objects.filter(partnership_id=partnership_id).update(programme_id=programme_id or 0)
    FactRollup.objects.filter(partnership_id=partnership_id).update(programme_id=programme_id or 0)


def refresh_ancestors(subtree_path: str) -> int:
    """After a subtree moved, copy the new ancestor ids of its units onto their facts, and
    re-derive the roll-up rows of every unit at a roll-up level above or in the subtree, before
    and after the move."""
    units = OrgUnit.objects.filter(path__startswith=subtree_path)
    moved = Fact.objects.filter(org_unit_id__in=units.values("id"))
    columns = [f"anc_{level}" for level in ROLLUP_LEVELS]
    affected: dict[int, set[int]] = defaultdict(set)

    def collect() -> None:
        for row in moved.order_by().values_list(*columns).distinct():
            for level, unit_id in zip(ROLLUP_LEVELS, row, strict=True):
                if unit_id is not None:
                    affected[level].add(unit_id)

    collect()
    own = OrgUnit.objects.filter(id=OuterRef("org_unit_id"))
    count = moved.update(**{column: Subquery(own.values(column)[:1]) for column in ANCESTOR_COLUMNS})
    collect()
    rebuild_rollup(affected)
    return count


def rebuild() -> int:
    """Re-derive the whole fact table from the records with set-based SQL; returns row count.

    Per rebuild queryset, one statement: the records are grouped on the four key columns first (no
    ORDER BY: a model's default ordering would sort every record for nothing), then the narrow result
    is joined to the units for the ancestor columns. Then the roll-up is re-derived from the facts
    (:func:`rebuild_rollup`). At the end the planner's statistics are refreshed,
    since the tables were rewritten wholesale (bench/README.md has the figures at 10 million records).
    """
    table = connection.ops.quote_name(Fact._meta.db_table)
    units = connection.ops.quote_name(OrgUnit._meta.db_table)
    Fact.objects.all().delete()
    for source in _sources:
        for queryset in source.rebuild():
            inner, params = queryset.order_by().values(*REBUILD_COLUMNS).query.sql_with_params()
            sql = (
                f"INSERT INTO {table} (metric, org_unit_id, {', '.join(ANCESTOR_COLUMNS)}, programme_id, "  # noqa: S608
                "partnership_id, month, value, record_count) "
                f"SELECT s.f_metric, s.f_org_unit, {', '.join('u.' + c for c in ANCESTOR_COLUMNS)}, s.f_programme, "
                "s.f_partnership, s.f_month, s.f_sum, s.f_count "
                "FROM (SELECT r.f_metric, r.f_org_unit, MAX(r.f_programme) AS f_programme, r.f_partnership, "
                "r.f_month, SUM(r.f_value) AS f_sum, COUNT(*) AS f_count "
                f"FROM ({inner}) r GROUP BY r.f_metric, r.f_org_unit, r.f_partnership, r.f_month) s "
                f"JOIN {units} u ON u.id = s.f_org_unit WHERE 1 = 1 "
                f"ON CONFLICT (metric, org_unit_id, partnership_id, month) DO UPDATE SET "
                f"value = {table}.value + excluded.value, record_count = {table}.record_count + excluded.record_count"
            )
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
    rebuild_rollup()
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {table}")
        cursor.execute(f"ANALYZE {connection.ops.quote_name(FactRollup._meta.db_table)}")
    return Fact.objects.count()


# --- helpers for sources ----------------------------------------------------------------------
class MonthNumber(models.Func):
    """``YYYYMM`` of a date column, optionally shifted by whole months; same SQL shape on both DBs
    (never Django's TruncMonth, a Python function on SQLite)."""

    output_field = models.IntegerField()

    def __init__(self, expression: str | Combinable, shift: int = 0) -> None:
        super().__init__(expression)
        self.shift = shift

    def as_sqlite(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra_context: Any) -> _AsSqlType:
        sql, params = compiler.compile(self.source_expressions[0])
        if self.shift:
            sql = f"date({sql}, 'start of month', '{self.shift:+d} month')"
        return f"CAST(strftime('%%Y%%m', {sql}) AS INTEGER)", params

    def as_postgresql(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra_context: Any) -> _AsSqlType:
        sql, params = compiler.compile(self.source_expressions[0])
        if self.shift:
            sql = f"(({sql})::date + interval '{self.shift} month')"
        return f"CAST(to_char({sql}, 'YYYYMM') AS INTEGER)", params

    def as_sql(
        self,
        compiler: SQLCompiler,
        connection: BaseDatabaseWrapper,
        function: str | None = None,
        template: str | None = None,
        arg_joiner: str | None = None,
        **extra_context: Any,
    ) -> _AsSqlType:
        """Other vendors: PostgreSQL's form (``function``/``template``/``arg_joiner`` do not apply)."""
        return self.as_postgresql(compiler, connection, **extra_context)


def metric_value(metric: Metric) -> models.Value:
    return models.Value(metric.id, output_field=models.IntegerField())


def one() -> models.Value:
    return models.Value(1.0, output_field=models.FloatField())


def coalesce_zero(field: str) -> models.expressions.Combinable:
    return Coalesce(F(field), models.Value(0), output_field=models.BigIntegerField())


class CreditedRecord(Protocol):
    """What a record is credited to (a partnership): its id and its programme's, if any."""

    @property
    def pk(self) -> int: ...

    @property
    def programme_id(self) -> int | None: ...


def credit(partnership: CreditedRecord | None) -> dict[str, int]:
    """The ``partnership_id``/``programme_id`` of a :class:`FactRow` credited to ``partnership``
    (0 for none, and a programme of 0 for a partnership outside any programme)."""
    if partnership is None:
        return {"partnership_id": 0, "programme_id": 0}
    return {"partnership_id": partnership.pk, "programme_id": partnership.programme_id or 0}


def rebuild_credit(
    *, unit: str, partnership: str | None = "partnership", value: Combinable | None = None
) -> dict[str, Combinable]:
    """The ``f_org_unit``, ``f_programme``, ``f_partnership`` and ``f_value`` annotations of a rebuild
    queryset, the set-based counterpart of :func:`credit`.

    ``unit`` is the ORM path of the unit's id column (``"host_id"``, ``"posting__host_id"``);
    ``partnership`` the ORM path of the record's partnership (``""``: the record is the partnership,
    ``None``: the record is credited to none, so 0 for both); ``value`` the ``f_value`` expression
    (default: 1.0 per record).
    """
    columns: dict[str, Combinable] = {"f_org_unit": F(unit)}
    if partnership is None:
        columns["f_programme"] = models.Value(0, output_field=models.IntegerField())
        columns["f_partnership"] = models.Value(0, output_field=models.BigIntegerField())
    elif partnership == "":
        columns["f_programme"] = coalesce_zero("programme_id")
        columns["f_partnership"] = F("id")
    else:
        columns["f_programme"] = coalesce_zero(f"{partnership}__programme_id")
        columns["f_partnership"] = coalesce_zero(f"{partnership}_id")
    columns["f_value"] = one() if value is None else value
    return columns
