"""Referrals between institutions: a state machine with a timestamp per state, moved under a row lock."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from shanhai.accounts.models import User
from shanhai.accounts.scoping import scope_of
from shanhai.core import clock
from shanhai.core.models import OrgUnit
from shanhai.maternal.models import Pregnancy, Referral, ReferralStatus
from shanhai.maternal.services.checks import as_aware, not_future_moment, require_institution
from shanhai.records.services import record_create, record_delete, record_update

REFERRAL_MOVES: dict[str, set[str]] = {
    ReferralStatus.REQUESTED: {ReferralStatus.ACCEPTED, ReferralStatus.DECLINED, ReferralStatus.CANCELLED},
    ReferralStatus.ACCEPTED: {ReferralStatus.ARRIVED, ReferralStatus.CANCELLED},
    ReferralStatus.ARRIVED: {ReferralStatus.RETURNED},
    ReferralStatus.RETURNED: set(),
    ReferralStatus.DECLINED: set(),
    ReferralStatus.CANCELLED: set(),
}
REFERRAL_STAMP = {
    ReferralStatus.ACCEPTED: "accepted_at",
    ReferralStatus.ARRIVED: "arrived_at",
    ReferralStatus.RETURNED: "returned_at",
    ReferralStatus.DECLINED: "declined_at",
    ReferralStatus.CANCELLED: "cancelled_at",
}


def _validate_referral(referral: Referral) -> None:
    require_institution(referral.from_unit, "from_unit")
    require_institution(referral.to_unit, "to_unit")
    if referral.from_unit_id == referral.to_unit_id:
        raise ValidationError({"to_unit": _("A referral goes to another institution.")})
    if not (referral.reason or "").strip():
        raise ValidationError({"reason": _("Give the reason for the referral.")})
    not_future_moment(referral.requested_at, "requested_at")


def _require_sender(actor: User | None, *units: OrgUnit | None) -> None:
    """Only the sending institution refers: a referral hands the woman (and the permission to view her
    personal data, ``access.woman_personal_unit``) to its receiving institution, so the receiving side
    may not write one to itself."""
    if actor is None:
        return
    scope = scope_of(actor)
    if any(unit is not None and not scope.can_write_path(unit.path) for unit in units):
        raise ValidationError({"from_unit": _("Only the referring institution can record a referral.")})


def referral_create(
    *,
    actor: User,
    pregnancy: Pregnancy,
    from_unit: OrgUnit,
    to_unit: OrgUnit,
    reason: str,
    requested_at: datetime | None = None,
) -> Referral:
    _require_sender(actor, from_unit)
    referral = Referral(
        pregnancy=pregnancy,
        from_unit=from_unit,
        to_unit=to_unit,
        reason=(reason or "").strip(),
        requested_at=as_aware(requested_at) or clock.now(),
    )
    return record_create(actor=actor, record=referral, validate=_validate_referral)


def _last_step_at(referral: Referral) -> datetime:
    stamps: list[datetime | None] = [getattr(referral, name) for name in REFERRAL_STAMP.values()]
    return max([referral.requested_at, *(s for s in stamps if s is not None)])


def referral_move(*, actor: User, record: Referral, status: str, at: datetime | None = None) -> Referral:
    """Move a referral to its next state (requested → accepted → arrived → referred back; or declined /
    cancelled), stamping the time (now, or ``at``: not in the future, not before the previous step).
    Moving to the state it is in changes nothing."""
    if status not in ReferralStatus.values:
        raise ValidationError({"status": _("Unknown referral state.")})
    with transaction.atomic():
        current = Referral.objects.select_for_update().get(pk=record.pk)
        if status == current.status:
            return current
        if status not in REFERRAL_MOVES[current.status]:
            raise ValidationError(
                {
                    "status": _("A referral that is “%(current)s” cannot become “%(new)s”.")
                    % {"current": ReferralStatus(current.status).label, "new": ReferralStatus(status).label}
                }
            )
        moment = as_aware(at) or clock.now()
        not_future_moment(moment, "at")
        if moment < _last_step_at(current):
            raise ValidationError({"at": _("This time is before the referral's previous step.")})
        stamp = REFERRAL_STAMP[ReferralStatus(status)]
        return record_update(
            actor=actor,
            record=current,
            changes={"status": status, stamp: moment},
            editable=("status", stamp),
            validate=_validate_referral,
        )


def referral_update(*, actor: User, record: Referral, **changes: Any) -> Referral:
    status = changes.pop("status", None)
    with transaction.atomic():
        if {"from_unit", "to_unit"} & set(changes):
            _require_sender(actor, record.from_unit, changes.get("from_unit"))
        if changes:
            record = record_update(
                actor=actor,
                record=record,
                changes=changes,
                editable=("from_unit", "to_unit", "reason"),
                validate=_validate_referral,
            )
        if status is not None:
            record = referral_move(actor=actor, record=record, status=status)
    return record


def referral_delete(*, actor: User, record: Referral) -> None:
    if Referral.objects.filter(pk=record.pk).exclude(status=ReferralStatus.REQUESTED).exists():
        raise ValidationError(_("Only a referral still requested can be deleted; cancel it instead."))
    record_delete(actor=actor, record=record)
