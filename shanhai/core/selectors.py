"""Reads of the org tree. Subtrees and ancestors come from the materialised path, never recursion."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from shanhai.core.models import AuditEntry, OrgUnit


def subtree(unit: OrgUnit, *, include_self: bool = True) -> QuerySet[OrgUnit]:
    units = OrgUnit.objects.filter(path__startswith=unit.path)
    return units if include_self else units.exclude(pk=unit.pk)


def ancestors(unit: OrgUnit, *, include_self: bool = False) -> QuerySet[OrgUnit]:
    ids = unit.ancestor_ids if include_self else unit.ancestor_ids[:-1]
    return OrgUnit.objects.filter(pk__in=ids).order_by("level")


def children(unit: OrgUnit | None) -> QuerySet[OrgUnit]:
    units = OrgUnit.objects.filter(parent=unit) if unit else OrgUnit.objects.filter(parent__isnull=True)
    return units.select_related("grade").order_by("kind", "code")


def in_subtrees(paths: list[str], field: str = "path") -> Q:
    """A condition selecting rows whose ``field`` (a path) lies in any of the subtrees."""
    condition = Q(pk__in=[])
    for path in paths:
        condition |= Q(**{f"{field}__startswith": path})
    return condition


def audit_entries(
    *, paths: list[str] | None, object_type: str = "", action: str = "", actor: str = ""
) -> QuerySet[AuditEntry]:
    """Audit entries, limited to the given subtrees (None: everything)."""
    entries = AuditEntry.objects.select_related("org_unit").order_by("-at", "-id")
    if paths is not None:
        entries = entries.filter(in_subtrees(paths, "org_path"))
    if object_type:
        entries = entries.filter(object_type=object_type)
    if action:
        entries = entries.filter(action=action)
    if actor:
        entries = entries.filter(actor_name=actor)
    return entries
