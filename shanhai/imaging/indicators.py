"""Metrics (ids 1101–1149), fact source and indicators of remote image review.

A signed remote final reading counts in the month it was read (``read_on``), at the study's site, credited to the
study's partnership: one study read; one within its due time if read by ``due_at``; one critical finding if it
reported one."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from shanhai.analytics.facts import FactRow, MonthNumber, credit, metric_value, rebuild_credit, register_source
from shanhai.analytics.registry import Evidence, Flow, registry
from shanhai.core.periods import month_of
from shanhai.imaging.models import ImagingReading, ReadingKind, ReadingStatus

SIGNED_REMOTE = Q(kind=ReadingKind.REMOTE_FINAL, status=ReadingStatus.FINAL, read_on__isnull=False)
WITHIN_DUE = Q(due_at__isnull=False, read_at__lte=F("due_at"))


def _reading(condition: Q | None = None) -> Evidence:
    return Evidence(
        "imaging-readings",
        month="read_on",
        unit="study__site",
        partnership="study__partnership",
        condition=SIGNED_REMOTE & (condition or Q()),
    )


STUDIES_READ = registry.metric(1101, "imaging.studies_read", _("Imaging studies read remotely"), evidence=_reading())
READ_WITHIN_DUE = registry.metric(
    1102, "imaging.read_within_due", _("Imaging studies read within the due time"), evidence=_reading(WITHIN_DUE)
)
CRITICAL_FINDINGS = registry.metric(
    1103, "imaging.critical_findings", _("Critical findings in remote readings"), evidence=_reading(Q(is_critical=True))
)


def _reading_rows(reading: ImagingReading) -> list[FactRow]:
    if not (reading.kind == ReadingKind.REMOTE_FINAL and reading.status == ReadingStatus.FINAL and reading.read_on):
        return []
    study = reading.study
    common = {"org_unit_id": study.site_id, "month": month_of(reading.read_on), **credit(study.partnership)}
    rows = [FactRow(metric=STUDIES_READ, **common)]
    if reading.is_within_due_time:
        rows.append(FactRow(metric=READ_WITHIN_DUE, **common))
    if reading.is_critical:
        rows.append(FactRow(metric=CRITICAL_FINDINGS, **common))
    return rows


def _reading_rebuild() -> Iterable[QuerySet]:
    signed = ImagingReading.objects.filter(SIGNED_REMOTE).annotate(f_month=MonthNumber("read_on"))
    for metric, condition in (
        (STUDIES_READ, Q()),
        (READ_WITHIN_DUE, WITHIN_DUE),
        (CRITICAL_FINDINGS, Q(is_critical=True)),
    ):
        yield signed.filter(condition).annotate(
            f_metric=metric_value(metric), **rebuild_credit(unit="study__site_id", partnership="study__partnership")
        )


register_source(ImagingReading, rows=_reading_rows, rebuild=_reading_rebuild)

IMAGING_SOURCE = _("Shanhai imaging reading records")

registry.indicator(
    code="imaging_studies_read",
    name_zh="远程影像复核例数",
    name_en="Imaging studies read remotely",
    numerator=Flow(STUDIES_READ),
    unit_zh="例",
    definition_zh="统计期内支援方专家签发远程影像诊断报告（终审）的检查例数，按检查机构统计。",
    definition_en="Studies whose remote final reading was signed by the supporting side in the period, at their site.",
    source=IMAGING_SOURCE,
    app="imaging",
)
registry.indicator(
    code="imaging_critical_findings",
    name_zh="远程影像危急值例数",
    name_en="Critical findings in remote imaging readings",
    numerator=Flow(CRITICAL_FINDINGS),
    unit_zh="例",
    definition_zh="统计期内签发的远程影像终审报告中报告危急值的例数。",
    definition_en="Remote final readings signed in the period that reported a critical finding.",
    source=IMAGING_SOURCE,
    app="imaging",
)
registry.indicator(
    code="imaging_read_within_due_share",
    name_zh="远程影像按时复核率",
    name_en="Imaging studies read within the due time",
    numerator=Flow(READ_WITHIN_DUE),
    denominator=Flow(STUDIES_READ),
    factor=100,
    decimals=1,
    definition_zh="统计期内在规定时限（工作时间）内签发的远程影像终审报告例数占签发总例数的百分比。",
    definition_en="Share of the remote final readings signed in the period that were signed by their due time.",
    source=IMAGING_SOURCE,
    app="imaging",
)
