"""Metrics (ids 601–699), fact sources and the official MCH indicators (domain.md §3.2).

Area indicators: every fact sits on the woman's (or child's) **residence**, never on the institution
that served her, so a delivery in another county counts where she lives (妇幼年报, 辖区). A
pregnancy's outcome facts sit in its **delivery month**: a period's 产妇 are the women who
delivered in it, and the annual report's period is the MCH year (1 Oct–30 Sep, period ``2021Oct``).
A pregnancy that ends without delivery gives no outcome facts. Deaths sit in the month of death.

The pregnancy's rows depend on its visits, assessments and case, so the maternal services apply them
(``automatic=False``); ``rebuild`` derives the same rows from the stored flags with set-based SQL.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, timedelta
from functools import reduce
from itertools import pairwise
from operator import and_, or_

from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Sum, Value, When
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from shanhai.analytics.engine import Scope
from shanhai.analytics.facts import FactRow, MonthNumber, metric_value, rebuild_credit, register_source
from shanhai.analytics.registry import Evidence, Flow, Measure, Metric, RecordSet, registry
from shanhai.core.periods import Period, add_months, month_end, month_of, month_start
from shanhai.maternal.conditions import Condition, related_or_none
from shanhai.maternal.models import Child, DeathAge, DeliveryPlace, Pregnancy, add_years
from shanhai.maternal.rules import COUNTED_DEATH, UNDER_THREE_CHECK_FIELDS, UNDER_THREE_CHECKS, MchRules, mch_rules

SOURCE_NBCP = "国家卫生健康委《妇幼健康统计调查制度》年报表（孕产妇保健和健康情况年报表）"
SOURCE_PHS = "《国家基本公共卫生服务规范（第三版）》孕产妇健康管理服务规范 考核指标"
SOURCE_35 = "国卫办妇幼发〔2017〕35号《孕产妇妊娠风险评估与管理工作规范》"
SOURCE_CHILD = "《国家基本公共卫生服务规范（第三版）》0～6岁儿童健康管理服务规范"


# --- metrics ----------------------------------------------------------------------------------------------
def _delivered(condition: Q | None = None, value: str | None = None) -> Evidence:
    return Evidence(
        "pregnancies",
        month="delivery__delivered_on",
        unit="woman__residence",
        partnership=None,
        condition=Q(delivery__isnull=False) & (condition or Q()),
        value=value,
    )


def _child(month: str, condition: Q) -> Evidence:
    return Evidence("children", month=month, unit="residence", partnership=None, condition=condition)


LIVE_BIRTHS = registry.metric(
    601, "mch.live_births", _("Live births"), evidence=_delivered(value="delivery__live_births")
)
MOTHERS = registry.metric(602, "mch.mothers", _("Women delivered (产妇)"), evidence=_delivered())
FACILITY_LIVE_BIRTHS = registry.metric(
    603,
    "mch.facility_live_births",
    _("Live births in a facility"),
    evidence=_delivered(Q(delivery__place=DeliveryPlace.FACILITY), value="delivery__live_births"),
)


def flag_conditions(rules: MchRules) -> dict[str, Condition]:
    """Which delivered pregnancies give each flag metric, on their stored flags (``derived.py``); read as
    SQL by the rebuild and the evidence lists, in memory by :func:`pregnancy_rows`."""
    return {
        "early": Condition({"is_early_registered": True}),
        "antenatal": Condition({"antenatal_visit_count__gte": 1}),
        "antenatal_5": Condition({"antenatal_visit_count__gte": rules.minimum_antenatal_visits}),
        "system": Condition({"is_system_managed": True}),
        "high_risk": Condition({"is_high_risk": True}),
        "high_risk_managed": Condition({"is_high_risk": True, "is_high_risk_managed": True}),
        "high_risk_facility": Condition({"is_high_risk": True, "delivery__place": DeliveryPlace.FACILITY}),
        "postpartum": Condition({"is_postpartum_visited": True}),
    }


_FLAGS: tuple[tuple[str, int, str, StrOrPromise], ...] = (
    ("early", 604, "mch.early_registered", _("Registered before 13 weeks")),
    ("antenatal", 605, "mch.antenatal_any", _("With at least one antenatal exam")),
    ("antenatal_5", 606, "mch.antenatal_5", _("With five or more antenatal exams")),
    ("system", 607, "mch.system_managed", _("Systematically managed")),
    ("high_risk", 608, "mch.high_risk", _("High-risk women delivered")),
    ("high_risk_managed", 609, "mch.high_risk_managed", _("High-risk women under management")),
    ("high_risk_facility", 610, "mch.high_risk_facility", _("High-risk women delivered in a facility")),
    ("postpartum", 611, "mch.postpartum_visited", _("Visited after delivery in time")),
)
#: The evidence lists read the rules as the process started (a deployment restarts after a change of
#: ``SHANHAI_MCH_RULES``); the facts read them at each write and rebuild.
_STARTUP_FLAGS = flag_conditions(mch_rules())
FLAG_METRICS: dict[str, Metric] = {
    key: registry.metric(id, code, name, evidence=_delivered(_STARTUP_FLAGS[key].q())) for key, id, code, name in _FLAGS
}
MATERNAL_DEATHS = registry.metric(
    620,
    "mch.maternal_deaths",
    _("Maternal deaths"),
    evidence=Evidence(
        "pregnancies",
        month="death__died_on",
        unit="woman__residence",
        partnership=None,
        condition=Q(death__isnull=False) & COUNTED_DEATH.q("death__"),
    ),
)
NEONATAL_DEATHS = registry.metric(
    621,
    "mch.neonatal_deaths",
    _("Neonatal deaths (under 28 days)"),
    evidence=_child("died_on", Q(death_age=DeathAge.NEONATAL)),
)
INFANT_DEATHS = registry.metric(
    622,
    "mch.infant_deaths",
    _("Infant deaths (under 1 year)"),
    evidence=_child("died_on", Q(death_age__lte=DeathAge.INFANT)),
)
UNDER_FIVE_DEATHS = registry.metric(
    623,
    "mch.under_five_deaths",
    _("Deaths under 5 years"),
    evidence=_child("died_on", Q(death_age__lte=DeathAge.UNDER_FIVE)),
)
NEWBORNS_SCREENED = registry.metric(
    624,
    "mch.newborns_screened",
    _("Newborns screened (PKU, CH)"),
    evidence=_child("birth_date", Q(newborn_screened_on__isnull=False)),
)
HIGH_RISK_INFANTS = registry.metric(
    625, "mch.high_risk_infants", _("High-risk infants born"), evidence=_child("birth_date", Q(is_high_risk=True))
)


#: Each child death rate's metric and the oldest age band it counts (domain.md §3.2).
CHILD_DEATH_METRICS = (
    (NEONATAL_DEATHS, DeathAge.NEONATAL),
    (INFANT_DEATHS, DeathAge.INFANT),
    (UNDER_FIVE_DEATHS, DeathAge.UNDER_FIVE),
)


# --- fact sources ---------------------------------------------------------------------------------------------
def pregnancy_rows(pregnancy: Pregnancy) -> list[FactRow]:
    """A delivered pregnancy's outcome rows in its delivery month, and a counted death in its month,
    at the woman's residence."""
    rows: list[FactRow] = []
    unit = pregnancy.woman.residence_id
    delivery = related_or_none(pregnancy, "delivery")
    if delivery is not None:
        month = month_of(delivery.delivered_on)
        rows.append(FactRow(metric=MOTHERS, org_unit_id=unit, month=month))
        if delivery.live_births:
            rows.append(FactRow(metric=LIVE_BIRTHS, org_unit_id=unit, month=month, value=float(delivery.live_births)))
            if delivery.place == DeliveryPlace.FACILITY:
                rows.append(
                    FactRow(
                        metric=FACILITY_LIVE_BIRTHS, org_unit_id=unit, month=month, value=float(delivery.live_births)
                    )
                )
        conditions = flag_conditions(mch_rules())
        rows += [
            FactRow(metric=metric, org_unit_id=unit, month=month)
            for key, metric in FLAG_METRICS.items()
            if conditions[key].holds(pregnancy)
        ]
    death = related_or_none(pregnancy, "death")
    if death is not None and COUNTED_DEATH.holds(death):
        rows.append(FactRow(metric=MATERNAL_DEATHS, org_unit_id=unit, month=month_of(death.died_on)))
    return rows


def _pregnancy_rebuild() -> Iterable[QuerySet[Pregnancy]]:
    delivered = Pregnancy.objects.filter(delivery__isnull=False)
    common = {"f_month": MonthNumber("delivery__delivered_on")}
    credit = rebuild_credit(unit="woman__residence_id", partnership=None)
    yield delivered.annotate(f_metric=metric_value(MOTHERS), **common, **credit)
    by_births = rebuild_credit(
        unit="woman__residence_id", partnership=None, value=F("delivery__live_births") * Value(1.0)
    )
    yield delivered.filter(delivery__live_births__gt=0).annotate(
        f_metric=metric_value(LIVE_BIRTHS), **common, **by_births
    )
    yield delivered.filter(delivery__live_births__gt=0, delivery__place=DeliveryPlace.FACILITY).annotate(
        f_metric=metric_value(FACILITY_LIVE_BIRTHS), **common, **by_births
    )
    conditions = flag_conditions(mch_rules())
    for key, metric in FLAG_METRICS.items():
        yield delivered.filter(conditions[key].q()).annotate(f_metric=metric_value(metric), **common, **credit)
    yield (
        Pregnancy.objects.filter(Q(death__isnull=False) & COUNTED_DEATH.q("death__")).annotate(
            f_metric=metric_value(MATERNAL_DEATHS), f_month=MonthNumber("death__died_on"), **credit
        )
    )


def child_rows(child: Child) -> list[FactRow]:
    """A child's rows at its residence: screened and high-risk in its birth month, a death under 5 in
    the month of death (in each rate whose age band covers it)."""
    unit = child.residence_id
    born = month_of(child.birth_date)
    rows: list[FactRow] = []
    if child.newborn_screened_on is not None:
        rows.append(FactRow(metric=NEWBORNS_SCREENED, org_unit_id=unit, month=born))
    if child.is_high_risk:
        rows.append(FactRow(metric=HIGH_RISK_INFANTS, org_unit_id=unit, month=born))
    if child.died_on is not None and child.death_age is not None:
        died = month_of(child.died_on)
        rows += [
            FactRow(metric=metric, org_unit_id=unit, month=died)
            for metric, oldest in CHILD_DEATH_METRICS
            if child.death_age <= oldest
        ]
    return rows


def _child_rebuild() -> Iterable[QuerySet[Child]]:
    credit = rebuild_credit(unit="residence_id", partnership=None)
    born = {"f_month": MonthNumber("birth_date")}
    yield Child.objects.filter(newborn_screened_on__isnull=False).annotate(
        f_metric=metric_value(NEWBORNS_SCREENED), **born, **credit
    )
    yield Child.objects.filter(is_high_risk=True).annotate(f_metric=metric_value(HIGH_RISK_INFANTS), **born, **credit)
    for metric, oldest in CHILD_DEATH_METRICS:
        yield Child.objects.filter(died_on__isnull=False, death_age__lte=oldest).annotate(
            f_metric=metric_value(metric), f_month=MonthNumber("died_on"), **credit
        )


register_source(Pregnancy, rows=pregnancy_rows, rebuild=_pregnancy_rebuild, automatic=False)
register_source(Child, rows=child_rows, rebuild=_child_rebuild, automatic=False)


# --- measure: children under 3 under systematic management ---------------------------------------------------
def _under_three(scope: Scope, period: Period) -> QuerySet[Child]:
    """Children alive and under 3 at the period's end (the third birthday not reached yet), at their residence."""
    end = period.end
    third_birthday_today = add_years(end, -3)
    return Child.objects.filter(
        scope.record_filter(unit="residence", partnership=None),
        birth_date__lte=end,
        birth_date__gt=third_birthday_today,
    ).filter(Q(died_on__isnull=True) | Q(died_on__gt=end))


def _under_three_due(scope: Scope, period: Period) -> tuple[QuerySet[Child], Q]:
    """Children under 3 at the period's end with a check due in the period (their 3, 6, 8, 12, 18, 24 or
    30-month date falls in it: ``rules.UNDER_THREE_CHECKS``, 4:2:2 — domain.md §3.2, §3.3), and the
    condition "every such check done by the period's end". A child with no check due in the period
    counts in neither number.

    Periods are whole months and a check's date keeps the month (``models.months_after``), so the
    m-month check falls in the period exactly when the child was born in the period's months shifted
    back by m: one query, no per-child Python. A check is done by the period's end when the child's stored
    date of it (``rules.UNDER_THREE_CHECK_FIELDS``: the earliest check of that kind, kept by the services) is
    on or before it, so the condition reads the child's own columns (``NOT due OR done``), never its checks."""
    due = {
        kind: Q(
            birth_date__gte=month_start(add_months(period.first_month, -months)),
            birth_date__lte=month_end(add_months(period.last_month, -months)),
        )
        for kind, months in UNDER_THREE_CHECKS
    }
    managed = reduce(
        and_,
        (~condition | Q(**{f"{UNDER_THREE_CHECK_FIELDS[kind]}__lte": period.end}) for kind, condition in due.items()),
    )
    return _under_three(scope, period).filter(reduce(or_, due.values())), managed


def _due_segments(period: Period) -> list[tuple[date, date, tuple[str, ...]]]:
    """The birth dates of children under 3 at the period's end, cut where the set of checks due in the period
    changes: ``(first, after, kinds)``, in order and adjacent, a child born on or after ``first`` and before
    ``after`` has exactly ``kinds`` due (none in a gap between windows). The windows are those of
    :func:`_under_three_due`, as half-open ranges of birth dates."""
    born_after = add_years(period.end, -3)  # the third birthday not reached by the period's end
    windows = [
        (
            kind,
            month_start(add_months(period.first_month, -months)),
            month_end(add_months(period.last_month, -months)) + timedelta(days=1),
        )
        for kind, months in UNDER_THREE_CHECKS
    ]
    cuts = {born_after + timedelta(days=1)} | {day for _kind, first, after in windows for day in (first, after)}
    return [
        (first, after, tuple(kind for kind, start, end in windows if start <= first and after <= end))
        for first, after in pairwise(sorted(day for day in cuts if day > born_after))
    ]


def _by_segment(
    segments: list[tuple[date, date, tuple[str, ...]]], leaf: Callable[[tuple[str, ...]], Case | Value]
) -> Case | Value:
    """``leaf(kinds)`` of the segment a child's birth date falls in, chosen by halving the segments (a CASE four
    deep for up to 16 segments), so each child is compared with a few cut dates, not with every window."""
    if len(segments) == 1:
        return leaf(segments[0][2])
    middle = len(segments) // 2
    return Case(
        When(birth_date__lt=segments[middle][0], then=_by_segment(segments[:middle], leaf)),
        default=_by_segment(segments[middle:], leaf),
        output_field=IntegerField(),
    )


def _under_three_both(scope: Scope, period: Period) -> tuple[tuple[float, bool], tuple[float, bool]]:
    """The children of :func:`_under_three_due` who had every check due, and all of them, in one pass over an index
    that holds the stored check dates too (``maternal`` migration ``child_under_three_checks``): no child's row and
    no check is read. The engine asks for both at once for the rate (``Measure.together``).

    The same children and condition, evaluated per range of birth dates with a fixed set of checks due
    (:func:`_due_segments`): a child is tested only against its own checks' dates. At a million pregnancies on
    SQLite this count was 380 of the 390 ms of a province's MCH indicators, and testing all seven windows on every
    child (``_under_three_due``'s condition, which the evidence list still uses) was most of it; one count per range
    was slower on the real build (bench/README.md, fourth attempt), hence one query with a CASE over the ranges."""
    segments = _due_segments(period)
    due_at = [index for index, (_first, _after, kinds) in enumerate(segments) if kinds]
    if not due_at:
        return (0.0, False), (0.0, False)
    segments = segments[due_at[0] : due_at[-1] + 1]  # no child born outside the windows counts

    def done(kinds: tuple[str, ...]) -> Case | Value:
        if not kinds:
            return Value(0)
        every = Q(**{f"{UNDER_THREE_CHECK_FIELDS[kind]}__lte": period.end for kind in kinds})
        return Case(When(every, then=Value(1)), default=Value(0), output_field=IntegerField())

    children = _under_three(scope, period).filter(birth_date__gte=segments[0][0], birth_date__lt=segments[-1][1])
    in_gap = any(not kinds for _first, _after, kinds in segments)
    counts = children.order_by().aggregate(
        due=Sum(_by_segment(segments, lambda kinds: Value(1 if kinds else 0))) if in_gap else Count("pk"),
        managed=Sum(_by_segment(segments, done)),
    )
    due, managed = counts["due"] or 0, counts["managed"] or 0
    return (float(managed), due > 0), (float(due), due > 0)


def _under_three_managed(scope: Scope, period: Period) -> tuple[float, bool]:
    return _under_three_both(scope, period)[0]


def _under_three_eligible(scope: Scope, period: Period) -> tuple[float, bool]:
    return _under_three_both(scope, period)[1]


def _under_three_evidence(scope: Scope, period: Period) -> RecordSet:
    children, condition = _under_three_due(scope, period)
    note = _("Children under 3 at the period end who had every check due in the period.")
    return RecordSet("children", children.filter(condition), note=note)


UNDER_THREE_MANAGED = Measure(
    "mch.under_three_managed",
    _("Children under 3 under systematic management"),
    _under_three_managed,
    evidence=_under_three_evidence,
    together=_under_three_both,
)
UNDER_THREE_DUE = Measure(
    "mch.under_three_due",
    _("Children under 3 with a check due in the period"),
    _under_three_eligible,
    together=_under_three_both,
)


# --- indicators -------------------------------------------------------------------------------------------------
_MCH = {"scopes": ("org",), "app": "maternal"}


def _rate(
    code: str, zh: str, en: str, numerator: object, denominator: object, *, factor: int = 100, **kw: object
) -> None:
    registry.indicator(
        code=code,
        name_zh=zh,
        name_en=en,
        numerator=numerator,
        denominator=denominator,
        factor=factor,
        decimals=2,
        **_MCH,
        **kw,
    )


_rate(
    "mch.early_registration_rate",
    "早孕建册率",
    "Registration in early pregnancy",
    Flow(FLAG_METRICS["early"]),
    Flow(LIVE_BIRTHS),
    definition_zh="辖区内孕13周之前（<13⁺⁰周）建册并进行第一次产前检查的产妇人数 ÷ 同期活产数 × 100%。按产妇居住地、分娩月份统计。",
    definition_en="Women who registered and had their first antenatal exam before 13 weeks (<13+0) ÷ live births in the area and period × 100%. Counted at the woman's residence, in the month she delivered.",
    source=SOURCE_PHS,
)
_rate(
    "mch.antenatal_rate",
    "产前检查率",
    "Antenatal care coverage",
    Flow(FLAG_METRICS["antenatal"]),
    Flow(LIVE_BIRTHS),
    definition_zh="辖区内产妇中孕期接受过1次及以上产前检查的人数 ÷ 同期活产数 × 100%（年报口径）。",
    definition_en="Women delivered who had at least one antenatal exam ÷ live births × 100% (annual-report definition).",
    source=SOURCE_NBCP,
)
_rate(
    "mch.system_management_rate",
    "孕产妇系统管理率",
    "Systematic maternal care",
    Flow(FLAG_METRICS["system"]),
    Flow(LIVE_BIRTHS),
    definition_zh="孕期至产后28天内接受早孕建册、5次及以上产前检查、新法接生和产后访视的产妇人数 ÷ 同期活产数 × 100%。",
    definition_en="Women who had early registration, five or more antenatal exams, a modern (clean) delivery and a postpartum visit ÷ live births × 100%.",
    source=SOURCE_NBCP,
)
_rate(
    "mch.high_risk_proportion",
    "高危孕产妇比例",
    "Share of high-risk women",
    Flow(FLAG_METRICS["high_risk"]),
    Flow(MOTHERS),
    definition_zh="妊娠风险评估为黄色及以上（含紫色）的产妇人数 ÷ 同期产妇总数 × 100%。以孕产期（含产后42天内）最高评级计：评级下降仍计为高危。",
    definition_en="Women delivered whose risk grading reached yellow or above (purple included) ÷ all women delivered × 100%. The highest grading from pregnancy to 42 days postpartum counts: a grading that goes down still counts.",
    source=SOURCE_35,
    direction="none",
)
_rate(
    "mch.high_risk_management_rate",
    "高危孕产妇管理率",
    "High-risk women under management",
    Flow(FLAG_METRICS["high_risk_managed"]),
    Flow(FLAG_METRICS["high_risk"]),
    definition_zh="高危产妇中得到管理的人数 ÷ 高危产妇人数 × 100%。得到管理：评为高危后有随访（产前检查或产后访视），橙色、红色、紫色者已建专案。",
    definition_en="High-risk women delivered who were managed ÷ high-risk women delivered × 100%. Managed: followed up (an antenatal or postpartum visit) after being graded high-risk, with a 专案 for orange, red and purple.",
    source=SOURCE_NBCP,
)
_rate(
    "mch.high_risk_facility_rate",
    "高危产妇住院分娩率",
    "High-risk women delivered in a facility",
    Flow(FLAG_METRICS["high_risk_facility"]),
    Flow(FLAG_METRICS["high_risk"]),
    definition_zh="高危产妇中住院分娩的人数 ÷ 高危产妇人数 × 100%。",
    definition_en="High-risk women delivered in a facility ÷ high-risk women delivered × 100%.",
    source=SOURCE_NBCP,
)
_rate(
    "mch.postpartum_visit_rate",
    "产后访视率",
    "Postpartum visits",
    Flow(FLAG_METRICS["postpartum"]),
    Flow(LIVE_BIRTHS),
    definition_zh="出院后28天内（可配置）接受过产后访视的产妇人数 ÷ 同期活产数 × 100%。",
    definition_en="Women visited within 28 days of discharge (configurable) ÷ live births × 100%.",
    source=SOURCE_PHS,
)
_rate(
    "mch.facility_delivery_rate",
    "住院分娩率",
    "Facility deliveries",
    Flow(FACILITY_LIVE_BIRTHS),
    Flow(LIVE_BIRTHS),
    definition_zh="在具有助产资质的医疗机构（乡镇卫生院及以上）分娩的活产数 ÷ 同期活产数 × 100%。",
    definition_en="Live births delivered in a facility with midwifery services (township health centre and above) ÷ all live births × 100%.",
    source=SOURCE_NBCP,
)
_rate(
    "mch.maternal_mortality",
    "孕产妇死亡率",
    "Maternal mortality ratio",
    Flow(MATERNAL_DEATHS),
    Flow(LIVE_BIRTHS),
    factor=100000,
    definition_zh="妊娠期至妊娠结束后42天内因与妊娠有关或由妊娠加重的原因死亡（不含意外）的人数 ÷ 同期活产数 × 10万。",
    definition_en="Deaths in pregnancy or within 42 days after it ends, from causes related to or aggravated by it (accidents excluded) ÷ live births × 100,000.",
    source=SOURCE_NBCP,
    direction="down",
)
_rate(
    "mch.neonatal_mortality",
    "新生儿死亡率",
    "Neonatal mortality rate",
    Flow(NEONATAL_DEATHS),
    Flow(LIVE_BIRTHS),
    factor=1000,
    definition_zh="出生后28天内死亡的新生儿数 ÷ 同期活产数 × 1000‰。",
    definition_en="Deaths within 28 days of birth ÷ live births × 1,000.",
    source=SOURCE_NBCP,
    direction="down",
)
_rate(
    "mch.infant_mortality",
    "婴儿死亡率",
    "Infant mortality rate",
    Flow(INFANT_DEATHS),
    Flow(LIVE_BIRTHS),
    factor=1000,
    definition_zh="未满1岁死亡的婴儿数 ÷ 同期活产数 × 1000‰。",
    definition_en="Deaths under 1 year ÷ live births × 1,000.",
    source=SOURCE_NBCP,
    direction="down",
)
_rate(
    "mch.under_five_mortality",
    "5岁以下儿童死亡率",
    "Under-five mortality rate",
    Flow(UNDER_FIVE_DEATHS),
    Flow(LIVE_BIRTHS),
    factor=1000,
    definition_zh="未满5岁死亡的儿童数 ÷ 同期活产数 × 1000‰。",
    definition_en="Deaths under 5 years ÷ live births × 1,000.",
    source=SOURCE_NBCP,
    direction="down",
)
_rate(
    "mch.newborn_screening_rate",
    "新生儿疾病筛查率",
    "Newborn disease screening",
    Flow(NEWBORNS_SCREENED),
    Flow(LIVE_BIRTHS),
    definition_zh="接受苯丙酮尿症和先天性甲状腺功能减低症筛查的新生儿数 ÷ 同期活产数 × 100%（听力筛查另计）。按出生月份统计。",
    definition_en="Newborns screened for PKU and congenital hypothyroidism ÷ live births × 100% (hearing screening reported apart). Counted in the month of birth.",
    source="《新生儿疾病筛查管理办法》；妇幼健康统计调查制度",
)
_rate(
    "mch.under_three_management_rate",
    "3岁以下儿童系统管理率",
    "Systematic care of children under 3",
    UNDER_THREE_MANAGED,
    UNDER_THREE_DUE,
    definition_zh="期末未满3岁、期内按要求（3、6、8、12、18、24、30月龄，即“4:2:2”）接受了应做的全部健康检查的儿童数 ÷ 期内有应做检查的3岁以下儿童数 × 100%。",
    definition_en="Children under 3 at the period end who had every check due in the period (at 3, 6, 8, 12, 18, 24 and 30 months: the 4:2:2 frequency) ÷ children under 3 with a check due in the period × 100%.",
    source=SOURCE_CHILD,
)
