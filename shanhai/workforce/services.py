"""Writes to people: validated, audited (phone numbers masked in the audit diff)."""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from shanhai.core.audit import audit_record, snapshot
from shanhai.core.models import AuditAction, Department, OrgUnit, OrgUnitKind, ProfessionalTitle
from shanhai.workforce.models import Gender, Person

PHONE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")
PERSON_FIELDS = ("name", "gender", "institution", "department", "title", "phone")


def _validate(person: Person) -> None:
    errors = {}
    if not person.name.strip():
        errors["name"] = _("Enter the person's name.")
    if person.gender not in Gender.values:
        errors["gender"] = _("Choose a gender.")
    if person.institution_id and person.institution.kind in OrgUnitKind.region_kinds():
        errors["institution"] = _("Choose an institution, not a region.")
    if person.phone and not PHONE.match(person.phone.replace(" ", "")):
        errors["phone"] = _("Enter an 11-digit mobile number or a landline such as 0994-1234567.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def person_create(
    *,
    actor: Any,
    name: str,
    gender: str,
    institution: OrgUnit,
    department: Department | None = None,
    title: ProfessionalTitle | None = None,
    phone: str = "",
) -> Person:
    person = Person(
        name=name.strip(),
        gender=gender,
        institution=institution,
        department=department,
        title=title,
        phone=phone.replace(" ", ""),
    )
    _validate(person)
    person.save()
    audit_record(actor=actor, action=AuditAction.CREATE, obj=person, after=snapshot(person), org_unit=institution)
    return person


@transaction.atomic
def person_update(*, actor: Any, person: Person, **changes: Any) -> Person:
    if unknown := set(changes) - set(PERSON_FIELDS):
        raise ValueError(f"not editable: {sorted(unknown)}")
    person = Person.objects.select_for_update().get(pk=person.pk)
    before = snapshot(person)
    for field, value in changes.items():
        setattr(person, field, value)
    _validate(person)
    person.save(update_fields=list(changes))
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=person,
        before=before,
        after=snapshot(person),
        org_unit=person.institution,
    )
    return person
