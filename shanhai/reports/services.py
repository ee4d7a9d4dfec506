"""Writes of reports: a request creates the row and queues the build (``tasks.build_report``), which records its
progress and the file through ``progress``."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import get_language

from shanhai.accounts.models import User
from shanhai.core.periods import Period
from shanhai.partnerships.models import Programme
from shanhai.reports.models import Report, ReportFormat
from shanhai.reports.selectors import visible_partnership_ids
from shanhai.reports.tasks import build_report


def report_request(*, actor: User, programme: Programme, period: Period, format: ReportFormat | str) -> Report:
    """Queue a programme report. The caller has checked ``access_programme``; the report breaks the
    programme's figures down only by the partnerships ``actor`` sees now."""
    with transaction.atomic():
        report = Report.objects.create(
            programme=programme,
            period=period.code,
            format=ReportFormat(format),
            language=get_language() or "zh-hans",
            requested_by=actor,
            partnership_ids=visible_partnership_ids(actor, programme),
        )
    build_report.enqueue(report.pk)
    return report
