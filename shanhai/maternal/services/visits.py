"""Antenatal visits, dated within the pregnancy (from the LMP to the delivery or end)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from shanhai.accounts.models import User
from shanhai.core.models import OrgUnit
from shanhai.maternal.models import AntenatalVisit, Pregnancy
from shanhai.maternal.rules import gestation_days, pregnancy_end_date
from shanhai.maternal.services.checks import not_future, require_institution
from shanhai.maternal.services.registry import tracking
from shanhai.records.services import record_create, record_delete, record_update


def _validate_antenatal(visit: AntenatalVisit) -> None:
    require_institution(visit.institution, "institution")
    not_future(visit.visited_on, "visited_on")
    pregnancy = visit.pregnancy
    days = gestation_days(pregnancy, visit.visited_on)
    if days < 0:
        raise ValidationError({"visited_on": _("The visit is before the last menstrual period.")})
    end = pregnancy_end_date(pregnancy)
    if end is not None and visit.visited_on > end:
        raise ValidationError(
            {"visited_on": _("An antenatal visit cannot be after the delivery or end of the pregnancy.")}
        )
    visit.gestation_days = days


def antenatal_visit_create(
    *, actor: User, pregnancy: Pregnancy, visited_on: date, institution: OrgUnit, note: str = ""
) -> AntenatalVisit:
    with tracking(pregnancy=pregnancy):
        visit = AntenatalVisit(pregnancy=pregnancy, visited_on=visited_on, institution=institution, note=note or "")
        return record_create(actor=actor, record=visit, validate=_validate_antenatal)


def antenatal_visit_update(*, actor: User, record: AntenatalVisit, **changes: Any) -> AntenatalVisit:
    if "visited_on" in changes:
        changes["gestation_days"] = 0  # recomputed by the validation
    with tracking(pregnancy=record.pregnancy):
        return record_update(
            actor=actor,
            record=record,
            changes=changes,
            editable=("visited_on", "institution", "note", "gestation_days"),
            validate=_validate_antenatal,
        )


def antenatal_visit_delete(*, actor: User, record: AntenatalVisit) -> None:
    with tracking(pregnancy=record.pregnancy):
        record_delete(actor=actor, record=record)
