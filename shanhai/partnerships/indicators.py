"""Metrics, fact sources and indicators of programmes and partnerships (registered at start-up)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from shanhai.analytics.engine import Scope
from shanhai.analytics.facts import FactRow, MonthNumber, credit, metric_value, rebuild_credit, register_source
from shanhai.analytics.registry import Closing, Credit, Evidence, Flow, Measure, Opening, RecordSet, registry
from shanhai.core.models import OrgUnitKind
from shanhai.core.periods import Period, month_of
from shanhai.partnerships.models import Agreement, Partnership, Programme
from shanhai.partnerships.selectors import active_during

PARTNERSHIP_STARTED = registry.metric(
    101,
    "partnership.started",
    _("Partnerships started"),
    evidence=Evidence("partnerships", month="started_on", unit="recipient", partnership=""),
)
PARTNERSHIP_ENDED = registry.metric(
    102,
    "partnership.ended",
    _("Partnerships ended"),
    evidence=Evidence(
        "partnerships", month="ended_on", unit="recipient", partnership="", condition=Q(ended_on__isnull=False)
    ),
)
AGREEMENT_SIGNED = registry.metric(
    103,
    "agreement.signed",
    _("Agreements signed"),
    evidence=Evidence("agreements", month="signed_on", unit="partnership__recipient"),
)


# --- fact sources ----------------------------------------------------------------------------
def _partnership_rows(p: Partnership) -> list[FactRow]:
    """A partnership counts as started in its start month and ended in its end month, on the recipient."""
    common = {"org_unit_id": p.recipient_id, **credit(p)}
    rows = [FactRow(metric=PARTNERSHIP_STARTED, month=month_of(p.started_on), **common)]
    if p.ended_on:
        rows.append(FactRow(metric=PARTNERSHIP_ENDED, month=month_of(p.ended_on), **common))
    return rows


def _agreement_rows(agreement: Agreement) -> list[FactRow]:
    p = agreement.partnership
    return [
        FactRow(
            metric=AGREEMENT_SIGNED,
            org_unit_id=p.recipient_id,
            month=month_of(agreement.signed_on),
            **credit(p),
        )
    ]


def _partnership_rebuild() -> Iterable[QuerySet]:
    common = rebuild_credit(unit="recipient_id", partnership="")
    yield Partnership.objects.annotate(
        f_metric=metric_value(PARTNERSHIP_STARTED), f_month=MonthNumber("started_on"), **common
    )
    yield Partnership.objects.filter(ended_on__isnull=False).annotate(
        f_metric=metric_value(PARTNERSHIP_ENDED), f_month=MonthNumber("ended_on"), **common
    )


def _agreement_rebuild() -> Iterable[QuerySet]:
    yield Agreement.objects.annotate(
        f_metric=metric_value(AGREEMENT_SIGNED),
        f_month=MonthNumber("signed_on"),
        **rebuild_credit(unit="partnership__recipient_id"),
    )


register_source(Partnership, rows=_partnership_rows, rebuild=_partnership_rebuild)
register_source(Agreement, rows=_agreement_rows, rebuild=_agreement_rebuild)


# --- what facts are credited to, for the engine (which sits below this app) ----------------------
def _supported_from(path: str) -> QuerySet[Partnership, Any]:
    return Partnership.objects.filter(supporter__path__startswith=path).values("id")


def _credited(group: Literal["programme", "partnership"], ids: QuerySet[Any]) -> QuerySet[Any]:
    if group == "programme":
        return Programme.objects.filter(pk__in=ids).order_by("pk")
    return Partnership.objects.filter(pk__in=ids).select_related("supporter", "recipient").order_by("pk")


registry.register_credit(Credit(supported_from=_supported_from, objects=_credited))


# --- measures over records (not additive) ----------------------------------------------------
def partnerships_in_scope(scope: Scope, period: Period) -> QuerySet[Partnership]:
    """Partnerships active at any time in the period, within the scope."""
    return Partnership.objects.filter(
        scope.record_filter(unit="recipient", partnership=""), active_during(period.start, period.end)
    )


def _distinct(field: str, **conditions: object):
    def query(scope: Scope, period: Period) -> tuple[float, bool]:
        partnerships = partnerships_in_scope(scope, period)
        has_data = partnerships.exists()
        count = partnerships.filter(**conditions).values(field).distinct().count() if has_data else 0
        return float(count), has_data

    return query


def _distinct_evidence(field: str, note: object, **conditions: object):
    def evidence(scope: Scope, period: Period) -> RecordSet:
        records = partnerships_in_scope(scope, period).filter(**conditions)
        return RecordSet("partnerships", records, note=note, distinct=field)  # type: ignore[arg-type]

    return evidence


_SUPPORTER_NOTE = _("Partnerships in force in the period; the number counts their distinct supporting institutions.")
SUPPORTERS = Measure(
    "partnership.supporters",
    _("Distinct supporting institutions"),
    _distinct("supporter_id"),
    evidence=_distinct_evidence("supporter_id", _SUPPORTER_NOTE),
)
RECIPIENTS = Measure(
    "partnership.recipients",
    _("Distinct recipient institutions"),
    _distinct("recipient_id"),
    evidence=_distinct_evidence(
        "recipient_id",
        _("Partnerships in force in the period; the number counts their distinct recipient institutions."),
    ),
)
SUPPORTERS_3A = Measure(
    "partnership.supporters_3a",
    _("Distinct supporting institutions graded 3A"),
    _distinct("supporter_id", supporter__grade__code__in=["3A", "3S"]),
    evidence=_distinct_evidence(
        "supporter_id",
        _(
            "Partnerships in force in the period whose supporter is graded 3A or special; the number counts their "
            "distinct supporting institutions."
        ),
        supporter__grade__code__in=["3A", "3S"],
    ),
)

SOURCE = _("Shanhai programme records")

registry.indicator(
    code="partnerships_active",
    name_zh="在册帮扶关系数",
    name_en="Active partnerships",
    numerator=Closing(PARTNERSHIP_STARTED) - Opening(PARTNERSHIP_ENDED),
    unit_zh="个",
    unit_en="",
    definition_zh="统计期内任一时间处于有效期的帮扶关系个数（开始日期不晚于期末，且未在期初之前结束）。",
    definition_en="Partnerships in force at any time in the period: started by its end and not ended before its start.",
    source=SOURCE,
    app="partnerships",
)
registry.indicator(
    code="agreements_signed",
    name_zh="签订帮扶协议数",
    name_en="Agreements signed",
    numerator=Flow(AGREEMENT_SIGNED),
    unit_zh="份",
    unit_en="",
    definition_zh="统计期内签订的帮扶协议份数。",
    definition_en="Assistance agreements signed within the period.",
    source=SOURCE,
    app="partnerships",
)
registry.indicator(
    code="supporting_institutions",
    name_zh="支援机构数",
    name_en="Supporting institutions",
    numerator=SUPPORTERS,
    unit_zh="家",
    unit_en="",
    definition_zh="统计期内有效帮扶关系中不重复的支援方机构数。",
    definition_en="Distinct supporting institutions of the partnerships in force in the period.",
    source=SOURCE,
    app="partnerships",
)
registry.indicator(
    code="recipient_institutions",
    name_zh="受援机构数",
    name_en="Recipient institutions",
    numerator=RECIPIENTS,
    unit_zh="家",
    unit_en="",
    definition_zh="统计期内有效帮扶关系中不重复的受援方机构数。",
    definition_en="Distinct recipient institutions of the partnerships in force in the period.",
    source=SOURCE,
    app="partnerships",
)
#: The kinds of institution a hospital grade (等级) applies to: the share of 3A supporters is over these only — a
#: supporting health commission or CDC has no grade and is not a hospital (issue 14).
HOSPITAL_KINDS = (OrgUnitKind.GENERAL_HOSPITAL, OrgUnitKind.TCM_HOSPITAL, OrgUnitKind.MCH_HOSPITAL)
SUPPORTING_HOSPITALS = Measure(
    "partnership.supporting_hospitals",
    _("Distinct supporting hospitals"),
    _distinct("supporter_id", supporter__kind__in=HOSPITAL_KINDS),
    evidence=_distinct_evidence(
        "supporter_id",
        _(
            "Partnerships in force in the period whose supporter is a hospital; the number counts their distinct "
            "supporting hospitals."
        ),
        supporter__kind__in=HOSPITAL_KINDS,
    ),
)

registry.indicator(
    code="supporters_grade_3a_share",
    name_zh="三级甲等支援医院占比",
    name_en="Share of supporting hospitals graded 3A",
    numerator=SUPPORTERS_3A,
    denominator=SUPPORTING_HOSPITALS,
    factor=100,
    decimals=0,
    definition_zh="支援医院中等级为三级甲等（含三级特等）的医院数 ÷ 支援医院数 × 100%（卫生健康委、疾控中心等非医院机构不计入分母）。",
    definition_en="Supporting hospitals graded tertiary A (or special) ÷ all supporting hospitals × 100% (health "
    "commissions, CDCs and other non-hospitals are not in the denominator).",
    source="《医院分级管理标准》(1989)",
    app="partnerships",
)
