"""A programme report: requested by a user, built in the background, downloaded through an access check."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportFormat(models.TextChoices):
    DOCX = "docx", _("Word (DOCX)")
    XLSX = "xlsx", _("Excel (XLSX)")
    PDF = "pdf", _("PDF")


class ReportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


def report_upload_to(instance: Report, filename: str) -> str:
    """Stored under MEDIA by public id; MEDIA is not served, only the access-checked download view is."""
    return f"reports/{instance.public_id}/{filename}"


class Report(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    programme = models.ForeignKey(
        "partnerships.Programme", verbose_name=_("programme"), on_delete=models.CASCADE, related_name="reports"
    )
    period = models.CharField(_("period"), max_length=40)
    format = models.CharField(_("format"), max_length=8, choices=ReportFormat.choices)
    language = models.CharField(_("language"), max_length=16, default="zh-hans")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.CASCADE, related_name="reports"
    )
    #: The programme's partnerships the requester saw: the report breaks figures down by these only.
    partnership_ids = models.JSONField(default=list, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=ReportStatus.choices, default=ReportStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    file = models.FileField(_("file"), upload_to=report_upload_to, blank=True, max_length=200)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["programme", "-created_at"], name="report_programme_recent")]

    def __str__(self) -> str:
        return f"{self.programme} {self.period} ({self.format})"

    @property
    def is_finished(self) -> bool:
        return self.status in {ReportStatus.DONE, ReportStatus.FAILED}

    @property
    def file_name(self) -> str:
        """The download's name: programme, period and format (the stored name is the same)."""
        return f"{self.programme.name}-{self.period}.{self.format}".replace("/", "-").replace("..", "-")
