"""Writes of imaging studies and their readings: validate, save, update the facts and audit in one transaction
(``records.services``). Callers check access first (``imaging.access``).

Workflow (FHIR DiagnosticReport status registered → preliminary → final): an upload stores the files and
requests a remote reading due ``SHANHAI_IMAGING_DUE_HOURS`` working hours later; a preliminary reading (AI or
local) may be recorded meanwhile; the supporting side's expert signs the remote final reading; a second reading
may be requested after it. A critical finding (危急值) notifies the asking side at once."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from shanhai.accounts.models import Membership, User
from shanhai.core import clock
from shanhai.core.models import OrgUnit
from shanhai.core.notices import notify
from shanhai.core.working_time import add_working_hours
from shanhai.imaging.models import ImagingReading, ImagingStudy, Modality, ReadingKind, ReadingStatus
from shanhai.imaging.store import ParsedInstance, get_store, parse_instance
from shanhai.partnerships.models import Partnership
from shanhai.records.services import record_create, record_delete, record_update

logger = logging.getLogger(__name__)

STUDY_FIELDS = ("partnership", "body_part", "description")
REMOTE_KINDS = (ReadingKind.REMOTE_FINAL, ReadingKind.SECOND_OPINION)
PRELIMINARY_KINDS = (ReadingKind.AI_PRELIMINARY, ReadingKind.LOCAL_PRELIMINARY)


# --- studies ----------------------------------------------------------------------------------------
def _validate_study(study: ImagingStudy) -> None:
    partnership = study.partnership
    if partnership is not None and not study.site.path.startswith(partnership.recipient.path):
        raise ValidationError(
            {
                "partnership": _("%(site)s is not within %(recipient)s, the partnership's receiving side.")
                % {"site": study.site.name, "recipient": partnership.recipient.name}
            }
        )


def parse_upload(files: Sequence[tuple[str, bytes]]) -> list[ParsedInstance]:
    """Check every uploaded file before anything is written: size, count, DICOM, one study."""
    if not files:
        raise ValidationError(_("Choose the DICOM files of one study."))
    if len(files) > settings.SHANHAI_DICOM_MAX_FILES:
        raise ValidationError(_("At most %(count)d files at a time.") % {"count": settings.SHANHAI_DICOM_MAX_FILES})
    limit = settings.SHANHAI_DICOM_MAX_FILE_MB * 1024 * 1024
    errors: list[str] = []
    parsed: list[ParsedInstance] = []
    for name, content in files:
        if len(content) > limit:
            errors.append(
                _("“%(name)s” is larger than %(size)d MB.") % {"name": name, "size": settings.SHANHAI_DICOM_MAX_FILE_MB}
            )
            continue
        try:
            parsed.append(parse_instance(content, name))
        except ValidationError as error:
            errors += error.messages
    if errors:
        raise ValidationError(errors)
    if len({item.study_uid for item in parsed}) > 1:
        raise ValidationError(_("The files belong to more than one study; upload one study at a time."))
    return parsed


def study_upload(
    *,
    actor: User,
    site: OrgUnit,
    files: Sequence[tuple[str, bytes]],
    partnership: Partnership | None = None,
    request_remote_reading: bool = True,
    requested_at: datetime | None = None,
) -> ImagingStudy:
    """Store the files of one study in the archive and create (or complete) its study record; nothing is written
    when a file is refused. ``requested_at``: when the remote reading was asked for (default now; the demo's
    history)."""
    parsed = parse_upload(files)
    first = parsed[0]
    existing = ImagingStudy.objects.filter(study_uid=first.study_uid).first()
    if existing is not None and existing.site_id != site.pk:
        raise ValidationError(_("This study was uploaded by another institution."))
    modality = first.modality if first.modality in Modality.values else Modality.OT
    store = get_store()
    with transaction.atomic():
        if existing is None:
            study = record_create(
                actor=actor,
                record=ImagingStudy(
                    study_uid=first.study_uid,
                    modality=modality,
                    body_part=first.body_part[:64],
                    description=first.description,
                    started_at=first.started_at or clock.now(),
                    site=site,
                    partnership=partnership,
                    store=store.name,
                    store_key=first.study_uid,
                    uploaded_by=actor,
                ),
                validate=_validate_study,
            )
        else:
            study = existing
        store.store(parsed)
        series = store.series(study.study_uid)
        ImagingStudy.objects.filter(pk=study.pk).update(
            series_count=len(series),
            instance_count=sum(len(s.instances) for s in series),
            updated_at=timezone.now(),
        )
        study.refresh_from_db()
        if request_remote_reading and existing is None and study.partnership_id is not None:
            reading_request(actor=actor, study=study, kind=ReadingKind.REMOTE_FINAL, at=requested_at)
    logger.debug("imaging study %s stored: %d files", study.public_id, len(parsed))
    return study


def study_create(*, actor: User, **values: Any) -> ImagingStudy:
    raise ValidationError(_("An imaging study is added by uploading its DICOM files."))


def study_update(*, actor: User, record: ImagingStudy, **changes: Any) -> ImagingStudy:
    return record_update(actor=actor, record=record, changes=changes, editable=STUDY_FIELDS, validate=_validate_study)


def study_delete(*, actor: User, record: ImagingStudy) -> None:
    study_uid, store_name = record.study_uid, record.store
    record_delete(actor=actor, record=record, dependents=lambda study: list(study.readings.all()))
    transaction.on_commit(lambda: get_store(store_name).delete_study(study_uid))


# --- readings --------------------------------------------------------------------------------------
def _validate_reading(reading: ImagingReading) -> None:
    errors: dict[str, str] = {}
    if reading.kind not in ReadingKind.values:
        errors["kind"] = _("“%(value)s” is not one of the choices.") % {"value": reading.kind}
    if reading.status == ReadingStatus.FINAL and not reading.impression.strip():
        errors["impression"] = _("Enter the impression before signing the reading.")
    if reading.kind in PRELIMINARY_KINDS and reading.status == ReadingStatus.FINAL:
        errors["status"] = _("A preliminary reading cannot be final; the remote reading is.")
    if errors:
        raise ValidationError(errors)


def _remote_reading(study: ImagingStudy, kind: str) -> ImagingReading | None:
    return study.readings.filter(kind=kind).order_by("-requested_at").first()


def reading_request(
    *, actor: User, study: ImagingStudy, kind: str = ReadingKind.REMOTE_FINAL, at: datetime | None = None
) -> ImagingReading:
    """Ask the supporting side for the remote (or a second) reading, due in working hours."""
    if kind not in REMOTE_KINDS:
        raise ValidationError({"kind": _("Only a remote or a second reading is requested.")})
    if study.partnership_id is None:
        raise ValidationError(_("The study is not read under a partnership; no remote reading can be requested."))
    if kind == ReadingKind.SECOND_OPINION:
        final = _remote_reading(study, ReadingKind.REMOTE_FINAL)
        if final is None or not final.is_final:
            raise ValidationError(_("A second reading is requested after the remote reading is signed."))
    pending = study.readings.filter(kind=kind, status=ReadingStatus.REQUESTED).exists()
    if pending or (kind == ReadingKind.REMOTE_FINAL and study.readings.filter(kind=kind).exists()):
        raise ValidationError(_("This reading has already been requested."))
    requested_at = at or clock.now()
    reading = ImagingReading(
        study=study,
        kind=kind,
        status=ReadingStatus.REQUESTED,
        requested_at=requested_at,
        due_at=add_working_hours(requested_at, settings.SHANHAI_IMAGING_DUE_HOURS),
    )
    return record_create(actor=actor, record=reading, validate=_validate_reading)


def reading_record_preliminary(
    *,
    actor: User,
    study: ImagingStudy,
    kind: str,
    findings: str,
    impression: str,
    is_critical: bool = False,
    reader_name: str = "",
    at: datetime | None = None,
) -> ImagingReading:
    """A preliminary reading: the AI's (no reader; ``reader_name`` names the software) or the local doctor's."""
    if kind not in PRELIMINARY_KINDS:
        raise ValidationError({"kind": _("Only an AI or a local reading is preliminary.")})
    now = at or clock.now()
    is_ai = kind == ReadingKind.AI_PRELIMINARY
    reading = record_create(
        actor=actor,
        record=ImagingReading(
            study=study,
            kind=kind,
            status=ReadingStatus.PRELIMINARY,
            reader=None if is_ai else actor,
            reader_name=(reader_name or ("" if is_ai else actor.get_full_name() or actor.username)).strip()[:120],
            findings=findings.strip(),
            impression=impression.strip(),
            is_critical=is_critical,
            requested_at=now,
            read_at=now,
            read_on=timezone.localdate(now),
        ),
        validate=_validate_reading,
    )
    if is_critical:
        _notify_critical(reading)
    return reading


def reading_sign(
    *,
    actor: User,
    reading: ImagingReading,
    findings: str,
    impression: str,
    is_critical: bool = False,
    at: datetime | None = None,
) -> ImagingReading:
    """The supporting side's expert signs a requested remote (or second) reading: final at once."""
    if reading.kind not in REMOTE_KINDS or reading.status != ReadingStatus.REQUESTED:
        raise ValidationError(_("This reading is not waiting to be read."))
    now = at or clock.now()
    reading = record_update(
        actor=actor,
        record=reading,
        changes={
            "status": ReadingStatus.FINAL,
            "reader": actor,
            "reader_name": (actor.get_full_name() or actor.username)[:120],
            "findings": findings.strip(),
            "impression": impression.strip(),
            "is_critical": is_critical,
            "read_at": now,
            "read_on": timezone.localdate(now),
        },
        editable=("status", "reader", "reader_name", "findings", "impression", "is_critical", "read_at", "read_on"),
        validate=_validate_reading,
    )
    if is_critical:
        _notify_critical(reading)
    return reading


def reading_create(*, actor: User, **values: Any) -> ImagingReading:
    """The records framework's create (form, import, API): a preliminary reading."""
    return reading_record_preliminary(
        actor=actor,
        study=values["study"],
        kind=values.get("kind") or ReadingKind.LOCAL_PRELIMINARY,
        findings=values.get("findings") or "",
        impression=values.get("impression") or "",
        is_critical=bool(values.get("is_critical")),
        reader_name=values.get("reader_name") or "",
    )


def reading_update(*, actor: User, record: ImagingReading, **changes: Any) -> ImagingReading:
    if record.status != ReadingStatus.PRELIMINARY:
        raise ValidationError(_("Only a preliminary reading can be changed; a signed reading stays as signed."))
    changes = {k: v for k, v in changes.items() if k in ("findings", "impression", "is_critical", "reader_name")}
    return record_update(
        actor=actor,
        record=record,
        changes=changes,
        editable=("findings", "impression", "is_critical", "reader_name"),
        validate=_validate_reading,
    )


def reading_delete(*, actor: User, record: ImagingReading) -> None:
    if record.status == ReadingStatus.FINAL:
        raise ValidationError(_("A signed reading cannot be deleted."))
    record_delete(actor=actor, record=record)


# --- notices -------------------------------------------------------------------------------------
def asking_side(study: ImagingStudy) -> list[User]:
    """Who is told of a critical finding: the uploader and every member of the study's site."""
    members = User.objects.filter(
        pk__in=Membership.objects.filter(org_unit_id=study.site_id).values("user_id"), is_active=True
    )
    users = list(members.order_by("pk"))
    if study.uploaded_by is not None and study.uploaded_by.is_active and study.uploaded_by not in users:
        users.append(study.uploaded_by)
    return users


def _notify_critical(reading: ImagingReading) -> None:
    study = reading.study
    notify(
        asking_side(study),
        kind="imaging_critical",
        title=_("Critical finding in %(study)s: %(reading)s")
        % {"study": str(study), "reading": reading.get_kind_display()},
        url=reverse("imaging:study_detail", kwargs={"public_id": study.public_id}),
        obj=study,
        key=f"imaging-critical-{reading.public_id}",
    )
