"""The record kinds of this app: imaging studies (added by uploading their DICOM files, ``imaging.views``) and their
readings. Lists, details, exports and the API come from the records framework; a study's page adds the viewer."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shanhai.accounts.requests import AuthenticatedHttpRequest
from shanhai.imaging import services
from shanhai.imaging.access import can_read_remotely, can_record_preliminary
from shanhai.imaging.models import ImagingReading, ImagingStudy, Modality, ReadingKind, ReadingStatus
from shanhai.records.columns import Boolean, Choice, Column, Derived, Integer, PartnershipRef, RecordRef, UnitRef
from shanhai.records.kinds import RecordKind, register


def _local(value: datetime | None) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _study_context(request: AuthenticatedHttpRequest, study: ImagingStudy) -> dict[str, Any]:
    readings = list(study.readings.select_related("reader").order_by("requested_at", "id"))
    return {
        "readings": readings,
        "viewer_url": reverse("imaging:study_viewer", kwargs={"public_id": study.public_id}),
        "can_read_remotely": can_read_remotely(request.user, study),
        "can_record_preliminary": can_record_preliminary(request.user, study),
        "pending": [r for r in readings if r.status == ReadingStatus.REQUESTED],
        "reading_kinds": ReadingKind,
    }


register(
    RecordKind(
        slug="imaging-studies",
        model=ImagingStudy,
        app="imaging",
        unit_field="site",
        columns=(
            Choice("modality", _("Modality"), choices=Modality, importable=False),
            Column("body_part", _("Body part"), required=False, max_length=64),
            Column("description", _("Description"), required=False),
            Derived("started_at", _("Study date"), compute=lambda s: _local(s.started_at), sort="started_at"),
            UnitRef("site", _("Site (code or name)"), importable=False),
            PartnershipRef(required=False),
            Integer("series_count", _("Series"), importable=False, required=False),
            Integer("instance_count", _("Images"), importable=False, required=False),
            Derived("study_uid", _("Study Instance UID"), in_list=False, sort=None),
        ),
        create=services.study_create,
        update=services.study_update,
        delete=services.study_delete,
        search_fields=("description", "body_part", "site__name", "study_uid"),
        date_field="started_at",
        filter_keys=("modality",),
        ordering=("-started_at",),
        select_related=("site", "partnership__supporter", "partnership__recipient"),
        detail_template="imaging/study_detail.html",
        detail_context=_study_context,
    )
)

register(
    RecordKind(
        slug="imaging-readings",
        model=ImagingReading,
        app="imaging",
        unit_field="study__site",
        partnership_field="study__partnership",
        columns=(
            RecordRef("study", _("Imaging study (record number)"), kind="imaging-studies"),
            Choice("kind", _("Reading"), choices=ReadingKind),
            Choice("status", _("Status"), choices=ReadingStatus, importable=False, required=False),
            Column("reader_name", _("Reader"), required=False, max_length=120),
            Column("findings", _("Findings"), required=False, in_list=False, multiline=True, max_length=4000),
            Column("impression", _("Impression"), required=False, multiline=True, max_length=2000),
            Boolean("is_critical", _("Critical finding")),
            Derived("requested_at", _("Requested at"), compute=lambda r: _local(r.requested_at), sort="requested_at"),
            Derived("due_at", _("Due at"), compute=lambda r: _local(r.due_at), sort="due_at"),
            Derived("read_at", _("Read at"), compute=lambda r: _local(r.read_at), sort="read_at"),
        ),
        create=services.reading_create,
        update=services.reading_update,
        delete=services.reading_delete,
        search_fields=("reader_name", "impression", "study__site__name"),
        date_field="read_on",
        filter_keys=("kind", "status"),
        ordering=("-requested_at",),
        select_related=("study__site", "study__partnership__supporter", "study__partnership__recipient"),
        in_menu=True,
    )
)
