"""Metrics (ids 401–499), fact sources and indicators of capability transfer and workload."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date

from django.db.models import F, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from shanhai.analytics.engine import Scope
from shanhai.analytics.facts import FactRow, MonthNumber, credit, metric_value, rebuild_credit, register_source
from shanhai.analytics.memo import memo
from shanhai.analytics.models import Fact
from shanhai.analytics.registry import Evidence, Flow, Measure, Metric, PeriodicReport, RecordSet, registry, roster_due
from shanhai.capacity.models import (
    GapLevel,
    SpecialtyKind,
    SpecialtyUnit,
    Technique,
    TechniqueMonth,
    TechniqueStatus,
    WorkloadReport,
)
from shanhai.capacity.status import technique_statuses
from shanhai.core.models import OrgUnit
from shanhai.core.periods import Period, add_months, month_of
from shanhai.partnerships.models import Partnership


# --- metrics ------------------------------------------------------------------------------------
def _technique(**kwargs: object) -> Evidence:
    return Evidence("techniques", month="approved_on", unit="host", **kwargs)  # type: ignore[arg-type]


def _cases(field: str) -> Evidence:
    return Evidence(
        "technique-cases",
        month="month",
        month_is_int=True,
        unit="technique__host",
        partnership="technique__partnership",
        value=field,
    )


def _specialty(kind: str) -> Evidence:
    return Evidence("specialties", month="established_on", unit="host", condition=Q(kind=kind))


def _workload(field: str) -> Evidence:
    return Evidence(
        "workload-reports",
        month="month",
        month_is_int=True,
        unit="institution",
        partnership=None,
        condition=Q(**{f"{field}__isnull": False}),
        value=field,
    )


TECHNIQUE_INTRODUCED = registry.metric(
    401, "technique.introduced", _("New techniques introduced"), evidence=_technique()
)
_GAP_NAMES_METRIC = (
    (GapLevel.COUNTY, 402, "technique.gap_county", _("Techniques filling a county-level gap")),
    (GapLevel.PREFECTURE, 403, "technique.gap_prefecture", _("Techniques filling a prefecture-level gap")),
    (GapLevel.REGION, 404, "technique.gap_region", _("Techniques filling a regional gap")),
    (GapLevel.PROVINCE, 405, "technique.gap_province", _("Techniques filling a provincial gap")),
)
GAP_METRICS: dict[str, Metric] = {
    level: registry.metric(id, code, name, evidence=_technique(condition=Q(gap_level=level)))
    for level, id, code, name in _GAP_NAMES_METRIC
}
CASES_EXPERT = registry.metric(
    406,
    "technique.cases_expert",
    _("Technique cases by supporting experts"),
    evidence=_cases("expert_cases"),
    periodic=True,
)
CASES_SUPERVISED = registry.metric(
    407,
    "technique.cases_supervised",
    _("Technique cases by local staff, supervised"),
    evidence=_cases("supervised_cases"),
    periodic=True,
)
CASES_INDEPENDENT = registry.metric(
    408,
    "technique.cases_independent",
    _("Technique cases by local staff, independently"),
    evidence=_cases("independent_cases"),
    periodic=True,
)
_SPECIALTY_NAMES = (
    (SpecialtyKind.NEW_DEPARTMENT, 421, "specialty.new_department", _("New departments established")),
    (SpecialtyKind.KEY_SPECIALTY, 422, "specialty.key_specialty", _("Key specialties established")),
    (SpecialtyKind.EXPERT_STUDIO, 423, "specialty.expert_studio", _("Expert studios established")),
    (SpecialtyKind.WORKSTATION, 424, "specialty.workstation", _("Doctoral workstations established")),
)
SPECIALTY_METRICS: dict[str, Metric] = {
    kind: registry.metric(id, code, name, evidence=_specialty(kind)) for kind, id, code, name in _SPECIALTY_NAMES
}
_WORKLOAD_NAMES = (
    ("outpatient_visits", 441, _("Outpatient visits")),
    ("emergency_visits", 442, _("Emergency visits")),
    ("discharges", 443, _("Discharges")),
    ("operations_grade_1", 444, _("Grade 1 operations")),
    ("operations_grade_2", 445, _("Grade 2 operations")),
    ("operations_grade_3", 446, _("Grade 3 operations")),
    ("operations_grade_4", 447, _("Grade 4 operations")),
    ("referrals_out", 448, _("Referrals out of the county")),
)
WORKLOAD_METRICS: dict[str, Metric] = {
    # A monthly report: a figure left empty or a month not reported is unknown, never 0.
    field: registry.metric(id, f"workload.{field}", name, evidence=_workload(field), periodic=True)
    for field, id, name in _WORKLOAD_NAMES
}
OPERATION_METRICS = tuple(WORKLOAD_METRICS[f"operations_grade_{g}"] for g in (1, 2, 3, 4))


# --- fact sources ---------------------------------------------------------------------------------
def _technique_rows(t: Technique) -> list[FactRow]:
    """Introduced (and, if it filled a gap, the gap of its level) in the approval month, at the host."""
    common = {"org_unit_id": t.host_id, "month": month_of(t.approved_on), **credit(t.partnership)}
    rows = [FactRow(metric=TECHNIQUE_INTRODUCED, **common)]
    if gap := GAP_METRICS.get(t.gap_level):
        rows.append(FactRow(metric=gap, **common))
    return rows


def _technique_rebuild() -> Iterable[QuerySet]:
    common = {"f_month": MonthNumber("approved_on"), **rebuild_credit(unit="host_id")}
    yield Technique.objects.annotate(f_metric=metric_value(TECHNIQUE_INTRODUCED), **common)
    for level, metric in GAP_METRICS.items():
        yield Technique.objects.filter(gap_level=level).annotate(f_metric=metric_value(metric), **common)


CASE_FIELDS = (
    ("expert_cases", CASES_EXPERT),
    ("supervised_cases", CASES_SUPERVISED),
    ("independent_cases", CASES_INDEPENDENT),
)


def _technique_month_rows(m: TechniqueMonth) -> list[FactRow]:
    """Each count of the month, 0 included (a reported zero), at the technique's host."""
    t = m.technique
    common = {"org_unit_id": t.host_id, "month": m.month, **credit(t.partnership)}
    return [FactRow(metric=metric, value=float(getattr(m, field)), **common) for field, metric in CASE_FIELDS]


def _technique_month_rebuild() -> Iterable[QuerySet]:
    for field, metric in CASE_FIELDS:
        yield TechniqueMonth.objects.annotate(
            f_metric=metric_value(metric),
            f_month=F("month"),
            **rebuild_credit(
                unit="technique__host_id",
                partnership="technique__partnership",
                value=Coalesce(F(field), Value(0)) * Value(1.0),
            ),
        )


def _specialty_rows(s: SpecialtyUnit) -> list[FactRow]:
    return [
        FactRow(
            metric=SPECIALTY_METRICS[s.kind],
            org_unit_id=s.host_id,
            month=month_of(s.established_on),
            **credit(s.partnership),
        )
    ]


def _specialty_rebuild() -> Iterable[QuerySet]:
    for kind, metric in SPECIALTY_METRICS.items():
        yield SpecialtyUnit.objects.filter(kind=kind).annotate(
            f_metric=metric_value(metric), f_month=MonthNumber("established_on"), **rebuild_credit(unit="host_id")
        )


def _workload_rows(r: WorkloadReport) -> list[FactRow]:
    """One row per reported figure (0 included); an empty figure gives no row: it stays unknown."""
    return [
        FactRow(metric=metric, org_unit_id=r.institution_id, month=r.month, value=float(value))
        for field, metric in WORKLOAD_METRICS.items()
        if (value := getattr(r, field)) is not None
    ]


def _workload_rebuild() -> Iterable[QuerySet]:
    for field, metric in WORKLOAD_METRICS.items():
        yield WorkloadReport.objects.filter(**{f"{field}__isnull": False}).annotate(
            f_metric=metric_value(metric),
            f_month=F("month"),
            **rebuild_credit(unit="institution_id", partnership=None, value=F(field) * Value(1.0)),
        )


register_source(Technique, rows=_technique_rows, rebuild=_technique_rebuild)
register_source(TechniqueMonth, rows=_technique_month_rows, rebuild=_technique_month_rebuild)
register_source(SpecialtyUnit, rows=_specialty_rows, rebuild=_specialty_rebuild)
register_source(WorkloadReport, rows=_workload_rows, rebuild=_workload_rebuild)


# --- measures: technique status as of the period end ------------------------------------------------
def _statuses_at(scope: Scope, on: date) -> dict[int, str]:
    """The status on ``on`` of each technique of the scope approved by then (read once per scope and day inside
    ``analytics.memo.records_memo()``: the three status measures of one cell share them)."""
    kept = memo()
    key = ("capacity.statuses", scope, on)
    if kept is not None and key in kept:
        return kept[key]
    techniques = list(
        Technique.objects.filter(scope.record_filter(unit="host"), approved_on__lte=on).select_related(
            "department", "partnership"
        )
    )
    found = technique_statuses(techniques, on=on) if techniques else {}
    if kept is not None:
        kept[key] = found
    return found


def _status_count(statuses: set[str]) -> Callable[[Scope, Period], tuple[float, bool]]:
    def query(scope: Scope, period: Period) -> tuple[float, bool]:
        found = _statuses_at(scope, period.end)
        if not found:
            return 0.0, False
        return float(sum(1 for status in found.values() if status in statuses)), True

    return query


def _status_evidence(statuses: set[str]) -> Callable[[Scope, Period], RecordSet]:
    def evidence(scope: Scope, period: Period) -> RecordSet:
        techniques = Technique.objects.filter(scope.record_filter(unit="host"), approved_on__lte=period.end)
        found = technique_statuses(list(techniques.select_related("department", "partnership")), on=period.end)
        chosen = [pk for pk, status in found.items() if status in statuses]
        note = _("Techniques approved by the period end with this status at the period end.")
        return RecordSet("techniques", Technique.objects.filter(pk__in=chosen), note=note)

    return evidence


_EVER_TRANSFERRED: set[str] = {TechniqueStatus.TRANSFERRED, TechniqueStatus.SUSTAINED, TechniqueStatus.LAPSED}
TRANSFERRED = Measure(
    "technique.transferred",
    _("Techniques transferred to local staff"),
    _status_count(_EVER_TRANSFERRED),
    evidence=_status_evidence(_EVER_TRANSFERRED),
)
SUSTAINED = Measure(
    "technique.sustained",
    _("Techniques sustained"),
    _status_count({str(TechniqueStatus.SUSTAINED)}),
    evidence=_status_evidence({str(TechniqueStatus.SUSTAINED)}),
)
LAPSED = Measure(
    "technique.lapsed",
    _("Techniques lapsed"),
    _status_count({str(TechniqueStatus.LAPSED)}),
    evidence=_status_evidence({str(TechniqueStatus.LAPSED)}),
)


# --- measures: workload against an earlier window ---------------------------------------------------
def _unit_q(unit: OrgUnit) -> Q:
    return Q(**{f"anc_{unit.level}": unit.pk})


def workload_fact_filter(scope: Scope) -> Q:
    """Workload reports carry no partnership: a programme or partnership scope selects the reports
    of its recipients' subtrees instead; an org unit scope its subtree (recipient side) or the
    recipients of the partnerships it supports (supporting side)."""
    condition = Q()
    partnerships = None
    if scope.org_unit is not None:
        if scope.side == "supporter":
            partnerships = Partnership.objects.filter(supporter__path__startswith=scope.org_unit.path)
        else:
            condition &= _unit_q(scope.org_unit)
    if scope.programme is not None:
        partnerships = (partnerships if partnerships is not None else Partnership.objects).filter(
            programme_id=scope.programme.pk
        )
    if scope.partnership is not None:
        partnerships = (partnerships if partnerships is not None else Partnership.objects).filter(
            pk=scope.partnership.pk
        )
    if partnerships is not None:
        recipients = OrgUnit.objects.filter(pk__in=partnerships.values("recipient_id"))
        either = Q(pk__in=[])
        for unit in recipients:
            either |= _unit_q(unit)
        condition &= either
    return condition


def operations_in(scope: Scope, first_month: int, last_month: int) -> tuple[float, bool]:
    """Operations (grades 1–4) reported in the scope between two months, and whether any was."""
    result = Fact.objects.filter(
        workload_fact_filter(scope),
        metric__in=[m.id for m in OPERATION_METRICS],
        month__gte=first_month,
        month__lte=last_month,
    ).aggregate(total=Sum("value"), rows=Sum("record_count"))
    return float(result["total"] or 0.0), bool(result["rows"])


def _growth_on_previous_year(scope: Scope, period: Period) -> tuple[float, bool]:
    """(operations in the period − in the same months a year earlier) ÷ the earlier × 100."""
    now, has_now = operations_in(scope, period.first_month, period.last_month)
    before, has_before = operations_in(scope, add_months(period.first_month, -12), add_months(period.last_month, -12))
    if not (has_now and has_before) or before == 0:
        return 0.0, False
    return (now - before) / before * 100, True


def baseline_window(scope: Scope, period: Period) -> tuple[int, int]:
    """The partnership's baseline window (whole months), or the calendar year before the period."""
    p = scope.partnership
    if isinstance(p, Partnership) and p.baseline_start and p.baseline_end:
        return month_of(p.baseline_start), month_of(p.baseline_end)
    year = period.first_month // 100 - 1
    return year * 100 + 1, year * 100 + 12


def _growth_on_baseline(scope: Scope, period: Period) -> tuple[float, bool]:
    """(operations in the period − baseline monthly average × months in the period) ÷ the latter × 100."""
    first, last = baseline_window(scope, period)
    baseline_months = (last // 100 - first // 100) * 12 + last % 100 - first % 100 + 1
    now, has_now = operations_in(scope, period.first_month, period.last_month)
    base, has_base = operations_in(scope, first, last)
    expected = base / baseline_months * len(period.months)
    if not (has_now and has_base) or expected == 0:
        return 0.0, False
    return (now - expected) / expected * 100, True


GROWTH_ON_PREVIOUS_YEAR = Measure(
    "workload.operations_growth_year", _("Operations growth on the previous year"), _growth_on_previous_year
)
GROWTH_ON_BASELINE = Measure(
    "workload.operations_growth_baseline", _("Operations growth on baseline"), _growth_on_baseline
)


# --- indicators ------------------------------------------------------------------------------------
TECHNIQUE_SOURCE = _("Shanhai new-technique records")
WORKLOAD_SOURCE = _("Monthly workload reports of the recipient institutions")
APP = "capacity"

registry.indicator(
    code="techniques_introduced",
    name_zh="引进新技术新项目数",
    name_en="New techniques introduced",
    numerator=Flow(TECHNIQUE_INTRODUCED),
    unit_zh="项",
    definition_zh="统计期内经受援机构准入批准（按批准日期计）的新技术新项目数，计入受援机构。",
    definition_en="New techniques and projects approved at the recipient within the period (by approval date).",
    source=TECHNIQUE_SOURCE,
    app=APP,
)
registry.indicator(
    code="techniques_gap_filled",
    name_zh="填补空白新技术数",
    name_en="Techniques filling a gap",
    numerator=Flow(GAP_METRICS[GapLevel.COUNTY])
    + Flow(GAP_METRICS[GapLevel.PREFECTURE])
    + Flow(GAP_METRICS[GapLevel.REGION])
    + Flow(GAP_METRICS[GapLevel.PROVINCE]),
    unit_zh="项",
    definition_zh="统计期内批准的新技术新项目中填补县级、州（市）级、区域或省级空白的项数（各级合计，每项按其最高级计一次）。",
    definition_en="Techniques approved within the period that filled a county, prefecture, regional or provincial gap "
    "(each counted once, at its highest level).",
    source=TECHNIQUE_SOURCE,
    app=APP,
)
_GAP_NAMES = {
    GapLevel.COUNTY: ("county", "填补县级空白新技术数", "Techniques filling a county-level gap", "县级"),
    GapLevel.PREFECTURE: (
        "prefecture",
        "填补州（市）级空白新技术数",
        "Techniques filling a prefecture-level gap",
        "州（市）级",
    ),
    GapLevel.REGION: ("region", "填补区域空白新技术数", "Techniques filling a regional gap", "区域"),
    GapLevel.PROVINCE: ("province", "填补省级空白新技术数", "Techniques filling a provincial gap", "省级"),
}
for _level, (_suffix, _zh, _en, _level_zh) in _GAP_NAMES.items():
    registry.indicator(
        code=f"techniques_gap_{_suffix}",
        name_zh=_zh,
        name_en=_en,
        numerator=Flow(GAP_METRICS[_level]),
        unit_zh="项",
        definition_zh=f"统计期内批准的新技术新项目中以填补{_level_zh}空白登记的项数。",
        definition_en=f"Techniques approved within the period recorded as filling a gap at {_suffix} level.",
        source=TECHNIQUE_SOURCE,
        app=APP,
    )
registry.indicator(
    code="techniques_transferred",
    name_zh="已转移本地新技术数",
    name_en="Techniques transferred to local staff",
    numerator=TRANSFERRED,
    unit_zh="项",
    definition_zh="截至统计期末已批准的新技术中，本地人员至少独立开展过1例的项数（含其后持续开展或已中断的）。",
    definition_en="Techniques approved by the end of the period that local staff had performed independently at least "
    "once by then (including those since sustained or lapsed).",
    source=TECHNIQUE_SOURCE,
    app=APP,
)
registry.indicator(
    code="techniques_sustained",
    name_zh="专家撤离后持续开展新技术数",
    name_en="Techniques sustained after the experts left",
    numerator=SUSTAINED,
    unit_zh="项",
    definition_zh="截至统计期末，该科室最后一名支援专家离开满N个月（默认6个月）后本地人员仍独立开展，且近N个月内有独立开展病例的新技术项数。",
    definition_en="Techniques that local staff still performed independently N months (6 by default) after the last "
    "supporting expert of the department left, with an independent case in the last N months to the period end.",
    source=TECHNIQUE_SOURCE,
    app=APP,
)
registry.indicator(
    code="techniques_lapsed",
    name_zh="专家撤离后中断新技术数",
    name_en="Techniques lapsed after the experts left",
    numerator=LAPSED,
    unit_zh="项",
    direction="down",
    definition_zh="截至统计期末已转移本地、支援专家离开满N个月（默认6个月），但近N个月内无本地独立开展病例的新技术项数。",
    definition_en="Transferred techniques whose experts left N months (6 by default) or more before the period end "
    "and that local staff did not perform independently in the last N months.",
    source=TECHNIQUE_SOURCE,
    app=APP,
)
registry.indicator(
    code="technique_cases_independent",
    name_zh="新技术本地独立开展例数",
    name_en="Technique cases done independently by local staff",
    numerator=Flow(CASES_INDEPENDENT),
    unit_zh="例",
    definition_zh="统计期内新技术由本地人员独立完成的病例数。",
    definition_en="Cases of new techniques performed independently by local staff within the period.",
    source=TECHNIQUE_SOURCE,
    app=APP,
)
registry.indicator(
    code="technique_cases_local_share",
    name_zh="新技术本地人员开展占比",
    name_en="Share of technique cases done by local staff",
    numerator=Flow(CASES_SUPERVISED) + Flow(CASES_INDEPENDENT),
    denominator=Flow(CASES_EXPERT) + Flow(CASES_SUPERVISED) + Flow(CASES_INDEPENDENT),
    factor=100,
    decimals=1,
    definition_zh="统计期内新技术病例中由本地人员完成（含指导下和独立）的例数 ÷ 全部病例数 × 100%。",
    definition_en="Technique cases done by local staff (supervised or independently) ÷ all technique cases × 100%.",
    source=TECHNIQUE_SOURCE,
    app=APP,
)

SPECIALTY_SOURCE = _("Shanhai department and specialty records")
registry.indicator(
    code="new_departments",
    name_zh="新建科室数",
    name_en="New departments established",
    numerator=Flow(SPECIALTY_METRICS[SpecialtyKind.NEW_DEPARTMENT]),
    unit_zh="个",
    definition_zh="统计期内在受援机构新建的临床或医技科室数（按成立日期）。",
    definition_en="Clinical or technical departments newly established at the recipients within the period.",
    source=SPECIALTY_SOURCE,
    app=APP,
)
registry.indicator(
    code="key_specialties",
    name_zh="建成重点专科数",
    name_en="Key specialties established",
    numerator=Flow(SPECIALTY_METRICS[SpecialtyKind.KEY_SPECIALTY]),
    unit_zh="个",
    definition_zh="统计期内受援机构获批或建成的重点专科数（按获批日期）。",
    definition_en="Key specialties recognised at the recipients within the period.",
    source=SPECIALTY_SOURCE,
    app=APP,
)
registry.indicator(
    code="expert_studios",
    name_zh="专家工作室（站）数",
    name_en="Expert studios and workstations established",
    numerator=Flow(SPECIALTY_METRICS[SpecialtyKind.EXPERT_STUDIO]) + Flow(SPECIALTY_METRICS[SpecialtyKind.WORKSTATION]),
    unit_zh="个",
    definition_zh="统计期内在受援机构设立的名医/专家工作室与博士工作站数。",
    definition_en="Expert studios (名医/专家工作室) and doctoral workstations (博士工作站) set up within the period.",
    source=SPECIALTY_SOURCE,
    app=APP,
)

_ORG = ("org",)
_OPS = Flow(OPERATION_METRICS[0]) + Flow(OPERATION_METRICS[1]) + Flow(OPERATION_METRICS[2]) + Flow(OPERATION_METRICS[3])
registry.indicator(
    code="operations_total",
    name_zh="手术量",
    name_en="Operations",
    numerator=_OPS,
    unit_zh="台次",
    definition_zh="统计期内机构月报的一至四级手术台次之和；未上报的月份或项目不计为0。",
    definition_en="Grade 1–4 operations in the institutions' monthly reports within the period; figures not reported "
    "are not counted as zero.",
    source=WORKLOAD_SOURCE,
    scopes=_ORG,
    app=APP,
)
registry.indicator(
    code="grade_3_4_share",
    name_zh="三四级手术占比",
    name_en="Share of grade 3 and 4 operations",
    numerator=Flow(OPERATION_METRICS[2]) + Flow(OPERATION_METRICS[3]),
    denominator=_OPS,
    factor=100,
    decimals=1,
    definition_zh="（三级手术台次 + 四级手术台次）÷（一级 + 二级 + 三级 + 四级手术台次）× 100%，分母为全部分级手术。",
    definition_en="(Grade 3 + grade 4 operations) ÷ (grade 1 + 2 + 3 + 4 operations) × 100%; the denominator is all "
    "graded operations.",
    source="《医疗机构手术分级管理办法》(国卫办医发〔2022〕18号)",
    scopes=_ORG,
    app=APP,
)
registry.indicator(
    code="operations_growth_on_previous_year",
    name_zh="手术量同比增长率",
    name_en="Operations growth on the previous year",
    numerator=GROWTH_ON_PREVIOUS_YEAR,
    decimals=1,
    unit_zh="%",
    unit_en="%",
    definition_zh="（统计期手术台次 − 上年同期手术台次）÷ 上年同期手术台次 × 100%；项目或帮扶关系范围取其受援机构。",
    definition_en="(Operations in the period − operations in the same months a year earlier) ÷ the earlier × 100%; "
    "a programme or partnership scope counts its recipients' reports.",
    source=WORKLOAD_SOURCE,
    app=APP,
)
registry.indicator(
    code="operations_growth_on_baseline",
    name_zh="手术量较基线增长率",
    name_en="Operations growth on the baseline",
    numerator=GROWTH_ON_BASELINE,
    decimals=1,
    unit_zh="%",
    unit_en="%",
    definition_zh="（统计期手术台次 − 基线期月均手术台次 × 统计期月数）÷（基线期月均手术台次 × 统计期月数）× 100%；"
    "基线期取帮扶关系的基线窗口，未设置或非帮扶关系范围时取统计期前一自然年。",
    definition_en="(Operations in the period − baseline monthly average × months in the period) ÷ (baseline monthly "
    "average × months in the period) × 100%; the baseline is the partnership's baseline window, else the calendar "
    "year before the period.",
    source=WORKLOAD_SOURCE,
    app=APP,
)
registry.indicator(
    code="outpatient_visits",
    name_zh="门诊人次",
    name_en="Outpatient visits",
    numerator=Flow(WORKLOAD_METRICS["outpatient_visits"]),
    unit_zh="人次",
    definition_zh="统计期内机构月报的门诊人次（不含急诊）。",
    definition_en="Outpatient visits (emergency excluded) in the institutions' monthly reports.",
    source=WORKLOAD_SOURCE,
    scopes=_ORG,
    app=APP,
)
registry.indicator(
    code="outpatient_emergency_visits",
    name_zh="门急诊人次",
    name_en="Outpatient and emergency visits",
    numerator=Flow(WORKLOAD_METRICS["outpatient_visits"]) + Flow(WORKLOAD_METRICS["emergency_visits"]),
    unit_zh="人次",
    definition_zh="统计期内机构月报的门诊人次与急诊人次之和。",
    definition_en="Outpatient plus emergency visits in the institutions' monthly reports.",
    source=WORKLOAD_SOURCE,
    scopes=_ORG,
    app=APP,
)
registry.indicator(
    code="discharges",
    name_zh="出院人次",
    name_en="Discharges",
    numerator=Flow(WORKLOAD_METRICS["discharges"]),
    unit_zh="人次",
    definition_zh="统计期内机构月报的出院人次。",
    definition_en="Discharges in the institutions' monthly reports.",
    source=WORKLOAD_SOURCE,
    scopes=_ORG,
    app=APP,
)
registry.indicator(
    code="referrals_out",
    name_zh="县外转诊人次",
    name_en="Referrals out of the county",
    numerator=Flow(WORKLOAD_METRICS["referrals_out"]),
    unit_zh="人次",
    direction="down",
    definition_zh="统计期内机构月报的转往县域外就诊人次。",
    definition_en="Patients referred out of the county, from the institutions' monthly reports.",
    source=WORKLOAD_SOURCE,
    scopes=_ORG,
    app=APP,
)


# --- reporting completeness: the monthly workload report ----------------------------------------------
WORKLOAD_REPORTS = registry.periodic_report(
    PeriodicReport(
        code="workload-reports",
        name=_("Monthly workload reports"),
        rule=_("An institution that sent a workload report in the twelve months before owes one for every month."),
        due=roster_due(lambda: WorkloadReport.objects.all(), "workload-reports"),
    )
)
