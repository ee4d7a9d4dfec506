"""Children (from a mother's delivery or not) and their health checks of the 0–6 schedule."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from shanhai.accounts.models import User
from shanhai.analytics import facts
from shanhai.core.models import OrgUnit
from shanhai.maternal import due
from shanhai.maternal.derived import derive_child
from shanhai.maternal.models import Child, ChildCheck, ChildCheckKind, Delivery, Sex
from shanhai.maternal.services.checks import not_future, require_institution, require_region
from shanhai.maternal.services.numbers import child_number, create_numbered
from shanhai.maternal.services.registry import fact_rows, tracking
from shanhai.records.services import record_create, record_delete, record_update

CHILD_EDITABLE = (
    "mother",
    "name",
    "sex",
    "birth_date",
    "birth_weight_grams",
    "gestation_weeks",
    "residence",
    "registered_at",
    "high_risk_reasons",
    "newborn_screened_on",
    "hearing_screened_on",
    "died_on",
)


def _validate_child(child: Child) -> None:
    require_region(child.residence, "residence")
    require_institution(child.registered_at, "registered_at")
    not_future(child.birth_date, "birth_date")
    if child.sex not in Sex.values:
        raise ValidationError({"sex": _("Choose the child's sex.")})
    for name in ("newborn_screened_on", "hearing_screened_on", "died_on"):
        day = getattr(child, name)
        not_future(day, name)
        if day is not None and day < child.birth_date:
            raise ValidationError({name: _("This date is before the birth.")})
    if child.birth_weight_grams is not None and not 300 <= child.birth_weight_grams <= 7000:
        raise ValidationError({"birth_weight_grams": _("A birth weight is between 300 g and 7000 g.")})
    if child.gestation_weeks is not None and not 20 <= child.gestation_weeks <= 45:
        raise ValidationError({"gestation_weeks": _("Gestation at birth is between 20 and 45 weeks.")})
    if child.mother_id is not None:
        delivery = Delivery.objects.filter(pregnancy_id=child.mother_id).first()
        if delivery is None or delivery.live_births < 1:
            raise ValidationError({"mother": _("Record the mother's delivery, with its live births, first.")})
        if abs((child.birth_date - delivery.delivered_on).days) > 1:
            raise ValidationError({"birth_date": _("The date of birth differs from the mother's delivery date.")})
        siblings = Child.objects.filter(mother_id=child.mother_id).exclude(pk=child.pk).count()
        if siblings >= delivery.live_births:
            raise ValidationError({"mother": _("Every live birth of this delivery is registered already.")})
    child.name = (child.name or "").strip() or None
    for name, value in derive_child(child).items():
        setattr(child, name, value)


def child_create(*, actor: User, **values: Any) -> Child:
    """Register a child (from a mother's delivery when ``mother`` is given: born on the delivery date,
    at most as many children as live births); it is given its number (``services.numbers``)."""
    clean = {k: v for k, v in values.items() if k in CHILD_EDITABLE and v not in (None, "")}
    child = Child(**clean)

    def validate(record: Child) -> None:
        _validate_child(record)
        record.number = child_number(record)

    with transaction.atomic():
        create_numbered(child, lambda: record_create(actor=actor, record=child, validate=validate))
        facts.apply([], fact_rows(None, child))
        due.write_child(child)
    return child


def child_update(*, actor: User, record: Child, **changes: Any) -> Child:
    with tracking(child=record):
        return record_update(
            actor=actor, record=record, changes=changes, editable=CHILD_EDITABLE, validate=_validate_child
        )


def child_delete(*, actor: User, record: Child) -> None:
    if record.checks.exists():
        raise ValidationError(_("This child has health checks on record; delete those first."))
    with transaction.atomic():
        before = fact_rows(None, record)
        record_delete(actor=actor, record=record)
        facts.apply(before, [])


def _validate_check(check: ChildCheck) -> None:
    require_institution(check.institution, "institution")
    not_future(check.checked_on, "checked_on")
    if check.kind not in ChildCheckKind.values:
        raise ValidationError({"kind": _("Choose which check of the schedule this is.")})
    if check.checked_on < check.child.birth_date:
        raise ValidationError({"checked_on": _("This date is before the birth.")})
    duplicate = ChildCheck.objects.filter(child=check.child, kind=check.kind).exclude(pk=check.pk)
    if duplicate.exists():
        raise ValidationError({"kind": _("This check is already on record for the child.")})


def _lock_child(child: Child) -> None:
    """One writer of a child's checks at a time: its stored check dates are re-derived from all of them."""
    list(Child.objects.select_for_update().filter(pk=child.pk).values_list("pk", flat=True))


def child_check_create(
    *,
    actor: User,
    child: Child,
    kind: str,
    checked_on: date,
    institution: OrgUnit,
    weight_grams: int | None = None,
    length_cm: Any = None,
) -> ChildCheck:
    """A check of the 0–6 schedule. The child's stored check dates (``derived.derive_child``, read by the under-3
    measure) are re-derived in the same transaction, as after every change of its checks; it changes no fact."""
    with tracking(child=child):
        _lock_child(child)
        check = ChildCheck(
            child=child,
            kind=kind,
            checked_on=checked_on,
            institution=institution,
            weight_grams=weight_grams,
            length_cm=length_cm,
        )
        return record_create(actor=actor, record=check, validate=_validate_check)


def child_check_update(*, actor: User, record: ChildCheck, **changes: Any) -> ChildCheck:
    """A new kind or date re-derives the child's stored check dates; a check never moves to another child."""
    with tracking(child=record.child):
        _lock_child(record.child)
        return record_update(
            actor=actor,
            record=record,
            changes=changes,
            editable=("kind", "checked_on", "institution", "weight_grams", "length_cm"),
            validate=_validate_check,
        )


def child_check_delete(*, actor: User, record: ChildCheck) -> None:
    with tracking(child=record.child):
        _lock_child(record.child)
        record_delete(actor=actor, record=record)
