"""The MCH record kinds' writes: the services adapted to the keywords of ``shanhai.records`` (a form or an
import row gives every column; what a record keeps for good — its pregnancy, a case's opening — is refused
with a message on the field)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext

from shanhai.accounts.models import User
from shanhai.maternal import services
from shanhai.maternal.models import (
    AntenatalVisit,
    ChildCheck,
    Delivery,
    MaternalDeath,
    PostpartumVisit,
    Pregnancy,
    PregnancyStatus,
    Referral,
    ReferralStatus,
    RiskCase,
    Woman,
)


def refuse_fixed(changes: dict[str, Any], editable: tuple[str, ...]) -> None:
    """Refuse, with a message on the field, changes to what a record keeps for good (its pregnancy …)."""
    if fixed := [key for key in changes if key not in editable]:
        raise ValidationError({key: gettext("This cannot be changed; record a new one instead.") for key in fixed})


def pregnancy_create(
    *,
    actor: User,
    woman: Woman,
    registered_on: Any,
    registered_at: Any,
    last_menstrual_period_on: Any,
    gravidity: int | None = None,
    parity: int | None = None,
    status: str = "",
    ended_on: Any = None,
    end_reason: str = "",
    managed_recorded_on: Any = None,
    managed_note: str = "",
) -> Pregnancy:
    with transaction.atomic():
        pregnancy = services.pregnancy_create(
            actor=actor,
            woman=woman,
            registered_on=registered_on,
            registered_at=registered_at,
            last_menstrual_period_on=last_menstrual_period_on,
            gravidity=gravidity if gravidity is not None else 1,
            parity=parity if parity is not None else 0,
        )
        if status and status != PregnancyStatus.ONGOING:
            changes = {"status": status, "ended_on": ended_on, "end_reason": end_reason}
            pregnancy = services.pregnancy_update(actor=actor, record=pregnancy, **changes)
        if managed_recorded_on or managed_note:
            managed = {"managed_recorded_on": managed_recorded_on, "managed_note": managed_note or ""}
            pregnancy = services.pregnancy_update(actor=actor, record=pregnancy, **managed)
    return pregnancy


def pregnancy_update(*, actor: User, record: Pregnancy, **changes: Any) -> Pregnancy:
    refuse_fixed(changes, services.PREGNANCY_EDITABLE)
    if changes.get("status") == "":
        changes["status"] = PregnancyStatus.ONGOING
    return services.pregnancy_update(actor=actor, record=record, **changes)


def case_update(*, actor: User, record: RiskCase, **changes: Any) -> RiskCase:
    refuse_fixed(changes, services.CASE_EDITABLE)
    return services.case_update(actor=actor, record=record, **changes)


def referral_create(
    *,
    actor: User,
    pregnancy: Pregnancy,
    from_unit: Any,
    to_unit: Any,
    reason: str,
    status: str = "",
    requested_at: Any = None,
) -> Referral:
    with transaction.atomic():
        referral = services.referral_create(
            actor=actor,
            pregnancy=pregnancy,
            from_unit=from_unit,
            to_unit=to_unit,
            reason=reason,
            requested_at=requested_at,
        )
        if status and status != ReferralStatus.REQUESTED:
            referral = services.referral_move(actor=actor, record=referral, status=status)
    return referral


def referral_update(*, actor: User, record: Referral, **changes: Any) -> Referral:
    if not changes.get("status"):
        changes.pop("status", None)
    refuse_fixed(changes, ("from_unit", "to_unit", "reason", "status"))
    return services.referral_update(actor=actor, record=record, **changes)


def antenatal_update(*, actor: User, record: AntenatalVisit, **changes: Any) -> AntenatalVisit:
    refuse_fixed(changes, ("visited_on", "institution", "note"))
    return services.antenatal_visit_update(actor=actor, record=record, **changes)


def delivery_create(*, actor: User, pregnancy: Pregnancy, delivered_on: Any, **values: Any) -> Delivery:
    return services.delivery_create(actor=actor, pregnancy=pregnancy, delivered_on=delivered_on, **values)


def delivery_update(*, actor: User, record: Delivery, **changes: Any) -> Delivery:
    refuse_fixed(changes, services.DELIVERY_EDITABLE)
    if "is_modern_method" in changes and changes["is_modern_method"] is None:
        changes.pop("is_modern_method")
    if "stillbirths" in changes and changes["stillbirths"] is None:
        changes["stillbirths"] = 0
    return services.delivery_update(actor=actor, record=record, **changes)


def death_update(*, actor: User, record: MaternalDeath, **changes: Any) -> MaternalDeath:
    refuse_fixed(changes, ("died_on", "cause", "place", "reported_on"))
    return services.maternal_death_update(actor=actor, record=record, **changes)


def postpartum_update(*, actor: User, record: PostpartumVisit, **changes: Any) -> PostpartumVisit:
    refuse_fixed(changes, ("kind", "visited_on", "institution", "note"))
    if not changes.get("kind", True):
        changes.pop("kind")
    return services.postpartum_visit_update(actor=actor, record=record, **changes)


def check_update(*, actor: User, record: ChildCheck, **changes: Any) -> ChildCheck:
    refuse_fixed(changes, ("kind", "checked_on", "institution", "weight_grams", "length_cm"))
    return services.child_check_update(actor=actor, record=record, **changes)
