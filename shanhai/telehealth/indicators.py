"""Metrics (ids 1201–1249), fact sources, measures and indicators of consultations.

Where facts go: on the asking institution, credited to the consultation's partnership. A request counts in the
month it was asked; an answer, its turnaround and whether it came in time, in the month it was answered. Median
and 90th-percentile turnaround are not additive: measures over the consultations themselves
(``turnaround_stats``), which the breakdown by expert, department and priority uses as well.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import F, FloatField, Q, QuerySet
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _

from shanhai.analytics.engine import Scope
from shanhai.analytics.facts import FactRow, MonthNumber, credit, metric_value, rebuild_credit, register_source
from shanhai.analytics.registry import Evidence, Flow, Measure, RecordSet, registry
from shanhai.core.periods import Period, month_of
from shanhai.telehealth.models import Consultation

ANSWERED = Q(answered_on__isnull=False, turnaround_hours__isnull=False)


def _asked(condition: Q | None = None, value: str | None = None) -> Evidence:
    return Evidence(
        "consultations", month="requested_on", unit="requesting_unit", condition=condition or Q(), value=value
    )


def _answered(condition: Q | None = None, value: str | None = None) -> Evidence:
    return Evidence(
        "consultations",
        month="answered_on",
        unit="requesting_unit",
        condition=ANSWERED & (condition or Q()),
        value=value,
    )


REQUESTED = registry.metric(1201, "consult.requested", _("Consultations requested"), evidence=_asked())
ANSWERED_COUNT = registry.metric(1202, "consult.answered", _("Consultations answered"), evidence=_answered())
ANSWERED_IN_TIME = registry.metric(
    1203, "consult.answered_in_time", _("Consultations answered in time"), evidence=_answered(Q(answered_in_time=True))
)
TURNAROUND_HOURS = registry.metric(
    1204,
    "consult.turnaround_hours",
    _("Consultation turnaround (hours, summed)"),
    evidence=_answered(value="turnaround_hours"),
)


def _rows(consultation: Consultation) -> list[FactRow]:
    common = {"org_unit_id": consultation.requesting_unit_id, **credit(consultation.partnership)}
    rows = [FactRow(metric=REQUESTED, month=month_of(consultation.requested_on), **common)]
    if consultation.answered_on is not None and consultation.turnaround_hours is not None:
        answered = {"month": month_of(consultation.answered_on), **common}
        rows += [
            FactRow(metric=ANSWERED_COUNT, **answered),
            FactRow(metric=TURNAROUND_HOURS, value=float(consultation.turnaround_hours), **answered),
        ]
        if consultation.answered_in_time:
            rows.append(FactRow(metric=ANSWERED_IN_TIME, **answered))
    return rows


def _rebuild() -> Iterable[QuerySet]:
    consultations = Consultation.objects.all()
    credit_ = rebuild_credit(unit="requesting_unit_id")
    yield consultations.annotate(f_metric=metric_value(REQUESTED), f_month=MonthNumber("requested_on"), **credit_)
    answered = consultations.filter(ANSWERED).annotate(f_month=MonthNumber("answered_on"))
    yield answered.annotate(f_metric=metric_value(ANSWERED_COUNT), **credit_)
    yield answered.filter(answered_in_time=True).annotate(f_metric=metric_value(ANSWERED_IN_TIME), **credit_)
    yield answered.annotate(
        f_metric=metric_value(TURNAROUND_HOURS),
        **rebuild_credit(unit="requesting_unit_id", value=Cast("turnaround_hours", FloatField())),
    )


register_source(Consultation, rows=_rows, rebuild=_rebuild)


# --- turnaround: median and 90th percentile ------------------------------------------------------------
@dataclass(frozen=True)
class Turnaround:
    answered: int
    in_time: int
    median: float | None
    p90: float | None

    @property
    def in_time_share(self) -> float | None:
        return 100.0 * self.in_time / self.answered if self.answered else None


def percentile(sorted_values: list[float], share: float) -> float:
    """The nearest-rank percentile: the smallest value with at least ``share`` of the values at or below it."""
    rank = max(1, math.ceil(share * len(sorted_values)))
    return sorted_values[rank - 1]


def turnaround_of(consultations: Iterable[Consultation]) -> Turnaround:
    """Count, in time, median and P90 of answered consultations (loaded rows: the breakdown groups them in memory)."""
    rows = [(c.turnaround_hours, c.answered_in_time) for c in consultations if c.turnaround_hours is not None]
    return _stats(rows)


def turnaround_stats(consultations: QuerySet[Consultation]) -> Turnaround:
    """The same over a queryset (the measures), reading two columns only."""
    return _stats(list(consultations.filter(ANSWERED).values_list("turnaround_hours", "answered_in_time")))


def _stats(rows: Sequence[tuple[float | None, bool | None]]) -> Turnaround:
    hours = sorted(float(h) for h, _in_time in rows if h is not None)
    return Turnaround(
        answered=len(rows),
        in_time=sum(1 for _h, in_time in rows if in_time),
        median=percentile(hours, 0.5) if hours else None,
        p90=percentile(hours, 0.9) if hours else None,
    )


def answered_in(scope: Scope, period: Period) -> QuerySet[Consultation]:
    return Consultation.objects.filter(
        scope.record_filter(unit="requesting_unit"), answered_on__gte=period.start, answered_on__lte=period.end
    ).filter(ANSWERED)


def _median(scope: Scope, period: Period) -> tuple[float, bool]:
    stats = turnaround_stats(answered_in(scope, period))
    return (stats.median or 0.0), stats.median is not None


def _p90(scope: Scope, period: Period) -> tuple[float, bool]:
    stats = turnaround_stats(answered_in(scope, period))
    return (stats.p90 or 0.0), stats.p90 is not None


def _answered_evidence(scope: Scope, period: Period) -> RecordSet:
    note = _("Consultations answered in the period; the number is the middle (or 90th-percentile) turnaround of them.")
    return RecordSet("consultations", answered_in(scope, period).order_by(F("turnaround_hours").asc()), note=note)


MEDIAN = Measure("consult.turnaround_median", _("Median turnaround (hours)"), _median, evidence=_answered_evidence)
P90 = Measure("consult.turnaround_p90", _("90th-percentile turnaround (hours)"), _p90, evidence=_answered_evidence)

SOURCE = _("Shanhai consultation records")
CLOCK_NOTE_ZH = "时长按到期时间的算法计：急会诊按自然小时，其余按工作时间（法定节假日与调休按国务院办公厅通知）。"
CLOCK_NOTE_EN = (
    "Hours are counted as the due time is: round the clock for emergencies, otherwise in working hours (official "
    "holidays and 调休 working days as the State Council announces them)."
)

registry.indicator(
    code="consultations_requested",
    name_zh="远程会诊申请例数",
    name_en="Consultations requested",
    numerator=Flow(REQUESTED),
    unit_zh="例",
    definition_zh="统计期内受援方发起的远程会诊申请例数（按申请日期计，记在申请机构）。",
    definition_en="Consultations asked by the recipient side in the period (by the date asked, at the asking institution).",
    source=SOURCE,
    app="telehealth",
)
registry.indicator(
    code="consultations_answered_in_time",
    name_zh="会诊按时答复率",
    name_en="Consultations answered in time",
    numerator=Flow(ANSWERED_IN_TIME),
    denominator=Flow(ANSWERED_COUNT),
    factor=100,
    decimals=1,
    unit_zh="%",
    unit_en="%",
    definition_zh="统计期内答复的会诊中，在到期时间前答复的比例。到期时间按帮扶关系约定的各紧急程度答复时限计算。"
    + CLOCK_NOTE_ZH,
    definition_en="Of the consultations answered in the period, the share answered by their due time (the "
    "partnership's response time for the priority). " + CLOCK_NOTE_EN,
    source=SOURCE,
    app="telehealth",
)
registry.indicator(
    code="consultations_turnaround_median",
    name_zh="会诊答复时长中位数",
    name_en="Median consultation turnaround",
    numerator=MEDIAN,
    decimals=1,
    unit_zh="小时",
    unit_en="h",
    direction="down",
    definition_zh="统计期内答复的会诊，从申请到答复时长的中位数。" + CLOCK_NOTE_ZH,
    definition_en="Median time from asking to answer of the consultations answered in the period. " + CLOCK_NOTE_EN,
    source=SOURCE,
    app="telehealth",
)
registry.indicator(
    code="consultations_turnaround_p90",
    name_zh="会诊答复时长第90百分位数",
    name_en="90th-percentile consultation turnaround",
    numerator=P90,
    decimals=1,
    unit_zh="小时",
    unit_en="h",
    direction="down",
    definition_zh="统计期内答复的会诊，从申请到答复时长的第90百分位数（最近秩法）。" + CLOCK_NOTE_ZH,
    definition_en="90th percentile (nearest rank) of the time from asking to answer of the consultations answered in "
    "the period. " + CLOCK_NOTE_EN,
    source=SOURCE,
    app="telehealth",
)
