"""The write path every record kind shares (architecture §3): validate, save, update the facts and
write the audit entry in one transaction. Each app's services call these with their own validation.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist, ValidationError
from django.db import models, transaction
from django.http import Http404
from django.utils.translation import gettext as _

from shanhai.accounts.models import User
from shanhai.analytics import facts
from shanhai.core.audit import audit_record, snapshot
from shanhai.core.models import AuditAction, OrgUnit
from shanhai.records.kinds import kind_for_model

#: The record a write-path function is given and returns, with its own type.
R = TypeVar("R", bound=models.Model)

Validate = Callable[[Any], None]
Dependents = Callable[[Any], Iterable[models.Model]]


def _unit(record: models.Model) -> OrgUnit | None:
    kind = kind_for_model(type(record))
    return kind.unit_of(record) if kind is not None else None


def _rows(record: models.Model, dependents: Dependents | None) -> list[facts.FactRow]:
    rows = facts.rows_for(record)
    for child in dependents(record) if dependents else ():
        rows += facts.rows_for(child)
    return rows


def _m2m_snapshot(record: models.Model, m2m: dict[str, Iterable[models.Model]]) -> dict[str, Any]:
    return {name: sorted(str(getattr(o, "public_id", o.pk)) for o in getattr(record, name).all()) for name in m2m}


def _locked(record: R) -> R:
    """The record read again under a row lock; 404 if someone deleted it since it was loaded (two deletes
    at once: the second finds nothing to delete)."""
    try:
        return type(record)._default_manager.select_for_update().get(pk=record.pk)
    except ObjectDoesNotExist:
        raise Http404 from None


def _nullable(model: type[models.Model], name: str) -> bool:
    """Whether a field may hold no value (not a concrete field: the service decides)."""
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return True
    return not isinstance(field, models.Field) or not field.concrete or field.many_to_many or field.null


@transaction.atomic
def record_create(
    *,
    actor: User,
    record: R,
    validate: Validate,
    m2m: dict[str, Iterable[models.Model]] | None = None,
) -> R:
    """Save a new record (``m2m``: its many-to-many values) with its facts and audit entry."""
    validate(record)
    record.save()
    for name, values in (m2m or {}).items():
        getattr(record, name).set(list(values))
    facts.apply([], facts.rows_for(record))
    after = snapshot(record) | _m2m_snapshot(record, m2m or {})
    audit_record(actor=actor, action=AuditAction.CREATE, obj=record, after=after, org_unit=_unit(record))
    return record


@transaction.atomic
def record_update(
    *,
    actor: User,
    record: R,
    changes: dict[str, Any],
    editable: Iterable[str],
    validate: Validate,
    m2m_fields: Iterable[str] = (),
    dependents: Dependents | None = None,
) -> R:
    """Change some fields of a record under a row lock; its facts (and its dependents') follow."""
    if unknown := set(changes) - set(editable):
        raise ValueError(f"not editable: {sorted(unknown)}")
    m2m = {name: changes.pop(name) for name in list(changes) if name in set(m2m_fields)}
    model = type(record)
    if emptied := [name for name, value in changes.items() if value is None and not _nullable(model, name)]:
        raise ValidationError({name: _("This cannot be left empty.") for name in emptied})
    record = _locked(record)
    before = snapshot(record) | _m2m_snapshot(record, m2m)
    before_rows = _rows(record, dependents)
    for name, value in changes.items():
        setattr(record, name, value)
    validate(record)
    if changes:
        record.save(update_fields=[*changes, "updated_at"])
    for name, values in m2m.items():
        getattr(record, name).set(list(values))
    facts.apply(before_rows, _rows(record, dependents))
    after = snapshot(record) | _m2m_snapshot(record, m2m)
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=record, before=before, after=after, org_unit=_unit(record))
    return record


@transaction.atomic
def record_delete(*, actor: User, record: models.Model, dependents: Dependents | None = None) -> None:
    """Delete a record; its facts (and those of dependents deleted with it) are withdrawn."""
    record = _locked(record)
    before, unit = snapshot(record), _unit(record)
    facts.apply(_rows(record, dependents), [])
    record.delete()
    audit_record(actor=actor, action=AuditAction.DELETE, obj=record, before=before, org_unit=unit)
