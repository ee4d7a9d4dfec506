"""The one indicator registry (architecture §5).

Metrics are the additive series stored in the fact table; each has a stable small-integer id.
Measures are non-additive quantities (distinct counts) computed by a declared query over the
records. Indicators combine them: numerator / denominator × factor. Apps declare theirs in
``<app>/indicators.py``; nothing else computes a number.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Literal, Protocol

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Model, Q, QuerySet
from django.db.models.expressions import Combinable
from django.utils.functional import Promise
from django.utils.translation import get_language

if TYPE_CHECKING:
    from shanhai.analytics.engine import Scope
    from shanhai.core.periods import Period

Label = str | Promise


class Credited(Protocol):
    """A programme or a partnership (kept by the partnerships app, above this layer): the engine needs
    only its id and its name."""

    @property
    def pk(self) -> int: ...

    def __str__(self) -> str: ...


@dataclass(frozen=True)
class Evidence:
    """Where a metric's facts come from, so the records behind a number can be listed exactly.

    ``kind``: the record kind's slug (``records.kinds``), or ``"partnerships"``/``"agreements"`` for
    the partnerships app's own models. ``month``: ORM path of the date whose month the fact sits in
    (or of an ``int`` YYYYMM field with ``month_is_int``); ``shift``: months added to it (a posting's
    ``left`` sits in the month after its end). ``unit``/``partnership``: ORM paths as
    :meth:`Scope.record_filter` takes them. ``condition``: which of the kind's records give the
    metric a fact. ``value``: the field summed (``None``: each record counts 1), a path or an
    expression (e.g. a subquery counting a course's named participants).
    """

    kind: str
    month: str
    unit: str
    partnership: str | None = "partnership"
    condition: Q = field(default_factory=Q)
    value: str | Combinable | None = None
    shift: int = 0
    month_is_int: bool = False


@dataclass(frozen=True)
class RecordSet:
    """The records behind a measure (``Measure.evidence``): ``records`` of the kind ``kind``; the
    number is their count, or the count of distinct ``distinct`` values (e.g. ``"person"``)."""

    kind: str
    records: QuerySet[Model]
    note: Label = ""
    distinct: str | None = None


@dataclass(frozen=True)
class Metric:
    """An additive monthly series. ``flow``: summed over the period. ``delta``: a stock kept as
    +/- changes by month, so its value at a date is the sum of all changes up to it.
    ``evidence`` says which records its facts come from (not part of its identity).

    Zero versus unknown (``periodic``): a metric that counts records kept in Shanhai is **0** in a scope
    and month with no facts once the scope keeps records of that kind (a fact of its record kind in that
    month or before: :attr:`source`); before that, or with no evidence, it is not reported. A
    ``periodic`` metric comes from a report due each month (a posting's work log, a workload report, a
    technique's monthly cases): a missing report is **not reported**, never 0."""

    id: int
    code: str
    name: Label
    kind: Literal["flow", "delta"] = "flow"
    evidence: Evidence | None = field(default=None, compare=False, hash=False, repr=False)
    periodic: bool = field(default=False, compare=False, hash=False, repr=False)

    @property
    def source(self) -> str | None:
        """The record kind whose facts say the scope keeps such records (None: absent data is unknown)."""
        if self.periodic or self.evidence is None:
            return None
        return self.evidence.kind

    @property
    def absent_means_zero(self) -> bool:
        return self.source is not None


# --- terms of an indicator's numerator / denominator ---------------------------------------------
@dataclass(frozen=True)
class Term:
    def __add__(self, other: Term) -> Sum:
        return Sum((*_terms(self), *_terms(other)))

    def __sub__(self, other: Term) -> Sum:
        return Sum((*_terms(self), *(Negate(t) for t in _terms(other))))


def _terms(term: Term) -> tuple[Term, ...]:
    return term.parts if isinstance(term, Sum) else (term,)


@dataclass(frozen=True)
class Flow(Term):
    """Sum of a metric over the months of the period."""

    metric: Metric


@dataclass(frozen=True)
class Opening(Term):
    """A delta metric's balance just before the period starts."""

    metric: Metric


@dataclass(frozen=True)
class Closing(Term):
    """A delta metric's balance at the end of the period."""

    metric: Metric


@dataclass(frozen=True)
class Measure(Term):
    """A non-additive quantity computed over records: ``query(scope, period) -> (value, has_data)``."""

    code: str
    name: Label
    query: Callable[[Scope, Period], tuple[float, bool]] = field(compare=False, hash=False)
    #: The records behind the value (``(scope, period) -> RecordSet``), for measures that count
    #: records or distinct people; ``None`` when the value cannot be listed as records.
    evidence: Callable[[Scope, Period], RecordSet] | None = field(default=None, compare=False, hash=False)
    #: For a rate whose numerator and denominator both count one set of records: ``(scope, period) ->
    #: ((numerator, has_data), (denominator, has_data))`` in one query. The engine calls it once when an
    #: indicator's numerator and denominator share it (``query`` alone otherwise).
    together: Callable[[Scope, Period], tuple[tuple[float, bool], tuple[float, bool]]] | None = field(
        default=None, compare=False, hash=False
    )


@dataclass(frozen=True)
class Negate(Term):
    term: Term


@dataclass(frozen=True)
class Sum(Term):
    parts: tuple[Term, ...]


FACTOR_UNITS: dict[int, str] = {1: "", 100: "%", 1000: "‰", 100000: "/10万"}


@dataclass(frozen=True)
class Indicator:
    code: str
    name_zh: str
    name_en: str
    numerator: Term
    denominator: Term | None = None
    factor: int = 1
    decimals: int = 0
    unit_zh: str = ""
    unit_en: str = ""
    definition_zh: str = ""
    definition_en: str = ""
    source: Label = ""
    direction: Literal["up", "down", "none"] = "up"
    scopes: tuple[str, ...] = ("org", "programme", "partnership")
    app: str = ""

    def name(self, language: str | None = None) -> str:
        return self.name_en if (language or get_language() or "").startswith("en") else self.name_zh

    def unit(self, language: str | None = None) -> str:
        if self.factor != 1:
            return FACTOR_UNITS.get(self.factor, "")
        return self.unit_en if (language or get_language() or "").startswith("en") else self.unit_zh

    def definition(self, language: str | None = None) -> str:
        return self.definition_en if (language or get_language() or "").startswith("en") else self.definition_zh


@dataclass(frozen=True)
class Credit:
    """How the engine reaches what a fact is credited to — programmes and partnerships, kept by an app
    that sits above this layer and registers this at start-up (``partnerships/indicators.py``).

    ``supported_from(path)``: the ids of the partnerships whose supporting unit is in the subtree at
    ``path`` (a supporting-side scope). ``objects(group, ids)``: the programmes (``group="programme"``)
    or partnerships with those ids, in id order, ready to be labelled (grid rows)."""

    supported_from: Callable[[str], QuerySet[Model, Any]]
    objects: Callable[[Literal["programme", "partnership"], QuerySet[Model, Any]], Iterable[Credited]]


@dataclass(frozen=True)
class Breakdown:
    """A figure split by an attribute of its records, declared once (issue 14): techniques by surgical grade,
    outreach events by kind, partnerships by mode. ``whole`` and each of ``parts`` are registered indicators (each
    part with its own evidence list); the parts add up to the whole when ``adds_up``."""

    code: str
    whole: str
    by_zh: str
    by_en: str
    parts: tuple[str, ...]
    adds_up: bool = True

    def by(self, language: str | None = None) -> str:
        return self.by_en if (language or get_language() or "").startswith("en") else self.by_zh


@dataclass(frozen=True)
class Due:
    """One report due for a month: who owes it (``reporter``, e.g. an expert's posting), where (``unit``, the
    institution's name), whether it came in, and the page where it is entered or seen (``url``, no personal data)."""

    reporter: str
    unit: str
    received: bool
    url: str = ""


@dataclass(frozen=True)
class PeriodicReport:
    """A report due every month (the source of ``periodic`` metrics), for reporting completeness (上报及时完整).

    ``due(path, side, month)``: the reports due for ``month`` in the subtree at ``path`` (None: everywhere) on
    the receiving side or, with ``side="supporter"``, from the partnerships supported from it. ``rule`` says in
    words who owes the report."""

    code: str
    name: Label
    rule: Label
    due: Callable[[str | None, Literal["recipient", "supporter"], int], list[Due]] = field(compare=False)


#: An institution owes a monthly report once it has sent one within this many months before (``roster_due``).
ROSTER_MONTHS = 12


def roster_due(
    reports: Callable[[], QuerySet[Any]], kind: str
) -> Callable[[str | None, Literal["recipient", "supporter"], int], list[Due]]:
    """``PeriodicReport.due`` of an institution's own monthly report (``reports()``: records with ``institution``
    and an integer ``month``, record kind ``kind``): due from every institution that sent one in the
    ``ROSTER_MONTHS`` before the month (and from any that sent this month's); the receiving side's report only."""

    def due(path: str | None, side: Literal["recipient", "supporter"], month: int) -> list[Due]:
        from django.urls import reverse

        from shanhai.core.models import OrgUnit
        from shanhai.core.periods import add_months

        if side == "supporter":
            return []  # an institution's own statistics: the receiving side's report
        chosen = reports() if path is None else reports().filter(institution__path__startswith=path)
        roster = chosen.filter(month__gte=add_months(month, -ROSTER_MONTHS), month__lt=month)
        received = {r.institution_id: r for r in chosen.filter(month=month)}
        units = OrgUnit.objects.filter(Q(pk__in=roster.values("institution_id")) | Q(pk__in=list(received)))
        return [
            Due(
                reporter=unit.display_name,
                unit=unit.display_name,
                received=unit.pk in received,
                url=reverse("records:detail", args=[kind, received[unit.pk].public_id])
                if unit.pk in received
                else reverse("records:create", args=[kind]),
            )
            for unit in units.order_by("path")
        ]

    return due


class Registry:
    def __init__(self) -> None:
        self.metrics: dict[str, Metric] = {}
        self.metrics_by_id: dict[int, Metric] = {}
        self.indicators: dict[str, Indicator] = {}
        self.reports: dict[str, PeriodicReport] = {}
        self.breakdowns: dict[str, Breakdown] = {}
        self._credit: Credit | None = None

    def breakdown(self, breakdown: Breakdown) -> Breakdown:
        """Register a split of an indicator by a record attribute (its parts registered as indicators first)."""
        missing = [code for code in (breakdown.whole, *breakdown.parts) if code not in self.indicators]
        if missing:
            raise ImproperlyConfigured(f"breakdown {breakdown.code}: unregistered indicators {missing}")
        self.breakdowns[breakdown.code] = breakdown
        return breakdown

    def periodic_report(self, report: PeriodicReport) -> PeriodicReport:
        """Register a monthly report (its app's ``indicators.py``) for the reporting-completeness page."""
        self.reports[report.code] = report
        return report

    def register_credit(self, credit: Credit) -> None:
        self._credit = credit

    @property
    def credit(self) -> Credit:
        if self._credit is None:
            raise ImproperlyConfigured("no app registered the partnership credit (registry.register_credit)")
        return self._credit

    def metric(
        self,
        id: int,
        code: str,
        name: Label,
        kind: Literal["flow", "delta"] = "flow",
        *,
        evidence: Evidence | None = None,
        periodic: bool = False,
    ) -> Metric:
        metric = Metric(id=id, code=code, name=name, kind=kind, evidence=evidence, periodic=periodic)
        if self.metrics_by_id.get(id, metric) != metric or self.metrics.get(code, metric) != metric:
            raise ValueError(f"metric id {id} or code {code} registered twice")
        self.metrics[code] = metric
        self.metrics_by_id[id] = metric
        return metric

    def indicator(self, **fields: Any) -> Indicator:
        """Register an :class:`Indicator` built from ``fields`` (its fields, by name)."""
        indicator = Indicator(**fields)
        if indicator.code in self.indicators and self.indicators[indicator.code] != indicator:
            raise ValueError(f"indicator {indicator.code} registered twice")
        self.indicators[indicator.code] = indicator
        return indicator

    def add_to_numerator(self, code: str, term: Term, *, also_zh: str, also_en: str) -> Indicator:
        """Count more records in an indicator of another app: an app above the indicator's own adds ``term`` to its
        numerator and a sentence to its definitions (telehealth's case-discussion attendance in training
        person-times). Registered at start-up, after the indicator; adding the same term again changes nothing."""
        indicator = self.indicators[code]
        if term in _terms(indicator.numerator):
            return indicator
        extended = replace(
            indicator,
            numerator=indicator.numerator + term,
            definition_zh=indicator.definition_zh + also_zh,
            definition_en=f"{indicator.definition_en} {also_en}".strip(),
        )
        self.indicators[code] = extended
        return extended

    def get(self, code: str) -> Indicator:
        return self.indicators[code]

    def source_metric_ids(self, source: str) -> list[int]:
        """The ids of the metrics whose facts show that a scope keeps records of the kind ``source``."""
        return sorted(m.id for m in self.metrics.values() if m.source == source)


registry = Registry()
