"""Outcomes: the delivery, a maternal death (within 42 days after the end) and postpartum visits."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from shanhai.accounts.models import User
from shanhai.core.models import OrgUnit
from shanhai.maternal.conditions import related_or_none
from shanhai.maternal.models import (
    AntenatalVisit,
    Child,
    DeathCause,
    Delivery,
    DeliveryPlace,
    MaternalDeath,
    PostpartumKind,
    PostpartumVisit,
    Pregnancy,
    PregnancyStatus,
)
from shanhai.maternal.rules import mch_rules, pregnancy_end_date
from shanhai.maternal.services.checks import not_future, require_institution
from shanhai.maternal.services.registry import tracking
from shanhai.records.services import record_create, record_delete, record_update


def _validate_delivery(delivery: Delivery) -> None:
    not_future(delivery.delivered_on, "delivered_on")
    pregnancy = delivery.pregnancy
    if pregnancy.status == PregnancyStatus.ENDED:
        raise ValidationError({"pregnancy": _("This pregnancy ended without delivery.")})
    if delivery.delivered_on < pregnancy.registered_on:
        raise ValidationError({"delivered_on": _("The delivery is before the registration.")})
    if delivery.place == DeliveryPlace.FACILITY and delivery.institution is None:
        raise ValidationError({"institution": _("A delivery in a facility names the institution.")})
    require_institution(delivery.institution, "institution")
    if delivery.live_births + delivery.stillbirths < 1:
        raise ValidationError({"live_births": _("A delivery has at least one live birth or stillbirth.")})
    if delivery.discharged_on is not None and delivery.discharged_on < delivery.delivered_on:
        raise ValidationError({"discharged_on": _("Discharge cannot be before the delivery.")})
    not_future(delivery.discharged_on, "discharged_on")
    if AntenatalVisit.objects.filter(pregnancy=pregnancy, visited_on__gt=delivery.delivered_on).exists():
        raise ValidationError({"delivered_on": _("Some antenatal visits on record are after this date.")})
    if PostpartumVisit.objects.filter(pregnancy=pregnancy, visited_on__lt=delivery.delivered_on).exists():
        raise ValidationError({"delivered_on": _("Some postpartum visits on record are before this date.")})
    if delivery.pk and delivery.live_births < Child.objects.filter(mother=pregnancy).count():
        raise ValidationError({"live_births": _("More children are registered from this delivery.")})


DELIVERY_EDITABLE = (
    "delivered_on",
    "place",
    "institution",
    "mode",
    "live_births",
    "stillbirths",
    "is_modern_method",
    "discharged_on",
)


def delivery_create(*, actor: User, pregnancy: Pregnancy, delivered_on: date, **values: Any) -> Delivery:
    clean = {k: v for k, v in values.items() if k in DELIVERY_EDITABLE and v is not None}
    with tracking(pregnancy=pregnancy):
        delivery = Delivery(pregnancy=pregnancy, delivered_on=delivered_on, **clean)
        return record_create(actor=actor, record=delivery, validate=_validate_delivery)


def delivery_update(*, actor: User, record: Delivery, **changes: Any) -> Delivery:
    with tracking(pregnancy=record.pregnancy):
        return record_update(
            actor=actor, record=record, changes=changes, editable=DELIVERY_EDITABLE, validate=_validate_delivery
        )


def delivery_delete(*, actor: User, record: Delivery) -> None:
    pregnancy = record.pregnancy
    if pregnancy.postpartum_visits.exists() or pregnancy.children.exists():
        raise ValidationError(_("Postpartum visits or children are recorded after this delivery; delete those first."))
    with tracking(pregnancy=pregnancy):
        record_delete(actor=actor, record=record)


def _validate_death(death: MaternalDeath) -> None:
    not_future(death.died_on, "died_on")
    pregnancy = death.pregnancy
    if death.died_on < pregnancy.last_menstrual_period_on:
        raise ValidationError({"died_on": _("The date of death is before this pregnancy.")})
    ended = pregnancy_end_date(pregnancy)
    if ended is not None and death.died_on > ended + timedelta(days=mch_rules().postpartum_check_day):
        raise ValidationError({"died_on": _("A maternal death is within 42 days after the pregnancy ends.")})
    if death.cause not in DeathCause.values:
        raise ValidationError({"cause": _("Choose the cause of death.")})
    not_future(death.reported_on, "reported_on")
    if death.reported_on is not None and death.reported_on < death.died_on:
        raise ValidationError({"reported_on": _("The report cannot be before the death.")})


def maternal_death_create(
    *,
    actor: User,
    pregnancy: Pregnancy,
    died_on: date,
    cause: str,
    place: OrgUnit | None = None,
    reported_on: date | None = None,
) -> MaternalDeath:
    """A death in pregnancy or within 42 days after it ends; an accident is recorded but not counted
    in the MMR (domain.md §3.2)."""
    with tracking(pregnancy=pregnancy):
        death = MaternalDeath(pregnancy=pregnancy, died_on=died_on, cause=cause, place=place, reported_on=reported_on)
        return record_create(actor=actor, record=death, validate=_validate_death)


def maternal_death_update(*, actor: User, record: MaternalDeath, **changes: Any) -> MaternalDeath:
    with tracking(pregnancy=record.pregnancy):
        return record_update(
            actor=actor,
            record=record,
            changes=changes,
            editable=("died_on", "cause", "place", "reported_on"),
            validate=_validate_death,
        )


def maternal_death_delete(*, actor: User, record: MaternalDeath) -> None:
    with tracking(pregnancy=record.pregnancy):
        record_delete(actor=actor, record=record)


def _validate_postpartum(visit: PostpartumVisit) -> None:
    require_institution(visit.institution, "institution")
    not_future(visit.visited_on, "visited_on")
    if visit.kind not in PostpartumKind.values:
        raise ValidationError({"kind": _("Choose a postpartum home visit or the 42-day check.")})
    delivery = related_or_none(visit.pregnancy, "delivery")
    if delivery is None:
        raise ValidationError({"pregnancy": _("Record the delivery before postpartum visits.")})
    if visit.visited_on < delivery.delivered_on:
        raise ValidationError({"visited_on": _("A postpartum visit is after the delivery.")})


def postpartum_visit_create(
    *,
    actor: User,
    pregnancy: Pregnancy,
    visited_on: date,
    institution: OrgUnit,
    kind: str = PostpartumKind.VISIT,
    note: str = "",
) -> PostpartumVisit:
    with tracking(pregnancy=pregnancy):
        visit = PostpartumVisit(
            pregnancy=pregnancy,
            visited_on=visited_on,
            institution=institution,
            kind=kind or PostpartumKind.VISIT,
            note=note or "",
        )
        return record_create(actor=actor, record=visit, validate=_validate_postpartum)


def postpartum_visit_update(*, actor: User, record: PostpartumVisit, **changes: Any) -> PostpartumVisit:
    with tracking(pregnancy=record.pregnancy):
        return record_update(
            actor=actor,
            record=record,
            changes=changes,
            editable=("kind", "visited_on", "institution", "note"),
            validate=_validate_postpartum,
        )


def postpartum_visit_delete(*, actor: User, record: PostpartumVisit) -> None:
    with tracking(pregnancy=record.pregnancy):
        record_delete(actor=actor, record=record)
