"""The only way views and the API load a study or a reading: 404 outside scope (the records framework's rule: the
study's site, or either end of its partnership, in the user's subtrees); who may upload, read and sign."""

from __future__ import annotations

import uuid

from django.core.exceptions import PermissionDenied

from shanhai.accounts.models import User
from shanhai.accounts.scoping import scope_of
from shanhai.core.models import OrgUnit
from shanhai.imaging.models import ImagingReading, ImagingStudy
from shanhai.records.access import access_record
from shanhai.records.kinds import kind_of


def access_study(actor: User, public_id: uuid.UUID | str) -> ImagingStudy:
    study: ImagingStudy = access_record(kind_of("imaging-studies"), actor, public_id)
    return study


def access_reading(actor: User, public_id: uuid.UUID | str) -> ImagingReading:
    reading: ImagingReading = access_record(kind_of("imaging-readings"), actor, public_id)
    return reading


def can_upload_at(actor: User, site: OrgUnit) -> bool:
    return scope_of(actor).can_write_path(site.path)


def can_record_preliminary(actor: User, study: ImagingStudy) -> bool:
    """The asking side (write access at the site) records its own or the AI's preliminary reading."""
    return scope_of(actor).can_write_path(study.site.path)


def can_read_remotely(actor: User, study: ImagingStudy) -> bool:
    """The supporting side reads: a user whose subtree holds the partnership's supporter (its experts)."""
    scope = scope_of(actor)
    if study.partnership is None:
        return False
    return scope.is_admin or scope.can_read_path(study.partnership.supporter.path)


def require_remote_reader(actor: User, study: ImagingStudy) -> None:
    if not can_read_remotely(actor, study):
        raise PermissionDenied
