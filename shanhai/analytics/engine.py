"""The indicator engine: one way to compute every registered indicator for any scope and period.

Additive terms read only the fact table (one grouped query for all requested indicators);
measures run their declared record query. Unknown is not zero: a value with no data behind it
comes back as "not reported".
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any, Literal

from django.apps import apps
from django.db.models import Case, Count, FloatField, IntegerField, Q, Sum, When
from django.db.models import Value as V
from django.utils.translation import gettext as _

from shanhai.analytics.models import Fact
from shanhai.analytics.registry import Closing, Flow, Indicator, Measure, Metric, Negate, Opening, Term, registry
from shanhai.analytics.registry import Sum as TermSum
from shanhai.core.models import OrgUnit
from shanhai.core.periods import Period

if TYPE_CHECKING:
    from shanhai.partnerships.models import Partnership, Programme


@dataclass(frozen=True)
class Scope:
    """Where an indicator is computed: an org-unit subtree, a programme, a partnership, or an
    intersection of them. ``side`` says whose subtree the org unit selects: the recipients
    (records owned in the subtree, the default) or the supporters (records credited to
    partnerships whose supporter is in the subtree)."""

    org_unit: OrgUnit | None = None
    programme: Programme | None = None
    partnership: Partnership | None = None
    side: Literal["recipient", "supporter"] = "recipient"

    @property
    def label(self) -> str:
        parts = []
        if self.org_unit is not None:
            parts.append(self.org_unit.name + (_(" (supporting side)") if self.side == "supporter" else ""))
        if self.programme is not None:
            parts.append(self.programme.name)
        if self.partnership is not None:
            parts.append(str(self.partnership))
        return " / ".join(parts) or _("All")

    def fact_filter(self) -> Q:
        """The facts of the scope (a filter over :class:`Fact`)."""
        condition = Q()
        if self.org_unit is not None:
            if self.side == "supporter":
                partnerships = apps.get_model("partnerships", "Partnership").objects
                ids = partnerships.filter(supporter__path__startswith=self.org_unit.path).values("id")
                condition &= Q(partnership_id__in=ids)
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

    @property
    def display(self) -> str:
        if not self.is_reported or self.value is None:
            return str(_("not reported"))
        return f"{self.value:,.{self.decimals}f}{self.unit if self.unit in {'%', '‰'} else ''}"

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
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


def _metrics(term: Term) -> set[Metric]:
    if isinstance(term, Flow | Opening | Closing):
        return {term.metric}
    if isinstance(term, TermSum):
        return set().union(*(_metrics(t) for t in term.parts))
    if isinstance(term, Negate):
        return _metrics(term.term)
    return set()


def _fact_cells(metrics: set[Metric], scope: Scope, period: Period) -> dict[int, _Cell]:
    if not metrics:
        return {}
    first = period.first_month
    rows = (
        Fact.objects.filter(scope.fact_filter(), metric__in=[m.id for m in metrics], month__lte=period.last_month)
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
    return {row.pop("metric"): _Cell(**row) for row in rows}


def _evaluate(term: Term, cells: dict[int, _Cell], scope: Scope, period: Period) -> tuple[float, bool]:
    if isinstance(term, Flow):
        cell = cells.get(term.metric.id, _Cell())
        return cell.flow, cell.flow_rows > 0
    if isinstance(term, Opening):
        cell = cells.get(term.metric.id, _Cell())
        return cell.opening, cell.opening_rows > 0
    if isinstance(term, Closing):
        cell = cells.get(term.metric.id, _Cell())
        return cell.closing, cell.closing_rows > 0
    if isinstance(term, Negate):
        value, has_data = _evaluate(term.term, cells, scope, period)
        return -value, has_data
    if isinstance(term, TermSum):
        results = [_evaluate(part, cells, scope, period) for part in term.parts]
        return sum(v for v, _h in results), any(h for _v, h in results)
    if isinstance(term, Measure):
        return term.query(scope, period)
    raise TypeError(f"unknown term {term!r}")


def evaluate(indicators: Iterable[Indicator | str], scope: Scope, period: Period) -> list[IndicatorValue]:
    """Compute each indicator for one scope and period (one fact query for all of them)."""
    chosen = [registry.get(i) if isinstance(i, str) else i for i in indicators]
    metrics: set[Metric] = set()
    for indicator in chosen:
        metrics |= _metrics(indicator.numerator)
        if indicator.denominator is not None:
            metrics |= _metrics(indicator.denominator)
    cells = _fact_cells(metrics, scope, period)
    results = []
    for indicator in chosen:
        numerator, has_numerator = _evaluate(indicator.numerator, cells, scope, period)
        denominator: float | None = None
        has_denominator = True
        if indicator.denominator is not None:
            denominator, has_denominator = _evaluate(indicator.denominator, cells, scope, period)
        is_reported = has_numerator or (indicator.denominator is not None and has_denominator)
        value: float | None
        if not is_reported:
            value, numerator_out, denominator_out = None, None, None
        else:
            numerator_out, denominator_out = numerator, denominator
            if denominator is None:
                value = numerator * indicator.factor
            elif denominator == 0:
                value = None
            else:
                value = numerator / denominator * indicator.factor
            if value is not None:
                value = round(value, indicator.decimals)
        results.append(
            IndicatorValue(
                code=indicator.code,
                name=indicator.name(),
                scope=scope.label,
                period=period.code,
                numerator=numerator_out,
                denominator=denominator_out,
                value=value,
                unit=indicator.unit(),
                decimals=indicator.decimals,
                is_reported=is_reported and value is not None,
            )
        )
    return results


def evaluate_one(indicator: Indicator | str, scope: Scope, period: Period) -> IndicatorValue:
    return evaluate([indicator], scope, period)[0]


def indicators_for(app: str | None = None, codes: Sequence[str] | None = None) -> list[Indicator]:
    chosen: list[Indicator] = list(registry.indicators.values())
    if app:
        chosen = [i for i in chosen if i.app == app]
    if codes:
        chosen = [registry.get(c) for c in codes]
    return list(chosen)
