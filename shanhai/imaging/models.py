"""Imaging studies kept in a DICOM archive (the embedded store or Orthanc) and their readings.

Shanhai keeps the reference to a study (FHIR ImagingStudy: its StudyInstanceUID, modality, body part, where it
was made and the partnership it is read under), never a copy of the pixels in its own tables; the archive holds
the DICOM files (``imaging.store``)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Modality(models.TextChoices):
    CT = "CT", _("CT")
    MR = "MR", _("MR")
    DX = "DX", _("Digital radiography")
    CR = "CR", _("Computed radiography")
    US = "US", _("Ultrasound")
    MG = "MG", _("Mammography")
    OT = "OT", _("Other")


class ImagingStudy(models.Model):
    public_id = models.UUIDField(_("record number"), default=uuid.uuid4, unique=True, editable=False)
    study_uid = models.CharField(_("Study Instance UID"), max_length=64, unique=True)
    modality = models.CharField(_("modality"), max_length=8, choices=Modality.choices)
    body_part = models.CharField(_("body part"), max_length=64, blank=True)
    description = models.CharField(_("description"), max_length=200, blank=True)
    started_at = models.DateTimeField(_("study date"))
    site = models.ForeignKey(
        "core.OrgUnit", verbose_name=_("site"), on_delete=models.PROTECT, related_name="imaging_studies"
    )
    partnership = models.ForeignKey(
        "partnerships.Partnership",
        verbose_name=_("partnership"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="imaging_studies",
    )
    series_count = models.PositiveIntegerField(_("series"), default=0)
    instance_count = models.PositiveIntegerField(_("images"), default=0)
    #: Which archive holds the files (``embedded`` or ``orthanc``) and its own id of the study there.
    store = models.CharField(max_length=16, default="embedded")
    store_key = models.CharField(max_length=128, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("imaging study")
        verbose_name_plural = _("imaging studies")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.get_modality_display()} {self.body_part} {self.started_at:%Y-%m-%d}".strip()


class ReadingKind(models.TextChoices):
    AI_PRELIMINARY = "ai_preliminary", _("AI preliminary reading")
    LOCAL_PRELIMINARY = "local_preliminary", _("Local preliminary reading")
    REMOTE_FINAL = "remote_final", _("Remote final reading")
    SECOND_OPINION = "second_opinion", _("Second reading")


class ReadingStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    PRELIMINARY = "preliminary", _("Preliminary")
    FINAL = "final", _("Final")


class ImagingReading(models.Model):
    """One reading of a study (FHIR DiagnosticReport): preliminary (AI or local) → remote final → optional second.

    ``due_at`` is when the reading is due (``SHANHAI_IMAGING_DUE_HOURS`` working hours after ``requested_at``);
    ``read_on`` is the local date it was signed, the month its figures are counted in."""

    public_id = models.UUIDField(_("record number"), default=uuid.uuid4, unique=True, editable=False)
    study = models.ForeignKey(
        ImagingStudy, verbose_name=_("imaging study"), on_delete=models.CASCADE, related_name="readings"
    )
    kind = models.CharField(_("reading"), max_length=24, choices=ReadingKind.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=ReadingStatus.choices, default=ReadingStatus.REQUESTED
    )
    reader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reader"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="imaging_readings",
    )
    reader_name = models.CharField(_("reader name"), max_length=120, blank=True)
    findings = models.TextField(_("findings"), blank=True)
    impression = models.TextField(_("impression"), blank=True)
    is_critical = models.BooleanField(_("critical finding"), default=False)
    requested_at = models.DateTimeField(_("requested at"))
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    read_on = models.DateField(_("read on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("imaging reading")
        verbose_name_plural = _("imaging readings")
        ordering = ["requested_at", "id"]
        indexes = [models.Index(fields=["kind", "status", "read_on"], name="imaging_reading_kind_read")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.study}"

    @property
    def is_final(self) -> bool:
        return self.status == ReadingStatus.FINAL

    @property
    def is_within_due_time(self) -> bool | None:
        if self.read_at is None or self.due_at is None:
            return None
        return self.read_at <= self.due_at
