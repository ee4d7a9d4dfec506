"""Checks the MCH services share: an institution or a region where one is asked for, dates and
times not in the future (a time typed without a zone is local), a person's name."""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from shanhai.core import clock
from shanhai.core.models import OrgUnit, OrgUnitKind

INSTITUTION_KINDS = set(OrgUnitKind.values) - OrgUnitKind.region_kinds() - {OrgUnitKind.HEALTH_COMMISSION}


def require_institution(unit: OrgUnit | None, field: str) -> None:
    if unit is not None and unit.kind not in INSTITUTION_KINDS:
        raise ValidationError({field: _("Choose an institution, not a region.")})


def require_region(unit: OrgUnit | None, field: str) -> None:
    if unit is not None and unit.kind not in {OrgUnitKind.COUNTY, OrgUnitKind.TOWNSHIP}:
        raise ValidationError({field: _("Choose a county or a township.")})


def not_future(day: date | None, field: str) -> None:
    if day is not None and day > clock.today():
        raise ValidationError({field: _("This date is in the future.")})


def as_aware(moment: datetime | None) -> datetime | None:
    """A time typed without a zone is read in the deployment's zone (Asia/Shanghai), never as UTC."""
    if moment is not None and timezone.is_naive(moment):
        return timezone.make_aware(moment)
    return moment


def not_future_moment(moment: datetime | None, field: str) -> None:
    if moment is not None and moment > clock.now():
        raise ValidationError({field: _("This time is in the future.")})


def has_name(text: str | None) -> bool:
    """A person's name has a letter or a character in it (not blank, not a dash placeholder)."""
    return any(ch.isalnum() for ch in text or "")
