"""Metrics (ids 1301–1349), fact sources and indicators of the screening programmes.

Where facts go: a person-level record (a woman screened, a couple or person checked, a near-miss case) sits on
the person's **residence** in the month of the service, like the MCH indicators (妇幼年报 counts the area's
residents), credited to its partnership where it has one (a supporting team's 两癌 campaign); a nutrition
report on its institution in its month (``periodic``: a monthly report, a missing one is not reported, never
0); a critical care centre's designation on its institution (+1 in the month designated, +1 "revoked" in the
month after the revocation, so ``Closing`` gives the centres in force); a target population on its region in
January of its year (no evidence: a region without a target figure is "not reported", not 0).

Two denominators are the maternal app's metrics, found in the one registry by their codes (``mch.mothers``,
``mch.live_births``: registered first, maternal comes before this app in ``INSTALLED_APPS``) — the registry is
the shared layer, so this app never imports maternal.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Case, F, FloatField, Model, Q, QuerySet, Value, When
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _

from shanhai.analytics.facts import FactRow, MonthNumber, credit, metric_value, rebuild_credit, register_source
from shanhai.analytics.registry import Closing, Evidence, Flow, Metric, PeriodicReport, registry, roster_due
from shanhai.core.periods import add_months, month_of
from shanhai.screening.models import (
    EARLY_LESIONS,
    LESIONS,
    CancerScreening,
    CareCentre,
    CentreKind,
    Compliance,
    DiagnosisResult,
    NearMissCase,
    NearMissOutcome,
    NutritionReport,
    PreconceptionCheck,
    PremaritalCheck,
    PrenatalScreening,
    RiskResult,
    ScreeningTarget,
    ScreenResult,
    TargetPopulation,
)


# --- conditions, read both as SQL and on an instance --------------------------------------------------------
@dataclass(frozen=True)
class Where:
    """Which records give a metric a fact: ``equal`` (field → value or tuple of values), ``unequal`` (field →
    value), ``present`` (fields not NULL). One definition for the incremental rows, the rebuild and the evidence."""

    equal: dict[str, Any] = field(default_factory=dict)
    unequal: dict[str, Any] = field(default_factory=dict)
    present: tuple[str, ...] = ()

    def q(self) -> Q:
        q = Q()
        for name, value in self.equal.items():
            q &= Q(**{f"{name}__in" if isinstance(value, tuple) else name: value})
        for name, value in self.unequal.items():
            q &= ~Q(**{name: value})
        for name in self.present:
            q &= Q(**{f"{name}__isnull": False})
        return q

    def holds(self, record: Model) -> bool:
        for name, value in self.equal.items():
            actual = getattr(record, name)
            if actual not in value if isinstance(value, tuple) else actual != value:
                return False
        if any(getattr(record, name) == value for name, value in self.unequal.items()):
            return False
        return all(getattr(record, name) is not None for name in self.present)


ALL = Where()


@dataclass(frozen=True)
class Count:
    """A metric of a source: its condition and what each record adds (``value``: a field, or None for 1)."""

    metric: Metric
    where: Where = ALL
    value: str | None = None


@dataclass(frozen=True)
class Source:
    """A model's facts: the unit and month fields, the partnership (None: credited to none) and its counts."""

    model: type[Model]
    unit: str
    month: str
    partnership: str | None
    counts: list[Count]
    month_is_int: bool = False
    row_value: Callable[[Model, Count], float] | None = None
    rebuild_value: Callable[[Count], Any] | None = None

    def rows(self, record: Model) -> list[FactRow]:
        day = getattr(record, self.month)
        month = day if self.month_is_int else month_of(day)
        partnership = getattr(record, self.partnership) if self.partnership else None
        common = {"org_unit_id": getattr(record, f"{self.unit}_id"), "month": month, **credit(partnership)}
        rows = []
        for count in self.counts:
            if count.where.holds(record):
                value = self.row_value(record, count) if self.row_value else _field_value(record, count)
                rows.append(FactRow(metric=count.metric, value=value, **common))
        return rows

    def rebuild(self) -> Iterable[QuerySet[Model]]:
        month = F(self.month) if self.month_is_int else MonthNumber(self.month)
        for count in self.counts:
            value = self.rebuild_value(count) if self.rebuild_value else _field_expression(count)
            yield self.model._default_manager.filter(count.where.q()).annotate(
                f_metric=metric_value(count.metric),
                f_month=month,
                **rebuild_credit(unit=f"{self.unit}_id", partnership=self.partnership, value=value),
            )


def _field_value(record: Model, count: Count) -> float:
    return 1.0 if count.value is None else float(getattr(record, count.value))


def _field_expression(count: Count) -> Any:
    return None if count.value is None else Cast(count.value, FloatField())


#: The fact source of each person-level model (``bulk.bulk_load`` computes a batch's rows with it).
SOURCES: dict[type[Model], Source] = {}


def _register(source: Source) -> None:
    SOURCES[source.model] = source
    register_source(source.model, rows=source.rows, rebuild=source.rebuild)


def _evidence(
    kind: str, source_month: str, unit: str, where: Where, *, partnership: str | None = None, **kw: Any
) -> Evidence:
    return Evidence(kind, month=source_month, unit=unit, partnership=partnership, condition=where.q(), **kw)


# --- metrics -------------------------------------------------------------------------------------------------
def _cancer(id: int, organ: str, code: str, name: Any, where: Where) -> Count:
    return Count(
        registry.metric(
            id,
            f"screening.{organ}_{code}",
            name,
            evidence=_evidence("cancer-screenings", "screened_on", "residence", where, partnership="partnership"),
        ),
        where,
    )


def _organ_counts(organ: str, base: int, names: dict[str, Any]) -> dict[str, Count]:
    method, result, diagnosis = f"{organ}_method", f"{organ}_result", f"{organ}_diagnosis"
    wheres = {
        "screened": Where(unequal={method: ""}),
        "abnormal": Where(equal={result: ScreenResult.ABNORMAL}),
        "followed_up": Where(equal={result: ScreenResult.ABNORMAL, "is_followed_up": True}),
        "lesions": Where(equal={diagnosis: tuple(LESIONS)}),
        "early": Where(equal={diagnosis: tuple(EARLY_LESIONS)}),
        "treated": Where(equal={diagnosis: tuple(LESIONS), "is_treated": True}),
    }
    return {key: _cancer(base + i, organ, key, names[key], where) for i, (key, where) in enumerate(wheres.items())}


CERVICAL = _organ_counts(
    "cervical",
    1301,
    {
        "screened": _("Women screened for cervical cancer"),
        "abnormal": _("Abnormal cervical screening results"),
        "followed_up": _("Abnormal cervical results followed up"),
        "lesions": _("Cervical precancers and cancers found"),
        "early": _("Cervical precancers and early cancers found"),
        "treated": _("Cervical precancers and cancers treated"),
    },
)
BREAST = _organ_counts(
    "breast",
    1307,
    {
        "screened": _("Women screened for breast cancer"),
        "abnormal": _("Abnormal breast screening results"),
        "followed_up": _("Abnormal breast results followed up"),
        "lesions": _("Breast precancers and cancers found"),
        "early": _("Breast precancers and early cancers found"),
        "treated": _("Breast precancers and cancers treated"),
    },
)
_register(Source(CancerScreening, "residence", "screened_on", "partnership", [*CERVICAL.values(), *BREAST.values()]))


def _person_counts(
    kind: str, month: str, model_counts: list[tuple[int, str, Any, Where, str | None]]
) -> dict[str, Count]:
    return {
        code.rsplit(".", 1)[1]: Count(
            registry.metric(id, code, name, evidence=_evidence(kind, month, "residence", where, value=value)),
            where,
            value,
        )
        for id, code, name, where, value in model_counts
    }


PRENATAL = _person_counts(
    "prenatal-screenings",
    "screened_on",
    [
        (1313, "screening.prenatal_screened", _("Pregnant women given prenatal screening"), ALL, None),
        (
            1314,
            "screening.prenatal_high_risk",
            _("High-risk prenatal screening results"),
            Where({"result": RiskResult.HIGH}),
            None,
        ),
        (
            1315,
            "screening.prenatal_diagnosed",
            _("High-risk women given a prenatal diagnosis"),
            Where({"result": RiskResult.HIGH}, present=("diagnosed_on",)),
            None,
        ),
        (
            1316,
            "screening.prenatal_confirmed",
            _("Abnormalities confirmed by prenatal diagnosis"),
            Where({"diagnosis_result": DiagnosisResult.ABNORMAL}),
            None,
        ),
    ],
)
_register(Source(PrenatalScreening, "residence", "screened_on", None, list(PRENATAL.values())))

PRECONCEPTION = _person_counts(
    "preconception-checks",
    "checked_on",
    [
        (1317, "screening.preconception_couples", _("Couples given a pre-pregnancy check"), ALL, None),
        (1318, "screening.preconception_persons", _("Persons given a pre-pregnancy check"), ALL, None),
        (1319, "screening.preconception_risk", _("Couples with a risk found"), Where({"is_risk_found": True}), None),
        (1320, "screening.folic_acid_given", _("Women given folic acid"), Where({"is_folic_acid_given": True}), None),
        (
            1321,
            "screening.folic_acid_followed",
            _("Women followed up on folic acid"),
            Where({"is_folic_acid_given": True}, unequal={"folic_acid_compliance": ""}),
            None,
        ),
        (
            1322,
            "screening.folic_acid_compliant",
            _("Women taking folic acid as advised"),
            Where({"folic_acid_compliance": Compliance.COMPLIANT}),
            None,
        ),
    ],
)
_PERSONS = PRECONCEPTION["preconception_persons"]


def _preconception_value(record: Model, count: Count) -> float:
    return float(record.persons) if count is _PERSONS else 1.0  # type: ignore[attr-defined]


def _preconception_rebuild(count: Count) -> Any:
    if count is _PERSONS:
        return Case(When(is_couple=True, then=Value(2.0)), default=Value(1.0), output_field=FloatField())
    return None


_register(
    Source(
        PreconceptionCheck,
        "residence",
        "checked_on",
        None,
        list(PRECONCEPTION.values()),
        row_value=_preconception_value,
        rebuild_value=_preconception_rebuild,
    )
)

PREMARITAL = _person_counts(
    "premarital-checks",
    "checked_on",
    [
        (1323, "screening.premarital_checked", _("Persons given a premarital check"), ALL, None),
        (
            1324,
            "screening.premarital_condition",
            _("Premarital checks finding a condition"),
            Where({"is_condition_found": True}),
            None,
        ),
    ],
)
_register(Source(PremaritalCheck, "residence", "checked_on", None, list(PREMARITAL.values())))


def _nutrition(id: int, code: str, name: Any, value: str) -> Count:
    evidence = Evidence(
        "nutrition-reports", month="month", unit="institution", partnership=None, value=value, month_is_int=True
    )
    return Count(registry.metric(id, code, name, evidence=evidence, periodic=True), ALL, value)


NUTRITION = {
    "served": _nutrition(
        1325, "screening.nutrition_children", _("Children given nutrition packs (person-times)"), "children_served"
    ),
    "packs": _nutrition(1326, "screening.nutrition_packs", _("Nutrition packs issued"), "packs_issued"),
    "surveyed": _nutrition(
        1327, "screening.nutrition_surveyed", _("Children followed up on nutrition packs"), "children_surveyed"
    ),
    "effective": _nutrition(
        1328, "screening.nutrition_effective", _("Children taking nutrition packs effectively"), "children_effective"
    ),
}
_register(Source(NutritionReport, "institution", "month", None, list(NUTRITION.values()), month_is_int=True))

NEAR_MISS = _person_counts(
    "near-miss-cases",
    "occurred_on",
    [
        (1329, "screening.near_miss", _("Near-miss cases (危重孕产妇)"), ALL, None),
        (
            1330,
            "screening.near_miss_at_centre",
            _("Near-miss cases treated at a critical care centre"),
            Where(present=("treated_at",)),
            None,
        ),
        (
            1331,
            "screening.near_miss_survived",
            _("Near-miss women who survived"),
            Where({"outcome": NearMissOutcome.RECOVERED}),
            None,
        ),
    ],
)
_register(Source(NearMissCase, "residence", "occurred_on", None, list(NEAR_MISS.values())))


# Critical care centres: a stock kept as its changes.
def _centre_metric(id: int, code: str, name: Any, kind: str, revoked: bool) -> Metric:
    where = Where({"kind": kind}, present=("revoked_on",) if revoked else ())
    evidence = Evidence(
        "care-centres",
        month="revoked_on" if revoked else "designated_on",
        unit="institution",
        partnership=None,
        condition=where.q(),
        shift=1 if revoked else 0,
    )
    return registry.metric(id, code, name, kind="delta", evidence=evidence)


CENTRES: dict[tuple[str, bool], Metric] = {
    (kind, revoked): _centre_metric(
        id, f"screening.centre_{kind}_{'revoked' if revoked else 'designated'}", name, kind, revoked
    )
    for id, kind, revoked, name in (
        (1332, CentreKind.MATERNAL, False, _("Critical maternal care centres designated")),
        (1333, CentreKind.MATERNAL, True, _("Critical maternal care centres revoked")),
        (1334, CentreKind.NEWBORN, False, _("Critical newborn care centres designated")),
        (1335, CentreKind.NEWBORN, True, _("Critical newborn care centres revoked")),
    )
}


def _centre_rows(centre: CareCentre) -> list[FactRow]:
    common = {"org_unit_id": centre.institution_id, **credit(None)}
    rows = [FactRow(metric=CENTRES[(centre.kind, False)], month=month_of(centre.designated_on), **common)]
    if centre.revoked_on is not None:
        rows.append(
            FactRow(metric=CENTRES[(centre.kind, True)], month=add_months(month_of(centre.revoked_on), 1), **common)
        )
    return rows


def _centre_rebuild() -> Iterable[QuerySet[Model]]:
    common = rebuild_credit(unit="institution_id", partnership=None)
    for kind in CentreKind.values:
        yield CareCentre.objects.filter(kind=kind).annotate(
            f_metric=metric_value(CENTRES[(kind, False)]), f_month=MonthNumber("designated_on"), **common
        )
        yield CareCentre.objects.filter(kind=kind, revoked_on__isnull=False).annotate(
            f_metric=metric_value(CENTRES[(kind, True)]), f_month=MonthNumber("revoked_on", shift=1), **common
        )


register_source(CareCentre, rows=_centre_rows, rebuild=_centre_rebuild)

# Target populations: on the region, in January of the year; no evidence (absent = not reported).
TARGETS: dict[str, Metric] = {
    population: registry.metric(id, f"screening.target_{population}", name)
    for id, population, name in (
        (1336, TargetPopulation.CERVICAL, _("Target population: cervical cancer screening")),
        (1337, TargetPopulation.BREAST, _("Target population: breast cancer screening")),
        (1338, TargetPopulation.PRECONCEPTION, _("Target population: couples planning a pregnancy")),
        (1339, TargetPopulation.MARRIAGES, _("Persons registering a marriage")),
    )
}


def _target_rows(target: ScreeningTarget) -> list[FactRow]:
    return [
        FactRow(
            metric=TARGETS[target.population],
            org_unit_id=target.region_id,
            month=target.year * 100 + 1,
            value=float(target.size),
            **credit(None),
        )
    ]


def _target_rebuild() -> Iterable[QuerySet[Model]]:
    for population, metric in TARGETS.items():
        yield ScreeningTarget.objects.filter(population=population).annotate(
            f_metric=metric_value(metric),
            f_month=F("year") * 100 + 1,
            **rebuild_credit(unit="region_id", partnership=None, value=Cast("size", FloatField())),
        )


register_source(ScreeningTarget, rows=_target_rows, rebuild=_target_rebuild)


def _maternal_metric(code: str) -> Metric:
    """A denominator kept by the maternal app, found by its code in the shared registry."""
    try:
        return registry.metrics[code]
    except KeyError:
        raise ImproperlyConfigured(
            f"metric {code} is not registered: list shanhai.maternal before shanhai.screening"
        ) from None


MOTHERS = _maternal_metric("mch.mothers")
LIVE_BIRTHS = _maternal_metric("mch.live_births")


# --- indicators ------------------------------------------------------------------------------------------------
#: Sources of the definitions, with how sure each is (docs/domain.md's marks: [C] confirmed in a source quoting the
#: official text, [P] seen in a secondary source, [U] not found in a source: check before relying on it).
SOURCE_CANCER = (
    "国家卫生健康委《宫颈癌筛查工作方案》《乳腺癌筛查工作方案》（国卫办妇幼函〔2022〕2号）及农村妇女两癌检查项目；"
    "早诊率 = 癌前病变及早期癌例数 / 癌前病变及癌例数 [P]（渭南市2016—2018年宫颈癌筛查数据分析，"
    "《中国妇幼健康研究》2019：早诊率 209/229）；筛查率分母为年度目标人群（任务数）[U]"
)
SOURCE_PRENATAL = "国家卫生健康委《妇幼健康统计调查制度》年报：孕产妇产前筛查率 = 产前筛查人数 / 产妇数，仅血清学筛查 [C]（docs/domain.md §3.2）"
SOURCE_PRENATAL_DX = (
    "《产前诊断技术管理办法》：筛查高风险者应接受产前诊断；产前诊断率 = 接受产前诊断人数 / 筛查高风险人数 [P]"
)
SOURCE_PRECONCEPTION = (
    "国家免费孕前优生健康检查项目：目标人群覆盖率 = 接受检查的计划怀孕夫妇数 / 目标人群夫妇数（地方实施方案要求≥90%）[P]"
    "（如湖北省2014年：目标人群覆盖率95.1%；乡镇实施方案 wenke99 p-5198777）"
)
SOURCE_FOLIC = "增补叶酸预防神经管缺陷项目：服用依从率 = 按要求服用人数 / 随访人数 [U]"
SOURCE_PREMARITAL = (
    "《婚前保健情况报表》（妇幼卫生年报）：婚前医学检查率 = （男+女婚检人数）/（男+女结婚登记人数）×100% [P]"
    "（《中国公共卫生》2018，广东省2000—2016年婚检率分析）；疾病检出率 = 检出疾病人数 / 婚检人数 [P]"
)
SOURCE_NUTRITION = "贫困地区儿童营养改善项目（6～24月龄婴幼儿营养包）：有效服用 = 每周至少服用4包 [U]；有效服用率 = 有效服用儿童数 / 随访儿童数 [U]"
SOURCE_NEAR_MISS = (
    "危重孕产妇监测：发生率 = 危重孕产妇例数 / 活产数 ×1000（‰）[P]（WHO maternal near-miss ratio per 1,000 live births；"
    "浙江省危重孕产妇监测，《中华医学杂志》2014 以孕产妇数为分母：5.6‰）；抢救成功率 = 存活例数 / 危重孕产妇例数 [P]"
)
SOURCE_CENTRES = "《危重孕产妇救治体系技术评估指标（2023年版）》：每个设区市、县至少一个孕产妇和新生儿危急重症救治中心 [P]（docs/domain.md §1.7）"

_AREA = {"scopes": ("org",), "app": "screening"}
_CREDITED = {"app": "screening"}

for organ, counts, zh, en in (
    ("cervical", CERVICAL, "宫颈癌", "cervical cancer"),
    ("breast", BREAST, "乳腺癌", "breast cancer"),
):
    target = TARGETS[TargetPopulation.CERVICAL if organ == "cervical" else TargetPopulation.BREAST]
    registry.indicator(
        code=f"screening.{organ}_screened",
        name_zh=f"{zh}筛查人数",
        name_en=f"Women screened for {en}",
        numerator=Flow(counts["screened"].metric),
        unit_zh="人",
        unit_en="women",
        definition_zh=f"统计期内接受{zh}筛查的妇女人数，按户籍（居住地）统计；支援方开展的集中筛查同时计入其帮扶关系。",
        definition_en=f"Women screened for {en} in the period, at their residence; a supporting team's campaign also counts for its partnership.",
        source=SOURCE_CANCER,
        **_CREDITED,
    )
    registry.indicator(
        code=f"screening.{organ}_screening_rate",
        name_zh=f"{zh}筛查率",
        name_en=f"{en.capitalize()} screening rate",
        numerator=Flow(counts["screened"].metric),
        denominator=Flow(target),
        factor=100,
        decimals=2,
        definition_zh=f"统计期内接受{zh}筛查的妇女人数 / 年度{zh}筛查目标人群数（项目办录入，计于当年1月）×100%。",
        definition_en=(
            f"Women screened for {en} in the period / the year's target population entered by the programme office "
            "(counted in January of the year) × 100%."
        ),
        source=SOURCE_CANCER,
        **_AREA,
    )
    registry.indicator(
        code=f"screening.{organ}_follow_up_rate",
        name_zh=f"{zh}筛查异常随访率",
        name_en=f"Follow-up rate of abnormal {en} screens",
        numerator=Flow(counts["followed_up"].metric),
        denominator=Flow(counts["abnormal"].metric),
        factor=100,
        decimals=2,
        definition_zh=f"{zh}筛查结果异常者中完成随访（进一步检查）的人数 / 筛查结果异常人数 ×100%，按筛查月份统计。",
        definition_en=f"Women with an abnormal {en} screen who were followed up / women with an abnormal screen × 100%, by screening month.",
        source=SOURCE_CANCER,
        **_CREDITED,
    )
    registry.indicator(
        code=f"screening.{organ}_early_diagnosis_rate",
        name_zh=f"{zh}早诊率",
        name_en=f"{en.capitalize()} early diagnosis rate",
        numerator=Flow(counts["early"].metric),
        denominator=Flow(counts["lesions"].metric),
        factor=100,
        decimals=2,
        definition_zh=f"筛查检出的{zh}癌前病变及早期癌人数 / 检出的癌前病变及癌（各期）人数 ×100%。",
        definition_en=f"Precancerous lesions and early-stage cancers found by {en} screening / all precancers and cancers found × 100%.",
        source=SOURCE_CANCER,
        **_CREDITED,
    )
    registry.indicator(
        code=f"screening.{organ}_treatment_rate",
        name_zh=f"{zh}癌前病变及癌治疗率",
        name_en=f"Treatment rate of {en} lesions found",
        numerator=Flow(counts["treated"].metric),
        denominator=Flow(counts["lesions"].metric),
        factor=100,
        decimals=2,
        definition_zh=f"筛查检出的{zh}癌前病变及癌中接受治疗的人数 / 检出人数 ×100%。",
        definition_en=f"Precancers and cancers found by {en} screening that were treated / those found × 100%.",
        source=SOURCE_CANCER + "；治疗率 [U]",
        **_CREDITED,
    )

registry.indicator(
    code="screening.prenatal_screening_rate",
    name_zh="孕产妇产前筛查率",
    name_en="Prenatal screening rate",
    numerator=Flow(PRENATAL["prenatal_screened"].metric),
    denominator=Flow(MOTHERS),
    factor=100,
    decimals=2,
    definition_zh="统计期内接受产前筛查（血清学筛查或无创DNA，不含超声）的孕妇人数 / 同期产妇数 ×100%；分子按筛查月份、分母按分娩月份统计。",
    definition_en=(
        "Pregnant women given prenatal screening (serum or cell-free DNA, not ultrasound) in the period / women "
        "delivered in the period × 100%; screenings by their month, deliveries by theirs."
    ),
    source=SOURCE_PRENATAL,
    **_AREA,
)
registry.indicator(
    code="screening.prenatal_high_risk_rate",
    name_zh="产前筛查高风险率",
    name_en="High-risk rate of prenatal screening",
    numerator=Flow(PRENATAL["prenatal_high_risk"].metric),
    denominator=Flow(PRENATAL["prenatal_screened"].metric),
    factor=100,
    decimals=2,
    direction="none",
    definition_zh="产前筛查结果为高风险的人数 / 产前筛查人数 ×100%。",
    definition_en="Women with a high-risk prenatal screening result / women screened × 100%.",
    source=SOURCE_PRENATAL_DX,
    **_AREA,
)
registry.indicator(
    code="screening.prenatal_diagnosis_rate",
    name_zh="产前筛查高风险者产前诊断率",
    name_en="Prenatal diagnosis rate of high-risk screens",
    numerator=Flow(PRENATAL["prenatal_diagnosed"].metric),
    denominator=Flow(PRENATAL["prenatal_high_risk"].metric),
    factor=100,
    decimals=2,
    definition_zh="产前筛查高风险者中接受产前诊断的人数 / 筛查高风险人数 ×100%，按筛查月份统计。",
    definition_en="High-risk women who had a prenatal diagnosis / high-risk women × 100%, by screening month.",
    source=SOURCE_PRENATAL_DX,
    **_AREA,
)
registry.indicator(
    code="screening.preconception_coverage",
    name_zh="孕前优生健康检查目标人群覆盖率",
    name_en="Pre-pregnancy check coverage of the target population",
    numerator=Flow(PRECONCEPTION["preconception_couples"].metric),
    denominator=Flow(TARGETS[TargetPopulation.PRECONCEPTION]),
    factor=100,
    decimals=2,
    definition_zh="统计期内接受免费孕前优生健康检查的计划怀孕夫妇数 / 年度目标人群夫妇数（项目办录入，计于当年1月）×100%。",
    definition_en=(
        "Couples planning a pregnancy given the free pre-pregnancy check in the period / the year's target couples "
        "entered by the programme office (counted in January) × 100%."
    ),
    source=SOURCE_PRECONCEPTION,
    **_AREA,
)
registry.indicator(
    code="screening.preconception_persons",
    name_zh="孕前优生健康检查人数",
    name_en="Persons given a pre-pregnancy check",
    numerator=Flow(PRECONCEPTION["preconception_persons"].metric),
    unit_zh="人",
    unit_en="persons",
    definition_zh="统计期内接受孕前优生健康检查的人数（夫妇双方均检查计2人）。",
    definition_en="Persons given a pre-pregnancy check in the period (a couple both checked counts 2).",
    source=SOURCE_PRECONCEPTION,
    **_AREA,
)
registry.indicator(
    code="screening.preconception_risk_share",
    name_zh="孕前优生健康检查风险人群比例",
    name_en="Share of checked couples with a risk found",
    numerator=Flow(PRECONCEPTION["preconception_risk"].metric),
    denominator=Flow(PRECONCEPTION["preconception_couples"].metric),
    factor=100,
    decimals=2,
    direction="none",
    definition_zh="孕前优生健康检查发现风险因素的夫妇数 / 接受检查的夫妇数 ×100%（按夫妇计；年报按人计）。",
    definition_en="Couples with a risk factor found / couples checked × 100% (counted by couple; the annual report counts persons).",
    source=SOURCE_PRECONCEPTION + "；风险人群比例按人计 [U]",
    **_AREA,
)
registry.indicator(
    code="screening.folic_acid_compliance_rate",
    name_zh="增补叶酸服用依从率",
    name_en="Folic acid compliance rate",
    numerator=Flow(PRECONCEPTION["folic_acid_compliant"].metric),
    denominator=Flow(PRECONCEPTION["folic_acid_followed"].metric),
    factor=100,
    decimals=2,
    definition_zh="发放叶酸并随访的妇女中按要求服用的人数 / 随访人数 ×100%，按孕前检查月份统计。",
    definition_en="Women given folic acid and followed up who took it as advised / women followed up × 100%, by check month.",
    source=SOURCE_FOLIC,
    **_AREA,
)
registry.indicator(
    code="screening.premarital_check_rate",
    name_zh="婚前医学检查率",
    name_en="Premarital check rate",
    numerator=Flow(PREMARITAL["premarital_checked"].metric),
    denominator=Flow(TARGETS[TargetPopulation.MARRIAGES]),
    factor=100,
    decimals=2,
    definition_zh="统计期内接受婚前医学检查的人数（男+女）/ 年度结婚登记人数（男+女，民政数据由项目办录入，计于当年1月）×100%。",
    definition_en=(
        "Persons (men and women) given a premarital check in the period / persons registering a marriage in the "
        "year (civil affairs figure entered by the programme office, counted in January) × 100%."
    ),
    source=SOURCE_PREMARITAL,
    **_AREA,
)
registry.indicator(
    code="screening.premarital_condition_rate",
    name_zh="婚前医学检查疾病检出率",
    name_en="Conditions found at premarital checks",
    numerator=Flow(PREMARITAL["premarital_condition"].metric),
    denominator=Flow(PREMARITAL["premarital_checked"].metric),
    factor=100,
    decimals=2,
    direction="none",
    definition_zh="婚前医学检查检出疾病的人数 / 婚前医学检查人数 ×100%。",
    definition_en="Persons with a condition found at the premarital check / persons checked × 100%.",
    source=SOURCE_PREMARITAL,
    **_AREA,
)
registry.indicator(
    code="screening.nutrition_packs",
    name_zh="营养包发放数",
    name_en="Nutrition packs issued",
    numerator=Flow(NUTRITION["packs"].metric),
    unit_zh="包",
    unit_en="packs",
    definition_zh="统计期内向6～24月龄婴幼儿发放的营养包数量，按发放机构月报汇总；未报月份为未上报。",
    definition_en="Nutrition packs issued to children aged 6–24 months in the period, from the institutions' monthly reports; a month not reported is not reported.",
    source=SOURCE_NUTRITION,
    **_AREA,
)
registry.indicator(
    code="screening.nutrition_person_times",
    name_zh="营养包发放人次",
    name_en="Nutrition pack person-times",
    numerator=Flow(NUTRITION["served"].metric),
    unit_zh="人次",
    unit_en="person-times",
    definition_zh="统计期内领取营养包的儿童人次之和（每月领取一次计1人次）。",
    definition_en="Children given nutrition packs, summed over the months of the period (each month a child receives them counts once).",
    source=SOURCE_NUTRITION,
    **_AREA,
)
registry.indicator(
    code="screening.nutrition_effective_rate",
    name_zh="营养包有效服用率",
    name_en="Nutrition pack effective intake rate",
    numerator=Flow(NUTRITION["effective"].metric),
    denominator=Flow(NUTRITION["surveyed"].metric),
    factor=100,
    decimals=2,
    definition_zh="随访儿童中有效服用营养包（每周至少4包）的人数 / 随访儿童数 ×100%。",
    definition_en="Children followed up who took the packs effectively (at least 4 a week) / children followed up × 100%.",
    source=SOURCE_NUTRITION,
    **_AREA,
)
registry.indicator(
    code="screening.near_miss_cases",
    name_zh="危重孕产妇例数",
    name_en="Near-miss cases",
    numerator=Flow(NEAR_MISS["near_miss"].metric),
    unit_zh="例",
    unit_en="cases",
    direction="down",
    definition_zh="统计期内上报的危重孕产妇例数，按户籍（居住地）和发现月份统计。",
    definition_en="Near-miss cases (women in critical condition) reported in the period, at their residence, by month identified.",
    source=SOURCE_NEAR_MISS,
    **_AREA,
)
registry.indicator(
    code="screening.near_miss_ratio",
    name_zh="危重孕产妇发生率",
    name_en="Maternal near-miss ratio",
    numerator=Flow(NEAR_MISS["near_miss"].metric),
    denominator=Flow(LIVE_BIRTHS),
    factor=1000,
    decimals=2,
    direction="down",
    definition_zh="统计期内危重孕产妇例数 / 同期活产数 ×1000‰。",
    definition_en="Near-miss cases in the period / live births in the period × 1,000.",
    source=SOURCE_NEAR_MISS,
    **_AREA,
)
registry.indicator(
    code="screening.near_miss_centre_share",
    name_zh="危重孕产妇在救治中心救治比例",
    name_en="Near-miss cases treated at a critical care centre",
    numerator=Flow(NEAR_MISS["near_miss_at_centre"].metric),
    denominator=Flow(NEAR_MISS["near_miss"].metric),
    factor=100,
    decimals=2,
    definition_zh="在指定的危重孕产妇救治中心救治的危重孕产妇例数 / 危重孕产妇例数 ×100%。",
    definition_en="Near-miss cases treated at a designated critical maternal care centre / near-miss cases × 100%.",
    source=SOURCE_CENTRES + "；比例 [U]",
    **_AREA,
)
registry.indicator(
    code="screening.near_miss_survival_rate",
    name_zh="危重孕产妇抢救成功率",
    name_en="Near-miss survival rate",
    numerator=Flow(NEAR_MISS["near_miss_survived"].metric),
    denominator=Flow(NEAR_MISS["near_miss"].metric),
    factor=100,
    decimals=2,
    definition_zh="危重孕产妇中抢救成功（存活）的例数 / 危重孕产妇例数 ×100%。",
    definition_en="Near-miss women who survived / near-miss cases × 100%.",
    source=SOURCE_NEAR_MISS,
    **_AREA,
)
for kind, zh, en in (
    (CentreKind.MATERNAL, "危重孕产妇救治中心数", "Critical maternal care centres"),
    (CentreKind.NEWBORN, "危重新生儿救治中心数", "Critical newborn care centres"),
):
    registry.indicator(
        code=f"screening.{kind}_care_centres",
        name_zh=zh,
        name_en=en,
        numerator=Closing(CENTRES[(kind, False)]) - Closing(CENTRES[(kind, True)]),
        unit_zh="个",
        unit_en="centres",
        definition_zh="期末经卫生健康行政部门指定、仍在有效期内的救治中心数，按机构统计。",
        definition_en="Centres designated by the health administration and in force at the end of the period, at their institution.",
        source=SOURCE_CENTRES,
        **_AREA,
    )


# --- reporting completeness: the monthly nutrition-pack report -------------------------------------------------
NUTRITION_REPORTS = registry.periodic_report(
    PeriodicReport(
        code="nutrition-reports",
        name=_("Monthly nutrition-pack reports"),
        rule=_(
            "An institution that sent a nutrition-pack report in the twelve months before owes one for every month."
        ),
        due=roster_due(lambda: NutritionReport.objects.all(), "nutrition-reports"),
    )
)
