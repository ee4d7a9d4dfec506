"""Who may manage which users: the only way the user pages load a user (404 outside the manager's scope).

System administrators manage every user. Programme offices and institution administrators (``MANAGER_ROLES``)
manage the users whose every membership lies inside one of their subtrees with a role no higher than the one
they hold there (``ROLE_RANK``); a user with any membership beyond that (a system administrator elsewhere, a
programme office above them) is not theirs to see. Django superusers are managed by system administrators only.
"""

from __future__ import annotations

from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from shanhai.accounts.models import ROLE_RANK, Membership, Role, User
from shanhai.accounts.scoping import UserScope, jurisdiction, scope_of
from shanhai.core.models import OrgUnit, OrgUnitKind
from shanhai.core.selectors import in_subtrees


def rank(role: str) -> int:
    return ROLE_RANK.get(role, 0)


def roles_up_to(role: str) -> list[str]:
    """The roles a holder of ``role`` may grant: those of its rank or below."""
    return [value for value in Role.values if rank(value) <= rank(role)]


def may_grant(actor: User, unit: OrgUnit, role: str) -> bool:
    """May ``actor`` give someone ``role`` at ``unit`` (or revoke it, or change it)?"""
    scope = scope_of(actor)
    if scope.is_admin:
        return True
    path = jurisdiction(unit).path
    return any(path.startswith(root) and rank(role) <= rank(held) for root, held in scope.manager_grants)


def grantable_roles(actor: User) -> list[str]:
    """Every role the actor may grant somewhere in their subtrees."""
    scope = scope_of(actor)
    if scope.is_admin:
        return list(Role.values)
    top = max((rank(held) for _root, held in scope.manager_grants), default=-1)
    return [value for value in Role.values if rank(value) <= top] if top >= 0 else []


def manageable_units(actor: User) -> QuerySet[OrgUnit]:
    """The org units where the actor may grant roles (the picker of the user pages)."""
    scope = scope_of(actor)
    if scope.is_admin:
        return OrgUnit.objects.order_by("path")
    if not scope.manager_grants:
        return OrgUnit.objects.none()
    return OrgUnit.objects.filter(in_subtrees([root for root, _held in scope.manager_grants])).order_by("path")


def _jurisdiction_within(root: str) -> Q:
    """Memberships whose subtree (``scoping.jurisdiction``: a health commission's is its region) lies in ``root``."""
    commission = Q(org_unit__kind=OrgUnitKind.HEALTH_COMMISSION, org_unit__parent__isnull=False)
    return (~commission & Q(org_unit__path__startswith=root)) | (
        commission & Q(org_unit__parent__path__startswith=root)
    )


def covered_memberships(scope: UserScope) -> Q:
    """Memberships a manager with this scope may manage (not for system administrators: they manage all)."""
    condition = Q(pk__in=[])
    for root, held in scope.manager_grants:
        condition |= _jurisdiction_within(root) & Q(role__in=roles_up_to(held))
    return condition


def managed_users(actor: User) -> QuerySet[User]:
    """Users the actor may manage: for a system administrator all; for other managers those with at least one
    membership and every membership covered."""
    scope = scope_of(actor)
    if scope.is_admin:
        return User.objects.all()
    if not scope.manager_grants:
        return User.objects.none()
    covered = covered_memberships(scope)
    of_user = Membership.objects.filter(user=OuterRef("pk"))
    return User.objects.filter(is_superuser=False).filter(
        Exists(of_user.filter(covered)), ~Exists(of_user.exclude(covered))
    )


def may_manage(actor: User, user: User) -> bool:
    return managed_users(actor).filter(pk=user.pk).exists()


def access_user(actor: User, public_id: UUID | str) -> User:
    """A user the actor manages, by public id; 404 for anyone else, so that existence does not leak."""
    try:
        return managed_users(actor).get(public_id=public_id)
    except (User.DoesNotExist, ValueError, ValidationError):
        raise Http404 from None


def access_membership(actor: User, user: User, pk: int | str) -> Membership:
    """One of a managed user's memberships that the actor may change; 404 otherwise."""
    try:
        membership = Membership.objects.select_related("org_unit", "org_unit__parent", "user").get(
            user=user, pk=int(pk)
        )
    except (Membership.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if not may_grant(actor, membership.org_unit, membership.role):
        raise Http404
    return membership
