"""The audit trail: every service write records actor, action, object and a masked diff."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import models

from shanhai.core.models import AuditAction, AuditEntry, OrgUnit

Masker = Callable[[Any], str]


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if hasattr(value, "name") and hasattr(value, "storage"):  # FieldFile
        return value.name or ""
    if hasattr(value, "hex") and not isinstance(value, str | bytes | int | float):  # UUID
        return str(value)
    return value


def personal_fields(obj: models.Model) -> dict[str, Masker]:
    """A model lists the fields that hold personal data in ``PERSONAL_FIELDS`` (name → masker)."""
    return dict(getattr(obj, "PERSONAL_FIELDS", {}))


def snapshot(obj: models.Model, *, exclude: Iterable[str] = ()) -> dict[str, Any]:
    """The concrete field values of a row, personal data already masked."""
    masks = personal_fields(obj)
    skipped = set(exclude)
    data: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if field.name in skipped or field.name in {"id", "path", "anc_1", "anc_2", "anc_3", "anc_4", "anc_5", "anc_6"}:
            continue
        value = getattr(obj, field.attname)
        if field.name in masks:
            value = masks[field.name](value)
        data[field.name] = _plain(value)
    return data


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    keys = list(dict.fromkeys([*before, *after]))
    return {k: [before.get(k), after.get(k)] for k in keys if before.get(k) != after.get(k)}


def audit_record(
    *,
    actor: AbstractBaseUser | None,
    action: AuditAction | str,
    obj: models.Model,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    org_unit: OrgUnit | None = None,
    extra: dict[str, Any] | None = None,
) -> AuditEntry:
    """Write one audit entry. ``before``/``after`` come from :func:`snapshot` (already masked)."""
    changes: dict[str, Any] = diff(before or {}, after or {})
    if extra:
        changes["_"] = extra
    label = f"{obj._meta.app_label}.{obj._meta.model_name}"
    masks = personal_fields(obj)
    representation = getattr(obj, "audit_label", None) or ("***" if masks else str(obj))
    return AuditEntry.objects.create(
        actor_id=actor.pk if actor is not None else None,
        actor_name=(actor.get_username() if actor is not None else "") or "system",
        action=str(action),
        object_type=label,
        object_id=str(getattr(obj, "public_id", None) or obj.pk),
        object_repr=str(representation)[:200],
        org_unit=org_unit,
        org_path=org_unit.path if org_unit else "",
        changes=changes,
    )


def audit_event(
    *,
    actor: AbstractBaseUser | None,
    action: AuditAction | str,
    object_type: str,
    description: str,
    extra: dict[str, Any],
    org_unit: OrgUnit | None = None,
    object_id: str = "",
    actor_name: str | None = None,
) -> AuditEntry:
    """An entry about an act on many records or none (an export, an import, a token, a refused sign-in): what,
    and how many — ``extra`` holds counts and codes, never personal values. ``actor_name`` names an account
    without making it the actor (a refused sign-in: nobody signed in)."""
    if actor_name is None:
        actor_name = (actor.get_username() if actor is not None else "") or "system"
    return AuditEntry.objects.create(
        actor_id=actor.pk if actor is not None else None,
        actor_name=actor_name,
        action=str(action),
        object_type=object_type,
        object_id=object_id,
        object_repr=description[:200],
        org_unit=org_unit,
        org_path=org_unit.path if org_unit else "",
        changes={"_": extra},
    )
