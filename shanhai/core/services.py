"""Writes to the org tree. Each validates, saves, audits and keeps facts right in one transaction."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext as _

from shanhai.core.audit import audit_record, snapshot
from shanhai.core.models import MAX_DEPTH, AuditAction, HospitalGrade, OrgUnit, OrgUnitKind

ANCESTORS = ("anc_1", "anc_2", "anc_3", "anc_4", "anc_5", "anc_6")

#: What else copies the tree's ancestor columns and must follow a move, inside its transaction: each is
#: called with the moved subtree's new path. The facts (``analytics``, a layer above this one) register
#: their refresh here at start-up (``AnalyticsConfig.ready``).
_subtree_moved: list[Callable[[str], object]] = []


def on_subtree_moved(listener: Callable[[str], object]) -> None:
    if listener not in _subtree_moved:
        _subtree_moved.append(listener)


def _place(unit: OrgUnit, parent: OrgUnit | None) -> None:
    """Set path, level and ancestor columns of a unit under ``parent`` (unit must have an id)."""
    unit.level = (parent.level + 1) if parent else 1
    if unit.level > MAX_DEPTH:
        raise ValidationError({"parent": _("The tree is at most %(depth)s levels deep.") % {"depth": MAX_DEPTH}})
    unit.path = f"{parent.path if parent else '/'}{unit.pk}/"
    for index, column in enumerate(ANCESTORS, start=1):
        setattr(unit, column, getattr(parent, column) if parent and index <= parent.level else None)
    setattr(unit, f"anc_{unit.level}", unit.pk)


def _validate(
    *,
    code: str,
    name: str,
    kind: str,
    grade: HospitalGrade | None,
    valid_from: date | None,
    valid_to: date | None,
    instance: OrgUnit | None = None,
) -> None:
    errors: dict[str, str] = {}
    same_code = OrgUnit.objects.filter(code=code)
    if instance is not None:
        same_code = same_code.exclude(pk=instance.pk)
    if not code.strip():
        errors["code"] = _("Enter a code.")
    elif same_code.exists():
        errors["code"] = _("Another organisation already uses the code %(code)s.") % {"code": code}
    if not name.strip():
        errors["name"] = _("Enter a name.")
    if kind not in OrgUnitKind.values:
        errors["kind"] = _("Choose a kind of organisation.")
    if kind in OrgUnitKind.region_kinds() and grade is not None:
        errors["grade"] = _("A region has no hospital grade.")
    if kind in {OrgUnitKind.PROVINCE, OrgUnitKind.PREFECTURE, OrgUnitKind.COUNTY} and not (
        code.isdigit() and len(code) == 6
    ):
        errors["code"] = _("A province, prefecture or county uses its six-digit GB/T 2260 code.")
    if valid_from and valid_to and valid_to < valid_from:
        errors["valid_to"] = _("The end of validity is before its start.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def org_unit_create(
    *,
    actor: AbstractBaseUser,
    code: str,
    name: str,
    kind: str,
    parent: OrgUnit | None = None,
    short_name: str = "",
    grade: HospitalGrade | None = None,
    valid_from: date | None = None,
    valid_to: date | None = None,
) -> OrgUnit:
    _validate(code=code, name=name, kind=kind, grade=grade, valid_from=valid_from, valid_to=valid_to)
    if parent is not None and parent.level >= MAX_DEPTH:
        raise ValidationError({"parent": _("The tree is at most %(depth)s levels deep.") % {"depth": MAX_DEPTH}})
    unit = OrgUnit(
        code=code.strip(),
        name=name.strip(),
        short_name=short_name.strip(),
        kind=kind,
        parent=parent,
        grade=grade,
        valid_from=valid_from,
        valid_to=valid_to,
        path="",
        level=0,
    )
    unit.save()
    _place(unit, parent)
    unit.save(update_fields=["path", "level", *ANCESTORS])
    audit_record(actor=actor, action=AuditAction.CREATE, obj=unit, after=snapshot(unit), org_unit=unit)
    return unit


@transaction.atomic
def org_unit_update(*, actor: AbstractBaseUser, unit: OrgUnit, **changes: Any) -> OrgUnit:
    """Change a unit's own fields (not its place in the tree: see :func:`org_unit_move`)."""
    allowed = {"code", "name", "short_name", "kind", "grade", "valid_from", "valid_to"}
    if unknown := set(changes) - allowed:
        raise ValueError(f"not editable here: {sorted(unknown)}")
    unit = OrgUnit.objects.select_for_update().get(pk=unit.pk)
    before = snapshot(unit)
    for field, value in changes.items():
        setattr(unit, field, value)
    _validate(
        code=unit.code,
        name=unit.name,
        kind=unit.kind,
        grade=unit.grade,
        valid_from=unit.valid_from,
        valid_to=unit.valid_to,
        instance=unit,
    )
    unit.save(update_fields=list(changes))
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=unit, before=before, after=snapshot(unit), org_unit=unit)
    return unit


@transaction.atomic
def org_unit_move(*, actor: AbstractBaseUser, unit: OrgUnit, new_parent: OrgUnit | None) -> OrgUnit:
    """Move a subtree under another parent: paths, levels and ancestor columns of every unit
    below, and of their facts, are rewritten with set-based updates in this transaction."""
    unit = OrgUnit.objects.select_for_update().get(pk=unit.pk)
    if new_parent is not None and new_parent.path.startswith(unit.path):
        raise ValidationError({"parent": _("An organisation cannot be moved under itself or its own subunits.")})
    old_path, old_level = unit.path, unit.level
    depth_below = (
        OrgUnit.objects.filter(path__startswith=old_path).order_by("-level").values_list("level", flat=True).first()
        or old_level
    ) - old_level
    new_level = (new_parent.level + 1) if new_parent else 1
    if new_level + depth_below > MAX_DEPTH:
        raise ValidationError({"parent": _("The tree is at most %(depth)s levels deep.") % {"depth": MAX_DEPTH}})
    before = {"parent": unit.parent_id}
    new_path = f"{new_parent.path if new_parent else '/'}{unit.pk}/"
    shift = new_level - old_level
    # New ancestor columns: levels up to the new parent come from it; deeper ones are the old
    # ancestor `shift` levels up (SQL evaluates every right-hand side on the old row).
    ancestor_update: dict[str, Any] = {}
    for level, column in enumerate(ANCESTORS, start=1):
        if new_parent is not None and level <= new_parent.level:
            ancestor_update[column] = Value(getattr(new_parent, column))
        elif 1 <= level - shift <= MAX_DEPTH:
            ancestor_update[column] = F(f"anc_{level - shift}")
        else:
            ancestor_update[column] = Value(None)
    OrgUnit.objects.filter(path__startswith=old_path).update(
        path=Concat(Value(new_path), Substr("path", len(old_path) + 1)),
        level=F("level") + shift,
        **ancestor_update,
    )
    OrgUnit.objects.filter(pk=unit.pk).update(parent=new_parent)
    for listener in _subtree_moved:
        listener(new_path)
    unit.refresh_from_db()
    audit_record(
        actor=actor, action=AuditAction.MOVE, obj=unit, before=before, after={"parent": unit.parent_id}, org_unit=unit
    )
    return unit
