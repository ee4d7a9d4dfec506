"""Metrics, fact sources and indicators of the workforce records (registered at start-up).

Metric ids 201–299. Facts sit on the receiving-side unit of each record (a posting's or trip's host,
a placement's home institution) with the record's partnership and programme.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import F, FloatField, Q, QuerySet
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _

from shanhai.analytics.engine import Scope
from shanhai.analytics.facts import FactRow, MonthNumber, credit, metric_value, rebuild_credit, register_source
from shanhai.analytics.memo import memo
from shanhai.analytics.registry import Closing, Due, Evidence, Flow, Measure, PeriodicReport, RecordSet, registry
from shanhai.core import clock
from shanhai.core.models import TitleLevel
from shanhai.core.periods import Period, add_months, month_end, month_of, month_start
from shanhai.workforce.models import Placement, Posting, PostingLog, PostType, VisitingTrip

_ENDED = Q(ended_on__isnull=False)
POSTING_STARTED = registry.metric(
    201,
    "posting.started",
    _("Postings started"),
    kind="delta",
    evidence=Evidence("postings", month="started_on", unit="host"),
)
POSTING_LEFT = registry.metric(
    202,
    "posting.left",
    _("Posted experts left (month after the end)"),
    kind="delta",
    evidence=Evidence("postings", month="ended_on", shift=1, unit="host", condition=_ENDED),
)


def _log_metric(id: int, code: str, name: object, field: str):
    evidence = Evidence(
        "posting-logs",
        month="month",
        month_is_int=True,
        unit="posting__host",
        partnership="posting__partnership",
        value=field,
    )
    # A posting's work log is a monthly report: a month without one is not reported, never 0.
    return registry.metric(id, code, name, evidence=evidence, periodic=True)  # type: ignore[arg-type]


LOG_PATIENTS = _log_metric(203, "posting.patients", _("Patients seen by posted experts"), "patients")
LOG_OPERATIONS = {
    1: _log_metric(204, "posting.operations_grade_1", _("Grade 1 operations by posted experts"), "operations_grade_1"),
    2: _log_metric(205, "posting.operations_grade_2", _("Grade 2 operations by posted experts"), "operations_grade_2"),
    3: _log_metric(206, "posting.operations_grade_3", _("Grade 3 operations by posted experts"), "operations_grade_3"),
    4: _log_metric(207, "posting.operations_grade_4", _("Grade 4 operations by posted experts"), "operations_grade_4"),
}
LOG_TEACHING = _log_metric(
    208, "posting.teaching_sessions", _("Teaching sessions by posted experts"), "teaching_sessions"
)
LOG_CONSULTATIONS = _log_metric(
    209, "posting.consultations", _("Consultations answered by posted experts"), "consultations"
)
TRIP = registry.metric(
    220, "trip.started", _("Visiting trips"), evidence=Evidence("visiting-trips", month="started_on", unit="host")
)
PLACEMENT_STARTED = registry.metric(
    230,
    "placement.started",
    _("Placements started"),
    kind="delta",
    evidence=Evidence("placements", month="started_on", unit="home"),
)
PLACEMENT_RETURNED = registry.metric(
    231,
    "placement.returned",
    _("Placed staff returned (month after the end)"),
    kind="delta",
    evidence=Evidence("placements", month="ended_on", shift=1, unit="home", condition=_ENDED),
)

#: (metric, PostingLog field) of the monthly work-log counts.
LOG_METRICS = (
    (LOG_PATIENTS, "patients"),
    *((LOG_OPERATIONS[g], f"operations_grade_{g}") for g in (1, 2, 3, 4)),
    (LOG_TEACHING, "teaching_sessions"),
    (LOG_CONSULTATIONS, "consultations"),
)


# --- fact sources ----------------------------------------------------------------------------
def _posting_rows(posting: Posting) -> list[FactRow]:
    """+1 in the start month; -1 in the month after the end month (on post through the end month)."""
    common = {"org_unit_id": posting.host_id, **credit(posting.partnership)}
    rows = [FactRow(metric=POSTING_STARTED, month=month_of(posting.started_on), **common)]
    if posting.ended_on:
        rows.append(FactRow(metric=POSTING_LEFT, month=add_months(month_of(posting.ended_on), 1), **common))
    return rows


def _posting_rebuild() -> Iterable[QuerySet]:
    common = rebuild_credit(unit="host_id")
    yield Posting.objects.annotate(f_metric=metric_value(POSTING_STARTED), f_month=MonthNumber("started_on"), **common)
    yield Posting.objects.filter(ended_on__isnull=False).annotate(
        f_metric=metric_value(POSTING_LEFT), f_month=MonthNumber("ended_on", shift=1), **common
    )


def _log_rows(log: PostingLog) -> list[FactRow]:
    """Every count of a work log is a reported figure, zeros included."""
    posting = log.posting
    common = {"org_unit_id": posting.host_id, "month": log.month, **credit(posting.partnership)}
    return [FactRow(metric=metric, value=float(getattr(log, field)), **common) for metric, field in LOG_METRICS]


def _log_rebuild() -> Iterable[QuerySet]:
    for metric, field in LOG_METRICS:
        yield PostingLog.objects.annotate(
            f_metric=metric_value(metric),
            f_month=F("month"),
            **rebuild_credit(
                unit="posting__host_id", partnership="posting__partnership", value=Cast(F(field), FloatField())
            ),
        )


def _trip_rows(trip: VisitingTrip) -> list[FactRow]:
    return [FactRow(metric=TRIP, org_unit_id=trip.host_id, month=month_of(trip.started_on), **credit(trip.partnership))]


def _trip_rebuild() -> Iterable[QuerySet]:
    yield VisitingTrip.objects.annotate(
        f_metric=metric_value(TRIP), f_month=MonthNumber("started_on"), **rebuild_credit(unit="host_id")
    )


def _placement_rows(placement: Placement) -> list[FactRow]:
    common = {"org_unit_id": placement.home_id, **credit(placement.partnership)}
    rows = [FactRow(metric=PLACEMENT_STARTED, month=month_of(placement.started_on), **common)]
    if placement.ended_on:
        rows.append(FactRow(metric=PLACEMENT_RETURNED, month=add_months(month_of(placement.ended_on), 1), **common))
    return rows


def _placement_rebuild() -> Iterable[QuerySet]:
    common = rebuild_credit(unit="home_id")
    yield Placement.objects.annotate(
        f_metric=metric_value(PLACEMENT_STARTED), f_month=MonthNumber("started_on"), **common
    )
    yield Placement.objects.filter(ended_on__isnull=False).annotate(
        f_metric=metric_value(PLACEMENT_RETURNED), f_month=MonthNumber("ended_on", shift=1), **common
    )


register_source(Posting, rows=_posting_rows, rebuild=_posting_rebuild)
register_source(PostingLog, rows=_log_rows, rebuild=_log_rebuild)
register_source(VisitingTrip, rows=_trip_rows, rebuild=_trip_rebuild)
register_source(Placement, rows=_placement_rows, rebuild=_placement_rebuild)


# --- measures over records (not additive) ----------------------------------------------------
def overlapping(records: QuerySet[Any], period: Period) -> QuerySet[Any]:
    """Records (with ``started_on``/``ended_on``) running at any time in the period."""
    return records.filter(started_on__lte=period.end).exclude(ended_on__lt=period.start)


def postings_in(scope: Scope, period: Period) -> QuerySet[Posting]:
    return overlapping(Posting.objects.filter(scope.record_filter(unit="host")), period)


def placements_in(scope: Scope, period: Period) -> QuerySet[Placement]:
    return overlapping(Placement.objects.filter(scope.record_filter(unit="home")), period)


def trips_in(scope: Scope, period: Period) -> QuerySet[VisitingTrip]:
    return VisitingTrip.objects.filter(
        scope.record_filter(unit="host"), started_on__gte=period.start, started_on__lte=period.end
    )


def months_within(started_on: date, ended_on: date | None, period: Period, today: date | None = None) -> int:
    """Calendar months of [start, end] inside the period; an open end counts up to the period end or
    today, whichever is earlier. A month counts whole when the record runs on any day of it."""
    last = min(period.last_month, month_of(ended_on) if ended_on else month_of(today or clock.today()))
    first = max(period.first_month, month_of(started_on))
    if last < first:
        return 0
    return (last // 100 - first // 100) * 12 + (last % 100 - first % 100) + 1


Query = Callable[[Scope, Period], tuple[float, bool]]


@dataclass(frozen=True)
class _Span:
    """A posting or placement as the measures below read it."""

    person_id: int | None
    started_on: date
    ended_on: date | None
    #: Whether the record meets the measure's conditions (e.g. a senior title).
    matches: bool

    def runs_between(self, start: date, end: date) -> bool:
        """The rule of :func:`overlapping`: started by the period's end, not ended before its start."""
        return self.started_on <= end and not (self.ended_on is not None and self.ended_on < start)


def _remembered_spans(
    records: Callable[[Scope, Period], QuerySet[Any]], scope: Scope, period: Period, conditions: dict[str, Any]
) -> list[_Span] | None:
    """Inside ``analytics.memo.records_memo()`` (a grid of months): the records of ``records(scope, period)``
    (postings or placements running in the period), read once per scope and conditions for the first period
    asked and filtered here for the periods within it (their records are among the wider period's). None
    outside a memo: the measure queries as usual."""
    kept = memo()
    if kept is None:
        return None
    key = ("workforce.spans", records.__name__, scope, tuple(sorted((k, repr(v)) for k, v in conditions.items())))
    held: tuple[Period, list[_Span]] | None = kept.get(key)
    if held is None or not (held[0].first_month <= period.first_month and period.last_month <= held[0].last_month):
        base = records(scope, period)
        rows = list(base.values_list("pk", "person_id", "started_on", "ended_on"))
        matching = set(base.filter(**conditions).values_list("pk", flat=True)) if conditions and rows else None
        spans = [_Span(person, start, end, matching is None or pk in matching) for pk, person, start, end in rows]
        held = kept[key] = (period, spans)
    start, end = period.start, period.end
    return [span for span in held[1] if span.runs_between(start, end)]


def _distinct_people(records: Callable[[Scope, Period], QuerySet[Any]], **conditions: Any) -> Query:
    def query(scope: Scope, period: Period) -> tuple[float, bool]:
        spans = _remembered_spans(records, scope, period, conditions)
        if spans is not None:
            return float(len({span.person_id for span in spans if span.matches})), bool(spans)
        base = records(scope, period)
        has_data = base.exists()
        count = base.filter(**conditions).values("person_id").distinct().count() if has_data else 0
        return float(count), has_data

    return query


def _count(records: Callable[[Scope, Period], QuerySet[Any]], **conditions: Any) -> Query:
    def query(scope: Scope, period: Period) -> tuple[float, bool]:
        spans = _remembered_spans(records, scope, period, conditions)
        if spans is not None:
            return float(sum(1 for span in spans if span.matches)), bool(spans)
        base = records(scope, period)
        has_data = base.exists()
        return float(base.filter(**conditions).count() if has_data else 0), has_data

    return query


def _person_months(records: Callable[[Scope, Period], QuerySet[Any]]) -> Query:
    def query(scope: Scope, period: Period) -> tuple[float, bool]:
        remembered = _remembered_spans(records, scope, period, {})
        if remembered is not None:
            spans = [(span.started_on, span.ended_on) for span in remembered]
        else:
            spans = list(records(scope, period).values_list("started_on", "ended_on"))
        return float(sum(months_within(start, end, period) for start, end in spans)), bool(spans)

    return query


def _visiting_experts(scope: Scope, period: Period) -> tuple[float, bool]:
    trips = trips_in(scope, period)
    has_data = trips.exists()
    through = VisitingTrip.experts.through.objects.filter(visitingtrip__in=trips.values("pk"))
    return float(through.values("person_id").distinct().count() if has_data else 0), has_data


def _people_evidence(
    kind: str, records: Callable[[Scope, Period], QuerySet[Any]], note: object, **conditions: Any
) -> Callable[[Scope, Period], RecordSet]:
    def evidence(scope: Scope, period: Period) -> RecordSet:
        return RecordSet(kind, records(scope, period).filter(**conditions), note=note, distinct="person")  # type: ignore[arg-type]

    return evidence


def _leadership_evidence(scope: Scope, period: Period) -> RecordSet:
    return RecordSet(
        "postings",
        postings_in(scope, period).filter(post__in=PostType.leadership()),
        note=_("Postings running in the period whose post is a leadership post."),
    )


def _batches_evidence(scope: Scope, period: Period) -> RecordSet:
    return RecordSet(
        "postings",
        postings_in(scope, period).exclude(batch=None),
        note=_("Postings of a batch running in the period; the number counts their distinct batches."),
        distinct="batch",
    )


def _visiting_experts_evidence(scope: Scope, period: Period) -> RecordSet:
    return RecordSet(
        "visiting-trips",
        trips_in(scope, period),
        note=_("Visiting trips started in the period; the number counts their distinct experts."),
        distinct="experts",
    )


_POSTINGS_NOTE = _("Postings running at any time in the period; the number counts their distinct experts.")


def _batches(scope: Scope, period: Period) -> tuple[float, bool]:
    postings = postings_in(scope, period)
    has_data = postings.exists()
    return float(postings.exclude(batch=None).values("batch_id").distinct().count() if has_data else 0), has_data


SENIOR_LEVELS = (TitleLevel.SENIOR, TitleLevel.ASSOCIATE_SENIOR)
EXPERTS = Measure(
    "posting.experts",
    _("Distinct experts on post in the period"),
    _distinct_people(postings_in),
    evidence=_people_evidence("postings", postings_in, _POSTINGS_NOTE),
)
EXPERTS_SENIOR = Measure(
    "posting.experts_senior",
    _("Distinct experts on post at associate senior (副高) level or above"),
    _distinct_people(postings_in, person__title__level__in=SENIOR_LEVELS),
    evidence=_people_evidence(
        "postings",
        postings_in,
        _(
            "Postings running in the period of experts with a senior or associate senior title; the number counts "
            "their distinct experts."
        ),
        person__title__level__in=SENIOR_LEVELS,
    ),
)
EXPERT_MONTHS = Measure("posting.expert_months", _("Expert-months on post"), _person_months(postings_in))
LEADERSHIP_POSTS = Measure(
    "posting.leadership",
    _("Postings holding a leadership post"),
    _count(postings_in, post__in=PostType.leadership()),
    evidence=_leadership_evidence,
)
BATCHES = Measure("posting.batches", _("Batches with experts on post"), _batches, evidence=_batches_evidence)
VISITING_EXPERTS = Measure(
    "trip.experts", _("Distinct visiting experts"), _visiting_experts, evidence=_visiting_experts_evidence
)
PLACED = Measure(
    "placement.people",
    _("Distinct staff on placement in the period"),
    _distinct_people(placements_in),
    evidence=_people_evidence(
        "placements",
        placements_in,
        _("Placements running at any time in the period; the number counts their distinct staff."),
    ),
)
PLACEMENT_MONTHS = Measure("placement.months", _("Person-months on placement"), _person_months(placements_in))

SOURCE = _("Shanhai workforce records (postings, work logs, visiting trips, placements)")
OPERATIONS = Flow(LOG_OPERATIONS[1]) + Flow(LOG_OPERATIONS[2]) + Flow(LOG_OPERATIONS[3]) + Flow(LOG_OPERATIONS[4])


def _indicator(**kwargs: Any) -> None:
    registry.indicator(source=SOURCE, app="workforce", **kwargs)


_indicator(
    code="experts_dispatched",
    name_zh="派驻专家人数",
    name_en="Experts dispatched",
    numerator=EXPERTS,
    unit_zh="人",
    definition_zh="统计期内任一时间在岗的派驻专家人数（按人去重，同一人多次派驻计1人）。",
    definition_en="Distinct people with a posting running at any time in the period (one person posted twice counts once).",
)
_indicator(
    code="postings_started",
    name_zh="新派驻人次",
    name_en="Postings started",
    numerator=Flow(POSTING_STARTED),
    unit_zh="人次",
    definition_zh="统计期内开始的派驻人次。",
    definition_en="Postings whose start date falls in the period.",
)
_indicator(
    code="experts_on_post",
    name_zh="期末在岗派驻专家数",
    name_en="Experts on post at period end",
    numerator=Closing(POSTING_STARTED) - Closing(POSTING_LEFT),
    unit_zh="人",
    definition_zh="期末月份仍在岗的派驻人次（开始月份不晚于期末，结束月份不早于期末）。",
    definition_en="Postings running in the last month of the period (started by then, not ended before it).",
)
_indicator(
    code="expert_months",
    name_zh="派驻专家在岗人月数",
    name_en="Expert-months on post",
    numerator=EXPERT_MONTHS,
    unit_zh="人月",
    definition_zh="每个派驻在统计期内覆盖的自然月数之和；未填结束日期的按期末或当月（取较早者）计。",
    definition_en="Sum over postings of the calendar months they cover within the period; an open posting counts up "
    "to the period end or the current month, whichever is earlier.",
)
_indicator(
    code="experts_senior_share",
    name_zh="派驻专家副高及以上职称占比",
    name_en="Share of dispatched experts at associate senior level or above",
    numerator=EXPERTS_SENIOR,
    denominator=EXPERTS,
    factor=100,
    definition_zh="统计期内在岗派驻专家中具有副高级及以上专业技术职称的人数 ÷ 在岗派驻专家人数 × 100%。",
    definition_en="Distinct experts on post in the period with a senior or associate senior title ÷ distinct experts "
    "on post × 100%.",
)
_indicator(
    code="leadership_posts_held",
    name_zh="派驻专家担任管理职务数",
    name_en="Leadership posts held by dispatched experts",
    numerator=LEADERSHIP_POSTS,
    unit_zh="个",
    definition_zh="统计期内在岗、担任院长、副院长、科主任或护士长的派驻人次。",
    definition_en="Postings running in the period whose post is president, vice president, department head or head nurse.",
)
_indicator(
    code="expert_patient_visits",
    name_zh="派驻专家诊疗人次",
    name_en="Patient visits by dispatched experts",
    numerator=Flow(LOG_PATIENTS),
    unit_zh="人次",
    definition_zh="统计期内派驻专家月度工作记录中的诊疗患者人次之和。",
    definition_en="Patients seen, summed over the monthly work logs of postings in the period.",
)
_indicator(
    code="expert_operations",
    name_zh="派驻专家手术台次",
    name_en="Operations by dispatched experts",
    numerator=OPERATIONS,
    unit_zh="台",
    definition_zh="统计期内派驻专家月度工作记录中一至四级手术台次之和。",
    definition_en="Operations of grades 1 to 4, summed over the monthly work logs in the period.",
)
_indicator(
    code="expert_operations_grade_3_4",
    name_zh="派驻专家三、四级手术台次",
    name_en="Grade 3 and 4 operations by dispatched experts",
    numerator=Flow(LOG_OPERATIONS[3]) + Flow(LOG_OPERATIONS[4]),
    unit_zh="台",
    definition_zh="统计期内派驻专家月度工作记录中三级和四级手术台次之和。",
    definition_en="Grade 3 and grade 4 operations, summed over the monthly work logs in the period.",
)
_indicator(
    code="expert_teaching_sessions",
    name_zh="派驻专家带教培训次数",
    name_en="Teaching sessions by dispatched experts",
    numerator=Flow(LOG_TEACHING),
    unit_zh="次",
    definition_zh="统计期内派驻专家月度工作记录中的教学查房、讲座、手术示教等带教次数之和。",
    definition_en="Teaching sessions (ward rounds, lectures, demonstration operations) summed over the work logs.",
)
_indicator(
    code="expert_consultations",
    name_zh="派驻专家会诊次数",
    name_en="Consultations answered by dispatched experts",
    numerator=Flow(LOG_CONSULTATIONS),
    unit_zh="次",
    definition_zh="统计期内派驻专家月度工作记录中的会诊次数之和。",
    definition_en="Consultations answered, summed over the monthly work logs in the period.",
)
_indicator(
    code="expert_batches",
    name_zh="派驻批次数",
    name_en="Batches of dispatched experts",
    numerator=BATCHES,
    unit_zh="批",
    definition_zh="统计期内有专家在岗的派驻批次数（按批次去重）。",
    definition_en="Distinct batches with at least one of their postings running in the period.",
)
_indicator(
    code="visiting_trips",
    name_zh="巡诊指导次数",
    name_en="Visiting trips",
    numerator=Flow(TRIP),
    unit_zh="次",
    definition_zh="统计期内开始的巡诊指导（专家团队赴受援机构）次数。",
    definition_en="Visiting trips to recipient institutions that started in the period.",
)
_indicator(
    code="visiting_experts",
    name_zh="巡诊指导专家人数",
    name_en="Visiting experts",
    numerator=VISITING_EXPERTS,
    unit_zh="人",
    definition_zh="统计期内开始的巡诊指导中参加的专家人数（按人去重）。",
    definition_en="Distinct experts taking part in the visiting trips that started in the period.",
)
_indicator(
    code="staff_placed",
    name_zh="受援方进修挂职人数",
    name_en="Staff placed at supporting institutions",
    numerator=PLACED,
    unit_zh="人",
    definition_zh="统计期内任一时间在支援机构进修或挂职的受援方人员人数（按人去重）。",
    definition_en="Distinct recipient staff with a study or attachment placement running at any time in the period.",
)
_indicator(
    code="placement_person_months",
    name_zh="进修挂职人月数",
    name_en="Person-months on placement",
    numerator=PLACEMENT_MONTHS,
    unit_zh="人月",
    definition_zh="每项进修或挂职在统计期内覆盖的自然月数之和；未填结束日期的按期末或当月（取较早者）计。",
    definition_en="Sum over placements of the calendar months they cover within the period; an open placement "
    "counts up to the period end or the current month, whichever is earlier.",
)
_indicator(
    code="staff_on_placement",
    name_zh="期末在外进修挂职人数",
    name_en="Staff on placement at period end",
    numerator=Closing(PLACEMENT_STARTED) - Closing(PLACEMENT_RETURNED),
    unit_zh="人",
    definition_zh="期末月份仍在支援机构进修或挂职的人次。",
    definition_en="Placements running in the last month of the period.",
)


# --- reporting completeness: a work log is due for every month of a posting ---------------------------
def _work_logs_due(path: str | None, side: str, month: int) -> list[Due]:
    from django.urls import reverse

    first, last = month_start(month), month_end(month)
    postings = Posting.objects.filter(started_on__lte=last).filter(Q(ended_on__isnull=True) | Q(ended_on__gte=first))
    if path is not None:
        where = "partnership__supporter__path" if side == "supporter" else "host__path"
        postings = postings.filter(**{f"{where}__startswith": path})
    logged = set(PostingLog.objects.filter(posting__in=postings, month=month).values_list("posting_id", flat=True))
    rows = postings.select_related("person", "host").order_by("host__path", "person__name")
    return [
        Due(
            reporter=f"{p.person.name} · {p.started_on:%Y-%m-%d}",
            unit=p.host.display_name,
            received=p.pk in logged,
            url=reverse("records:detail", args=["postings", p.public_id]),
        )
        for p in rows
    ]


WORK_LOGS = registry.periodic_report(
    PeriodicReport(
        code="posting-logs",
        name=_("Posted experts' monthly work logs"),
        rule=_("Every posting in progress during the month owes that month's work log."),
        due=_work_logs_due,
    )
)
