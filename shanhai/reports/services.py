"""Writes of reports: a request creates the row and queues the build; the task records progress and the file."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import get_language

from shanhai.accounts.models import User
from shanhai.core import clock
from shanhai.core.periods import Period
from shanhai.partnerships.models import Programme
from shanhai.reports.models import Report, ReportFormat, ReportStatus
from shanhai.reports.selectors import visible_partnership_ids


def report_request(*, actor: User, programme: Programme, period: Period, format: ReportFormat | str) -> Report:
    """Queue a programme report. The caller has checked ``access_programme``; the report breaks the
    programme's figures down only by the partnerships ``actor`` sees now."""
    from shanhai.reports.tasks import build_report

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


def report_progress(*, report: Report, progress: int, status: ReportStatus = ReportStatus.RUNNING) -> None:
    """One short update of the row (the page polls it); no ``save()`` of the whole row."""
    Report.objects.filter(pk=report.pk).update(status=status, progress=progress)
    report.status, report.progress = status, progress


def report_finish(*, report: Report, content: bytes) -> None:
    report.file.save(report.file_name, ContentFile(content), save=False)
    report.status, report.progress, report.finished_at = ReportStatus.DONE, 100, clock.now()
    report.save(update_fields=["file", "status", "progress", "finished_at"])


def report_fail(*, report: Report, error: str) -> None:
    report.status, report.finished_at, report.error = ReportStatus.FAILED, clock.now(), error[:2000]
    report.save(update_fields=["status", "finished_at", "error"])
