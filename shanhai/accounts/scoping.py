"""Where a user may read and write (architecture §6). Every selector and access function uses this.

A membership covers its org unit's subtree. A membership at a health commission covers the
region the commission governs (its parent), since 卫健委 oversee every institution there.
System administrators see everything.

Figures (indicator values: aggregates, never records) follow the same subtrees, with one addition: a
membership at an MCH institution (妇幼保健院/所) opens the MCH figures of the region it serves (its parent),
since every institution there reports its MCH data to the 辖区妇幼保健机构, which collects, analyses and
reports them (docs/domain.md §1.1, §3.1). The records behind those figures stay as scoped as any other
(the evidence lists show only what the user may see and say how many more there are).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q

from shanhai.accounts.models import (
    AUDIT_ROLES,
    MANAGER_ROLES,
    PARTNERSHIP_ROLES,
    WRITER_ROLES,
    Membership,
    Role,
    User,
)
from shanhai.core.models import OrgUnit, OrgUnitKind
from shanhai.core.selectors import in_subtrees

#: The areas (apps) whose figures an MCH institution's members read for its whole region.
MCH_FIGURE_APPS = frozenset({"maternal", "screening"})


def mch_region(unit: OrgUnit) -> OrgUnit | None:
    """The region whose MCH figures a membership at ``unit`` opens: an MCH institution's parent region."""
    parent = unit.parent
    if unit.kind == OrgUnitKind.MCH_HOSPITAL and parent is not None and parent.kind in OrgUnitKind.region_kinds():
        return parent
    return None


def jurisdiction(unit: OrgUnit) -> OrgUnit:
    """The subtree a membership at ``unit`` covers."""
    if unit.kind == OrgUnitKind.HEALTH_COMMISSION and unit.parent_id is not None:
        return unit.parent  # type: ignore[return-value]
    return unit


@dataclass(frozen=True)
class UserScope:
    is_admin: bool
    read_paths: tuple[str, ...]
    write_paths: tuple[str, ...]
    partnership_paths: tuple[str, ...]
    audit_paths: tuple[str, ...]
    roots: tuple[OrgUnit, ...]
    #: Subtrees where the user may view personal data in clear (memberships with ``reveals_personal``).
    reveal_paths: tuple[str, ...] = ()
    #: (subtree, role) of the memberships that manage users there (``MANAGER_ROLES``; ``accounts.access``).
    manager_grants: tuple[tuple[str, str], ...] = ()
    #: Regions whose MCH figures the user reads beyond their subtrees (:func:`mch_region`), outermost only.
    mch_regions: tuple[OrgUnit, ...] = ()

    def figures_at(self, path: str) -> frozenset[str] | None:
        """The areas whose figures the user may read for the subtree at ``path``: None for every area (the path is
        in the user's subtrees), the MCH areas in a region an MCH membership opens, else none (an empty set)."""
        if self.can_read_path(path):
            return None
        if any(path.startswith(region.path) for region in self.mch_regions):
            return MCH_FIGURE_APPS
        return frozenset()

    def read_q(self, field: str = "path") -> Q:
        return Q() if self.is_admin else in_subtrees(list(self.read_paths), field)

    def can_read_path(self, path: str) -> bool:
        return self.is_admin or any(path.startswith(p) for p in self.read_paths)

    def can_write_path(self, path: str) -> bool:
        return self.is_admin or any(path.startswith(p) for p in self.write_paths)

    def can_manage_partnerships_at(self, path: str) -> bool:
        return self.is_admin or any(path.startswith(p) for p in self.partnership_paths)

    def can_reveal_path(self, path: str) -> bool:
        """May the user view personal data of a record at ``path`` in clear (always with a reason, audited)?"""
        return self.is_admin or any(path.startswith(p) for p in self.reveal_paths)

    @property
    def can_write_anything(self) -> bool:
        return self.is_admin or bool(self.write_paths)

    @property
    def can_manage_partnerships(self) -> bool:
        return self.is_admin or bool(self.partnership_paths)

    @property
    def can_audit(self) -> bool:
        return self.is_admin or bool(self.audit_paths)

    @property
    def can_manage_users(self) -> bool:
        return self.is_admin or bool(self.manager_grants)

    @property
    def needs_second_factor(self) -> bool:
        """System administrators and users who may reveal personal data sign in with a second factor."""
        return self.is_admin or bool(self.reveal_paths)


EMPTY = UserScope(False, (), (), (), (), ())

#: The attribute of a loaded user that caches its scope (dropped when a membership changes).
SCOPE_CACHE = "_shanhai_scope"


def scope_of(user: User | AnonymousUser | None) -> UserScope:
    """The user's scope, computed once per request object and cached on it; empty when signed out."""
    if not isinstance(user, User):
        return EMPTY
    cached: UserScope | None = getattr(user, SCOPE_CACHE, None)
    if cached is not None:
        return cached
    memberships = list(Membership.objects.filter(user=user).select_related("org_unit", "org_unit__parent"))
    is_admin = user.is_superuser or any(m.role == Role.SYSTEM_ADMIN for m in memberships)
    roots = {m.org_unit_id: jurisdiction(m.org_unit) for m in memberships}

    def paths(roles: frozenset[str] | None, *, reveals_personal: bool = False) -> tuple[str, ...]:
        return tuple(
            sorted(
                {
                    jurisdiction(m.org_unit).path
                    for m in memberships
                    if (roles is None or m.role in roles) and (m.reveals_personal or not reveals_personal)
                }
            )
        )

    scope = UserScope(
        is_admin=is_admin,
        read_paths=paths(None),
        write_paths=paths(WRITER_ROLES),
        partnership_paths=paths(PARTNERSHIP_ROLES),
        audit_paths=paths(AUDIT_ROLES),
        roots=tuple(sorted({r.pk: r for r in roots.values()}.values(), key=lambda u: u.path)),
        reveal_paths=paths(None, reveals_personal=True),
        manager_grants=tuple(
            sorted({(jurisdiction(m.org_unit).path, m.role) for m in memberships if m.role in MANAGER_ROLES})
        ),
        mch_regions=_outermost(
            [r for m in memberships if (r := mch_region(m.org_unit)) is not None and not is_admin],
            read_paths=paths(None),
        ),
    )
    setattr(user, SCOPE_CACHE, scope)
    return scope


def _outermost(regions: list[OrgUnit], *, read_paths: tuple[str, ...]) -> tuple[OrgUnit, ...]:
    """The regions not inside another one nor inside the user's own subtrees, by path."""
    unique = {region.pk: region for region in regions}.values()
    kept = [
        region
        for region in unique
        if not any(region.path.startswith(p) for p in read_paths)
        and not any(other.pk != region.pk and region.path.startswith(other.path) for other in unique)
    ]
    return tuple(sorted(kept, key=lambda region: region.path))
