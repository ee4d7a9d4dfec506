"""What every assistance record shares, and the import jobs that load records in bulk."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AssistanceRecord(models.Model):
    """Base of every record kind: addressed by ``public_id`` in URLs, the API and exports."""

    public_id = models.UUIDField(_("record number"), default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Imported")
    FAILED = "failed", _("Nothing imported")


class ImportJob(models.Model):
    """One uploaded file for one record kind. All rows are written, or none; ``errors`` says why not."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("record kind"), max_length=40)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="import_jobs")
    file_name = models.CharField(_("file"), max_length=200)
    content = models.BinaryField()
    status = models.CharField(_("status"), max_length=16, choices=ImportStatus.choices, default=ImportStatus.QUEUED)
    total_rows = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    #: Last sign of life of the worker running the job (each progress step); a running job whose heartbeat
    #: is older than ``SHANHAI_IMPORT_STALE_SECONDS`` has lost its worker and is marked failed.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    #: The process running the job, ``host:pid``: on that host a job whose process is gone is failed at once.
    worker = models.CharField(max_length=120, blank=True, default="")
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.kind}: {self.file_name}"

    @property
    def is_finished(self) -> bool:
        return self.status in {ImportStatus.DONE, ImportStatus.FAILED}
