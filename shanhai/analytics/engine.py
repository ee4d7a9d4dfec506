"""The indicator engine: one way to compute every registered indicator for any scope and period.

Additive terms read only the fact table (one grouped query for all requested indicators);
measures run their declared record query. Unknown is not zero: a value with no data behind it
comes back as "not reported".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from typing import Any, Literal, NamedTuple
from urllib.parse import urlencode

from django.db.models import Case, Count, F, FloatField, IntegerField, Max, Min, Q, QuerySet, Sum, When
from django.db.models import Value as V
from django.urls import reverse
from django.utils.translation import gettext as _

from shanhai.analytics.models import ROLLUP_LEVELS, Fact, FactCell, FactRollup
from shanhai.analytics.registry import (
    Closing,
    Credited,
    Flow,
    Indicator,
    Measure,
    Metric,
    Negate,
    Opening,
    RecordSet,
    Term,
    registry,
)
from shanhai.analytics.registry import Sum as TermSum
from shanhai.core import clock
from shanhai.core.models import OrgUnit
from shanhai.core.periods import Period, month_of, parse_period, year_containing


@dataclass(frozen=True)
class Scope:
    """Where an indicator is computed: an org-unit subtree, a programme, a partnership, or an
    intersection of them. ``side`` says whose subtree the org unit selects: the recipients
    (records owned in the subtree, the default) or the supporters (records credited to
    partnerships whose supporter is in the subtree)."""

    org_unit: OrgUnit | None = None
    programme: Credited | None = None
    partnership: Credited | None = None
    side: Literal["recipient", "supporter"] = "recipient"
    #: The areas (apps) whose indicators the scope opens; None: every one. A region opened to a user for some of
    #: its figures only (an MCH institution's 辖区: ``accounts.scoping.UserScope.figures_at``) gives the others as
    #: withheld, computing nothing (``IndicatorValue.withheld``).
    apps: frozenset[str] | None = None

    def opens(self, indicator: Indicator) -> bool:
        return self.apps is None or indicator.app in self.apps

    @property
    def label(self) -> str:
        parts = []
        if self.org_unit is not None:
            parts.append(self.org_unit.name + (_(" (supporting side)") if self.side == "supporter" else ""))
        if self.programme is not None:
            parts.append(str(self.programme))
        if self.partnership is not None:
            parts.append(str(self.partnership))
        return " / ".join(parts) or _("All")

    def as_params(self) -> dict[str, str]:
        """The scope as query parameters (as the API's values endpoint and the evidence page take them)."""
        params: dict[str, str] = {}
        if self.org_unit is not None:
            params["org"] = self.org_unit.code
            if self.side != "recipient":
                params["side"] = self.side
        if self.programme is not None:
            params["programme"] = str(self.programme.pk)
        if self.partnership is not None:
            params["partnership"] = str(self.partnership.pk)
        return params

    def fact_filter(self) -> Q:
        """The facts of the scope (a filter over :class:`Fact`)."""
        condition = Q()
        if self.org_unit is not None:
            if self.side == "supporter":
                condition &= Q(partnership_id__in=registry.credit.supported_from(self.org_unit.path))
            else:
                condition &= Q(**{f"anc_{self.org_unit.level}": self.org_unit.id})
        if self.programme is not None:
            condition &= Q(programme_id=self.programme.pk)
        if self.partnership is not None:
            condition &= Q(partnership_id=self.partnership.pk)
        return condition

    def record_filter(self, *, unit: str, partnership: str | None = "partnership") -> Q:
        """The records of the scope, the records-side counterpart of :meth:`fact_filter`: a measure
        that filters its records with it selects exactly the records whose facts the scope counts.

        ``unit`` is the ORM path from the record to its recipient-side unit (the unit its facts sit
        on, e.g. ``"host"``); ``partnership`` the path to the partnership it is credited to
        (``""``: the record is the partnership itself; ``None``: it has none, so a supporting-side,
        programme or partnership scope selects nothing). Recipient side: the unit is in the org
        unit's subtree; supporting side: the partnership's supporter is.
        """
        nothing = Q(pk__in=[])
        prefix = f"{partnership}__" if partnership else ""
        condition = Q()
        if self.org_unit is not None:
            if self.side == "supporter":
                if partnership is None:
                    return nothing
                condition &= Q(**{f"{prefix}supporter__path__startswith": self.org_unit.path})
            else:
                condition &= Q(**{f"{unit}__path__startswith": self.org_unit.path})
        if self.programme is not None:
            if partnership is None:
                return nothing
            condition &= Q(**{f"{prefix}programme": self.programme})
        if self.partnership is not None:
            if partnership is None:
                return nothing
            condition &= Q(**{partnership: self.partnership}) if partnership else Q(pk=self.partnership.pk)
        return condition


@dataclass
class IndicatorValue:
    code: str
    name: str
    scope: str
    period: str
    numerator: float | None
    denominator: float | None
    value: float | None
    unit: str
    decimals: int
    is_reported: bool
    #: The scope as query parameters (``Scope.as_params()``): what a link to the evidence needs.
    evidence_params: dict[str, str] = field(default_factory=dict, repr=False)
    #: Not open to the user in this scope (``Scope.apps``): nothing was computed.
    withheld: bool = False

    @property
    def display(self) -> str:
        if self.withheld:
            return "—"
        if not self.is_reported or self.value is None:
            return str(_("not reported"))
        return f"{self.value:,.{self.decimals}f}{self.unit if self.unit in {'%', '‰'} else ''}"

    @property
    def evidence_url(self) -> str:
        """The page listing the records behind this value (same indicator, scope and period);
        empty when the value is not reported or its scope is unknown."""
        if not self.is_reported or not self.evidence_params:
            return ""
        query = urlencode({"indicator": self.code, "period": self.period, **self.evidence_params})
        return f"{reverse('portal:evidence')}?{query}"

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("evidence_params")
        data["display"] = self.display
        return data


@dataclass
class _Cell:
    flow: float = 0.0
    opening: float = 0.0
    closing: float = 0.0
    flow_rows: int = 0
    opening_rows: int = 0
    closing_rows: int = 0
    #: The first month the scope kept records of the metric's kind (``Metric.source``), when it matters:
    #: from then on a month without facts is 0, not "not reported".
    kept_since: int | None = None

    def known(self, rows: int, *, before: int) -> bool:
        """Whether a sum over ``rows`` fact rows is known: it has rows, or records were kept before ``before``."""
        return rows > 0 or (self.kept_since is not None and self.kept_since < before)


def _metrics(term: Term) -> set[Metric]:
    if isinstance(term, Flow | Opening | Closing):
        return {term.metric}
    if isinstance(term, TermSum):
        return set().union(*(_metrics(t) for t in term.parts))
    if isinstance(term, Negate):
        return _metrics(term.term)
    return set()


def _stocks(indicators: Iterable[Indicator]) -> set[Metric]:
    """The metrics some indicator reads as a stock (``Opening``/``Closing``): only these need the
    months before the period; a flow-only question reads the period's months alone."""

    def walk(term: Term | None) -> set[Metric]:
        if isinstance(term, Opening | Closing):
            return {term.metric}
        if isinstance(term, TermSum):
            return set().union(*(walk(t) for t in term.parts))
        if isinstance(term, Negate):
            return walk(term.term)
        return set()

    return set().union(*(walk(i.numerator) | walk(i.denominator) for i in indicators))


def _history(metrics: set[Metric], stocks: set[Metric], period: Period) -> Q:
    """The months to read: up to the period's end, from its start except for stock metrics."""
    wanted = Q(month__gte=period.first_month)
    stock_ids = sorted(m.id for m in metrics & stocks)
    if stock_ids:
        wanted |= Q(metric__in=stock_ids)
    return Q(metric__in=sorted(m.id for m in metrics), month__lte=period.last_month) & wanted


class FactSource(NamedTuple):
    """Where :func:`fact_source` says to read: ``queryset`` (the scope applied), ``column`` (names a
    row's key; None for the scope's totals alone) and, for roll-up rows, which ``level`` of the rows
    read adds up to the whole scope (``total_level``) and which to the rows (``row_level``); both None
    when every row read adds up to the whole scope and, by ``column``, to its row."""

    queryset: QuerySet[FactCell]
    column: str | None = None
    total_level: int | None = None
    row_level: int | None = None


def fact_source(scope: Scope, units: Sequence[OrgUnit] | None = None) -> FactSource:
    """Where additive terms are read: the ONE place that chooses between :class:`Fact` and the region
    roll-up :class:`FactRollup` (same sums, and a roll-up row exists iff a fact under it does).

    - ``units`` None — the scope's totals. Roll-up when the scope is recipient-side and its org unit
      is a region at a roll-up level (``level`` = its level, ``unit_id`` = it), or when there is no org
      unit (``level`` = 1: every fact sits under exactly one level-1 unit).
    - ``units`` (rows, all of one level L) — roll-up when, on top of that, the rows are all regions at
      a roll-up level L at or below the scope's level: one query reads ``anc_<s> = scope unit`` (no
      filter without an org unit) at ``level IN (s, L)`` (s = the scope's level, or 1): the level-s
      row is the whole scope, the level-L rows are the rows (``unit_id``). Rows that mix regions with
      institutions (a prefecture's own hospital sits at county level) read the facts, by ``anc_L``.
    - Programme and partnership filters apply on the same columns of either table. Anything else —
      the supporting side, institution scopes or rows — reads :class:`Fact` with ``scope.fact_filter()``.
    """
    unit = scope.org_unit
    if unit is None:
        eligible, level = True, 1
    else:
        eligible, level = scope.side == "recipient" and unit.is_region and unit.level in ROLLUP_LEVELS, unit.level
    condition = Q()
    if scope.programme is not None:
        condition &= Q(programme_id=scope.programme.pk)
    if scope.partnership is not None:
        condition &= Q(partnership_id=scope.partnership.pk)
    if units is None:
        if eligible:
            where = Q(level=1) if unit is None else Q(level=unit.level, unit_id=unit.pk)
            return FactSource(FactRollup.objects.filter(where & condition))
        return FactSource(Fact.objects.filter(scope.fact_filter()))
    row_levels = {u.level for u in units}
    if len(row_levels) != 1:
        raise ValueError("rows of one level at a time")
    row_level = row_levels.pop()
    if eligible and level <= row_level and row_level in ROLLUP_LEVELS and all(u.is_region for u in units):
        where = Q(level__in={level, row_level}) & (Q() if unit is None else Q(**{f"anc_{level}": unit.pk}))
        return FactSource(FactRollup.objects.filter(where & condition), "unit_id", level, row_level)
    return FactSource(Fact.objects.filter(scope.fact_filter()), f"anc_{row_level}")


def counted_records(
    code: str,
    name: Any,
    kind: str,
    records: Callable[[], QuerySet[Any]],
    *,
    date: str,
    unit: str,
    partnership: str | None = "partnership",
    condition: Q | None = None,
    stock_end: str | None = None,
    note: Any = "",
) -> Measure:
    """A measure counting the records of ``kind`` (``records()``) in the scope whose ``date`` falls in the period
    and that meet ``condition`` — or, with ``stock_end``, that are in force at some time in the period (``date`` on
    or before its end, ``stock_end`` empty or on or after its start: as ``Closing(started) − Opening(ended)``). Zero versus unknown as for metrics: 0 once the scope keeps such
    records (any of the kind dated up to the period's end), not reported before. The records are its evidence."""

    def kept(scope: Scope, period: Period) -> QuerySet[Any]:
        return records().filter(scope.record_filter(unit=unit, partnership=partnership), **{f"{date}__lte": period.end})

    def wanted(period: Period) -> Q:
        if stock_end is None:
            return Q(**{f"{date}__gte": period.start}) & (condition or Q())
        return (Q(**{f"{stock_end}__isnull": True}) | Q(**{f"{stock_end}__gte": period.start})) & (condition or Q())

    def query(scope: Scope, period: Period) -> tuple[float, bool]:
        # One query: how many such records the scope keeps up to the period's end, and how many are counted.
        found = kept(scope, period).aggregate(kept=Count("pk"), chosen=Count("pk", filter=wanted(period)))
        return float(found["chosen"]), found["kept"] > 0

    def evidence(scope: Scope, period: Period) -> RecordSet:
        return RecordSet(kind, kept(scope, period).filter(wanted(period)), note=note)

    return Measure(code, name, query, evidence=evidence)


def keeps_records(scope: Scope, kind: str) -> bool:
    """Whether the scope has any fact from records of the kind (``Metric.source``): it keeps such records."""
    return fact_source(scope).queryset.filter(metric__in=registry.source_metric_ids(kind)).exists()


def latest_month_with_data(scope: Scope, *, today: date | None = None) -> int | None:
    """The last month up to ``today``'s with any fact in the scope (one query, read where :func:`fact_source`
    says), or None when the scope has none."""
    last = month_of(today or clock.today())
    latest: int | None = fact_source(scope).queryset.filter(month__lte=last).aggregate(latest=Max("month"))["latest"]
    return latest


def latest_period_with_data(
    *scopes: Scope, kind: Literal["year", "mch_year"] = "year", today: date | None = None
) -> Period:
    """The year (or MCH year) holding the latest month with facts in any of the scopes — the period a first
    screen opens on, so that it shows numbers; this year (or MCH year) when none of them has any."""
    months = [month for scope in scopes if (month := latest_month_with_data(scope, today=today)) is not None]
    return year_containing(max(months) if months else month_of(today or clock.today()), kind)


def _fact_cells(metrics: set[Metric], stocks: set[Metric], scope: Scope, period: Period) -> dict[int, _Cell]:
    if not metrics:
        return {}
    first = period.first_month
    source = fact_source(scope)
    rows = (
        source.queryset.filter(_history(metrics, stocks, period))
        .values("metric")
        .annotate(
            flow=Sum(Case(When(month__gte=first, then="value"), default=V(0.0), output_field=FloatField())),
            opening=Sum(Case(When(month__lt=first, then="value"), default=V(0.0), output_field=FloatField())),
            closing=Sum("value"),
            flow_rows=Count(Case(When(month__gte=first, then=V(1)), output_field=IntegerField())),
            opening_rows=Count(Case(When(month__lt=first, then=V(1)), output_field=IntegerField())),
            closing_rows=Count("id"),
        )
        .order_by()
    )
    cells = {row.pop("metric"): _Cell(**row) for row in rows}
    missing = {m for m in metrics if m.absent_means_zero and not cells.get(m.id, _Cell()).flow_rows}
    # A metric of the same record kind read with facts already shows the kind is kept: no query needed.
    seen: dict[str | None, int] = {}
    for metric in metrics:
        cell = cells.get(metric.id)
        if cell is not None and metric.source is not None and cell.closing_rows:
            month = first - 1 if cell.opening_rows else period.last_month
            seen[metric.source] = min(seen.get(metric.source, month), month)
    unknown = {m for m in missing if m.source not in seen}
    since = _kept_since(unknown, source, period) if unknown else {}
    for metric in missing:
        cells.setdefault(metric.id, _Cell()).kept_since = seen.get(metric.source, since.get((metric.source, None)))
    return cells


def _kept_seen(
    metrics: set[Metric], sums: dict[tuple[int, GridKey, int], tuple[float, int]], period: Period
) -> dict[tuple[str | None, GridKey], int]:
    """What the sums already read show of :func:`_kept_since`: the first month bucket with facts of each record
    kind, per row (a month before the period counts as the month before it)."""
    by_id = {m.id: m.source for m in metrics if m.source is not None}
    seen: dict[tuple[str | None, GridKey], int] = {}
    for (metric_id, key, bucket), (_total, count) in sums.items():
        if count and metric_id in by_id:
            month = bucket or period.first_month - 1
            at = (by_id[metric_id], key)
            seen[at] = min(seen.get(at, month), month)
    return seen


def _kept_since(metrics: set[Metric], source: FactSource, period: Period) -> dict[tuple[str | None, GridKey], int]:
    """(record kind, row key) → the first month up to the period's end with a fact of that kind (any metric
    whose ``source`` it is) in the scope (key None) and each row of ``source`` — from then on the scope keeps
    such records, so a month without facts of ``metrics`` is 0. One grouped query, read like the sums."""
    kinds = {m.source for m in metrics if m.source is not None}
    by_metric = {metric_id: kind for kind in kinds for metric_id in registry.source_metric_ids(kind)}
    if not by_metric:
        return {}
    column, total_level, row_level = source.column, source.total_level, source.row_level
    levels = total_level is not None
    fields = ["metric", *([column] if column else []), *(["level"] if levels else [])]
    rows = (
        source.queryset.filter(metric__in=sorted(by_metric), month__lte=period.last_month)
        .values(*fields)
        .annotate(first=Min("month"))
        .order_by()
    )
    since: dict[tuple[str | None, GridKey], int] = {}
    for row in rows:
        targets: list[GridKey] = []
        if not levels or row["level"] == total_level:
            targets.append(None)
        if column and row[column] and (not levels or row["level"] == row_level):
            targets.append(row[column])
        for key in targets:
            at = (by_metric[row["metric"]], key)
            since[at] = min(since.get(at, row["first"]), row["first"])
    return since


def _evaluate(term: Term, cells: dict[int, _Cell], scope: Scope, period: Period) -> tuple[float, bool]:
    after_end = period.last_month + 1
    if isinstance(term, Flow):
        cell = cells.get(term.metric.id, _Cell())
        return cell.flow, cell.known(cell.flow_rows, before=after_end)
    if isinstance(term, Opening):
        cell = cells.get(term.metric.id, _Cell())
        return cell.opening, cell.known(cell.opening_rows, before=period.first_month)
    if isinstance(term, Closing):
        cell = cells.get(term.metric.id, _Cell())
        return cell.closing, cell.known(cell.closing_rows, before=after_end)
    if isinstance(term, Negate):
        value, has_data = _evaluate(term.term, cells, scope, period)
        return -value, has_data
    if isinstance(term, TermSum):
        results = [_evaluate(part, cells, scope, period) for part in term.parts]
        return sum(v for v, _h in results), any(h for _v, h in results)
    if isinstance(term, Measure):
        return term.query(scope, period)
    raise TypeError(f"unknown term {term!r}")


def _chosen(indicators: Iterable[Indicator | str], scope: Scope) -> tuple[list[Indicator], set[Metric]]:
    """The indicators asked for, and the metrics of those the scope opens."""
    chosen = [registry.get(i) if isinstance(i, str) else i for i in indicators]
    metrics: set[Metric] = set()
    for indicator in filter(scope.opens, chosen):
        metrics |= _metrics(indicator.numerator)
        if indicator.denominator is not None:
            metrics |= _metrics(indicator.denominator)
    return chosen, metrics


def evaluate(indicators: Iterable[Indicator | str], scope: Scope, period: Period) -> list[IndicatorValue]:
    """Compute each indicator for one scope and period (one fact query for all of them)."""
    chosen, metrics = _chosen(indicators, scope)
    cells = _fact_cells(metrics, _stocks(list(filter(scope.opens, chosen))), scope, period)
    return [_value(indicator, cells, scope, period) for indicator in chosen]


def _value(indicator: Indicator, cells: dict[int, _Cell], scope: Scope, period: Period) -> IndicatorValue:
    """One indicator from the fact cells of its scope and period (measures query their records); withheld, with
    nothing computed, where the scope does not open it."""
    withheld = not scope.opens(indicator)
    numerator, denominator, value, is_reported = (
        (None, None, None, False) if withheld else _numbers(indicator, cells, scope, period)
    )
    return IndicatorValue(
        code=indicator.code,
        name=indicator.name(),
        scope=scope.label,
        period=period.code,
        numerator=numerator,
        denominator=denominator,
        value=value,
        unit=indicator.unit(),
        decimals=indicator.decimals,
        is_reported=is_reported,
        evidence_params={} if withheld else scope.as_params(),
        withheld=withheld,
    )


def _numbers(
    indicator: Indicator, cells: dict[int, _Cell], scope: Scope, period: Period
) -> tuple[float | None, float | None, float | None, bool]:
    """Numerator, denominator, value and whether it is reported (none of them when nothing was reported)."""
    denominator: float | None = None
    has_denominator = True
    num, den = indicator.numerator, indicator.denominator
    if isinstance(num, Measure) and isinstance(den, Measure) and num.together and num.together is den.together:
        (numerator, has_numerator), (denominator, has_denominator) = num.together(scope, period)
    else:
        numerator, has_numerator = _evaluate(num, cells, scope, period)
        if den is not None:
            denominator, has_denominator = _evaluate(den, cells, scope, period)
    if not (has_numerator or (indicator.denominator is not None and has_denominator)):
        return None, None, None, False
    value: float | None
    if denominator is None:
        value = numerator * indicator.factor
    elif denominator == 0:
        value = None
    else:
        value = numerator / denominator * indicator.factor
    if value is not None:
        value = round(value, indicator.decimals)
    return numerator, denominator, value, value is not None


# --- grids: one scope broken down by unit, programme or partnership, and by month ---------------------
GridKey = int | None


@dataclass(frozen=True)
class GridRow:
    key: int
    label: str
    code: str


@dataclass
class Grid:
    """Values of several indicators over rows (units, programmes or partnerships) × months.
    ``get(code)`` is the whole scope and period; ``key``/``month`` select a row and a month."""

    indicators: list[Indicator]
    rows: list[GridRow]
    months: list[int]
    values: dict[tuple[str, GridKey, int | None], IndicatorValue]

    def get(self, code: str, key: GridKey = None, month: int | None = None) -> IndicatorValue:
        return self.values[(code, key, month)]

    def row_values(self, code: str, month: int | None = None) -> list[tuple[GridRow, IndicatorValue]]:
        return [(row, self.get(code, row.key, month)) for row in self.rows]

    def series(self, code: str, key: GridKey = None) -> list[IndicatorValue]:
        return [self.get(code, key, month) for month in self.months]


def evaluate_grid(
    indicators: Iterable[Indicator | str],
    scope: Scope,
    period: Period,
    *,
    group: Literal["unit", "programme", "partnership"] | None = None,
    unit_level: int | None = None,
    units: Sequence[OrgUnit] | None = None,
    monthly: bool = False,
) -> Grid:
    """Each indicator for the whole scope and, with ``group``, for each row; with ``monthly``, for each
    month of the period too. Additive terms come from one grouped fact query per unit level (rows on
    one level — the usual case — take one query); measures run their record query per cell.

    ``group="unit"`` rows are ``units`` if given (any levels), else the units at ``unit_level``
    (default: one below the scope's org unit) in the scope's subtree — with no data they show as
    not reported — or 0 where they keep records of the kind a metric counts (``Metric.periodic``). Unit rows
    break down the recipient side only.
    """
    chosen, metrics = _chosen(indicators, scope)
    stocks = _stocks(list(filter(scope.opens, chosen)))
    rows, row_scopes, groups = _grid_rows(scope, group, unit_level, units)
    months = period.months if monthly else []
    sums: dict[tuple[int, GridKey, int], tuple[float, int]] = {}
    sources = []
    for group_rows in groups:
        # One query per unit level (or for the programme/partnership rows, or the scope alone).
        if isinstance(group_rows, list):
            source = fact_source(scope, group_rows)
        else:
            source = fact_source(scope)._replace(column=group_rows)
        sources.append(source)
        sums |= _grouped_sums(metrics, stocks, source, period, monthly=monthly)
    keys: list[GridKey] = [None, *(row.key for row in rows)]
    # Zero versus unknown: where a metric counting records has no facts in some cell, when did the scope (and
    # each row) start keeping such records? One more query per row group, only then.
    zeroable = {m for m in metrics if m.absent_means_zero}
    kept = _kept_seen(metrics, sums, period)
    buckets = months or [period.first_month]
    if any(
        (m.id, key, b) not in sums and kept.get((m.source, key), b + 1) > b
        for m in zeroable
        for key in keys
        for b in buckets
    ):
        for source in sources:
            for at, first in _kept_since(zeroable, source, period).items():
                kept[at] = min(kept.get(at, first), first)
    values: dict[tuple[str, GridKey, int | None], IndicatorValue] = {}
    for key in keys:
        row_scope = scope if key is None else row_scopes[key]
        for month in [None, *months]:
            cell_period = period if month is None else parse_period(str(month))
            cells = _cells_from_sums(metrics, sums, key, cell_period, period)
            for metric in zeroable:
                cells[metric.id].kept_since = kept.get((metric.source, key))
            for indicator in chosen:
                values[(indicator.code, key, month)] = _value(indicator, cells, row_scope, cell_period)
    return Grid(chosen, rows, months, values)


def _grid_rows(
    scope: Scope,
    group: Literal["unit", "programme", "partnership"] | None,
    unit_level: int | None,
    units: Sequence[OrgUnit] | None,
) -> tuple[list[GridRow], dict[int, Scope], list[list[OrgUnit] | str | None]]:
    """The rows, each row's own scope (for measures), and the row groups, one query each: the units
    of one level, or the column grouping programme/partnership rows (None: the scope alone)."""
    if group is None:
        return [], {}, [None]
    if group == "unit":
        if scope.side == "supporter":
            raise ValueError("unit rows break down the recipient side; use group='partnership'")
        if units is None:
            if scope.org_unit is None:
                raise ValueError("unit rows need an org-unit scope or explicit units")
            level = unit_level or scope.org_unit.level + 1
            units = list(OrgUnit.objects.filter(path__startswith=scope.org_unit.path, level=level).order_by("path"))
        rows = [GridRow(u.pk, u.name, u.code) for u in units]
        scopes = {u.pk: replace(scope, org_unit=u) for u in units}
        levels: dict[int, list[OrgUnit]] = {}
        for unit in units:
            levels.setdefault(unit.level, []).append(unit)
        return rows, scopes, [*levels.values()] or [None]
    keys = fact_source(scope).queryset.exclude(**{f"{group}_id": 0}).values(f"{group}_id")
    records = list(registry.credit.objects(group, keys))
    rows = [GridRow(r.pk, str(r), str(r.pk)) for r in records]
    if group == "programme":
        scopes = {r.pk: replace(scope, programme=r) for r in records}
    else:
        scopes = {r.pk: replace(scope, partnership=r) for r in records}
    return rows, scopes, [f"{group}_id"]


def _grouped_sums(
    metrics: set[Metric], stocks: set[Metric], source: FactSource, period: Period, *, monthly: bool
) -> dict[tuple[int, GridKey, int], tuple[float, int]]:
    """(metric, row key, month) → (sum, rows read), months before the period (stock metrics only)
    folded into month 0 and, unless ``monthly``, the period's months into its first month, from one
    grouped query over ``source`` (see :func:`fact_source`). The
    whole-scope row (key None) is added up from every row read (grouped or not), or, from the
    roll-up, from the rows at ``source.total_level``."""
    if not metrics:
        return {}
    in_period = F("month") if monthly else V(period.first_month)
    bucket = Case(When(month__lt=period.first_month, then=V(0)), default=in_period, output_field=IntegerField())
    column, total_level, row_level = source.column, source.total_level, source.row_level
    levels = total_level is not None
    fields = ["metric", "bucket", *([column] if column else []), *(["level"] if levels else [])]
    rows = (
        source.queryset.filter(_history(metrics, stocks, period))
        .annotate(bucket=bucket)
        .values(*fields)
        .annotate(total=Sum("value"), rows=Count("id"))
        .order_by()
    )
    sums: dict[tuple[int, GridKey, int], tuple[float, int]] = {}
    for row in rows:
        targets: list[GridKey] = []
        if not levels or row["level"] == total_level:
            targets.append(None)
        if column and row[column] and (not levels or row["level"] == row_level):
            targets.append(row[column])
        for key in targets:
            total, count = sums.get((row["metric"], key, row["bucket"]), (0.0, 0))
            sums[(row["metric"], key, row["bucket"])] = (total + row["total"], count + row["rows"])
    return sums


def _cells_from_sums(
    metrics: set[Metric],
    sums: dict[tuple[int, GridKey, int], tuple[float, int]],
    key: GridKey,
    cell: Period,
    period: Period,
) -> dict[int, _Cell]:
    cells = {}
    for metric in metrics:
        found = _Cell()
        for month in [0, *period.months]:
            total, count = sums.get((metric.id, key, month), (0.0, 0))
            if not count:
                continue
            if month <= cell.last_month:
                found.closing += total
                found.closing_rows += count
            if month < cell.first_month:
                found.opening += total
                found.opening_rows += count
            elif month <= cell.last_month:
                found.flow += total
                found.flow_rows += count
        cells[metric.id] = found
    return cells


def evaluate_one(indicator: Indicator | str, scope: Scope, period: Period) -> IndicatorValue:
    return evaluate([indicator], scope, period)[0]


def indicators_for(app: str | None = None, codes: Sequence[str] | None = None) -> list[Indicator]:
    chosen: list[Indicator] = list(registry.indicators.values())
    if app:
        chosen = [i for i in chosen if i.app == app]
    if codes:
        chosen = [registry.get(c) for c in codes]
    return list(chosen)
