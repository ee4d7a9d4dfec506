"""Writes of a report's build, made by the background task (``tasks.build_report``): progress, the file, or
the error. Apart from ``services`` (which queues the task) so that neither imports the other."""

from __future__ import annotations

from django.core.files.base import ContentFile

from shanhai.core import clock
from shanhai.reports.models import Report, ReportStatus


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
