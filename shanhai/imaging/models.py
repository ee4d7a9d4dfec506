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
