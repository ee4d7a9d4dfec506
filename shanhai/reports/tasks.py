"""Background builds (django-tasks): the worker beside the server builds the file; the page polls ``progress``."""

from __future__ import annotations

import logging

from django.utils import translation
from django_tasks import task

from shanhai.reports import progress
from shanhai.reports.charts import draw_charts
from shanhai.reports.documents import build_docx, build_pdf, build_xlsx
from shanhai.reports.models import Report, ReportFormat
from shanhai.reports.selectors import indicator_table, report_content, report_period, report_title

logger = logging.getLogger(__name__)


@task()
def build_report(report_id: int) -> None:
    report = Report.objects.select_related("programme").get(pk=report_id)
    progress.report_progress(report=report, progress=5)
    try:
        with translation.override(report.language):
            progress.report_finish(report=report, content=_build(report))
    except Exception as error:  # the row says it failed; the worker's log has the traceback
        logger.exception("report %s failed", report.public_id)
        progress.report_fail(report=report, error=f"{type(error).__name__}: {error}")


def _build(report: Report) -> bytes:
    if report.format == ReportFormat.XLSX:
        table = indicator_table(report)
        progress.report_progress(report=report, progress=60)
        return build_xlsx(report_title(report.programme), report_period(report).label, table)
    content = report_content(report)
    progress.report_progress(report=report, progress=40)
    content.charts = draw_charts(content)
    progress.report_progress(report=report, progress=70)
    return build_docx(content) if report.format == ReportFormat.DOCX else build_pdf(content)
