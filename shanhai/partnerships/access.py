"""The only way views and the API load an org unit, a programme or a partnership: 404 outside scope.

Org units live here rather than in ``core`` because what a user may see of the tree depends on the
partnerships they can see (the units at their other end), and ``core`` sits below them."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from shanhai.accounts.models import User
from shanhai.accounts.scoping import scope_of
from shanhai.core.models import OrgUnit
from shanhai.partnerships.models import Partnership, Programme
from shanhai.partnerships.selectors import partnership_visibility, programme_list


def access_partnership(actor: User, pk: int | str, *, for_write: bool = False) -> Partnership:
    try:
        partnership = (
            Partnership.objects.filter(partnership_visibility(actor))
            .select_related("programme", "supporter", "recipient", "supporter__grade", "recipient__grade", "department")
            .get(pk=int(pk))
        )
    except (Partnership.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if for_write:
        require_partnership_management(actor, partnership.supporter, partnership.recipient)
    return partnership


def access_programme(actor: User, pk: int | str, *, for_write: bool = False) -> Programme:
    try:
        programme = programme_list(actor).get(pk=int(pk))
    except (Programme.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if for_write and not scope_of(actor).can_manage_partnerships_at(programme.owner.path):
        raise PermissionDenied
    return programme


def require_partnership_management(actor: User, supporter: OrgUnit, recipient: OrgUnit) -> None:
    """Programme offices and institution admins manage partnerships that touch their subtree."""
    scope = scope_of(actor)
    if not (scope.can_manage_partnerships_at(supporter.path) or scope.can_manage_partnerships_at(recipient.path)):
        raise PermissionDenied


def require_programme_management(actor: User, owner: OrgUnit) -> None:
    if not scope_of(actor).can_manage_partnerships_at(owner.path):
        raise PermissionDenied


def visible_org_units(actor: User) -> QuerySet[OrgUnit]:
    """The user's subtrees, plus the units at the other end of partnerships they can see."""
    scope = scope_of(actor)
    if scope.is_admin:
        return OrgUnit.objects.all()
    visible = Partnership.objects.filter(partnership_visibility(actor))
    return OrgUnit.objects.filter(
        scope.read_q() | Q(pk__in=visible.values("supporter_id")) | Q(pk__in=visible.values("recipient_id"))
    )


def access_org_unit(actor: User, code: str, *, for_write: bool = False) -> OrgUnit:
    try:
        unit = visible_org_units(actor).select_related("grade", "parent").get(code=code)
    except OrgUnit.DoesNotExist:
        raise Http404 from None
    if for_write and not scope_of(actor).can_write_path(unit.path):
        raise PermissionDenied
    return unit


def require_org_write(actor: User, parent: OrgUnit | None) -> None:
    """Creating under ``parent`` needs write access there (a new root needs a system admin)."""
    scope = scope_of(actor)
    if parent is None and not scope.is_admin:
        raise PermissionDenied
    if parent is not None and not scope.can_write_path(parent.path):
        raise PermissionDenied
