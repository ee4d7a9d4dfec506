"""The only way views and the API load a programme or partnership by id: 404 outside scope."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from shanhai.accounts.scoping import scope_of
from shanhai.core.models import OrgUnit
from shanhai.partnerships.models import Partnership, Programme
from shanhai.partnerships.selectors import partnership_visibility, programme_list


def access_partnership(actor: Any, pk: int | str, *, for_write: bool = False) -> Partnership:
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


def access_programme(actor: Any, pk: int | str, *, for_write: bool = False) -> Programme:
    try:
        programme = programme_list(actor).get(pk=int(pk))
    except (Programme.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if for_write and not scope_of(actor).can_manage_partnerships_at(programme.owner.path):
        raise PermissionDenied
    return programme


def require_partnership_management(actor: Any, supporter: OrgUnit, recipient: OrgUnit) -> None:
    """Programme offices and institution admins manage partnerships that touch their subtree."""
    scope = scope_of(actor)
    if not (scope.can_manage_partnerships_at(supporter.path) or scope.can_manage_partnerships_at(recipient.path)):
        raise PermissionDenied


def require_programme_management(actor: Any, owner: OrgUnit) -> None:
    if not scope_of(actor).can_manage_partnerships_at(owner.path):
        raise PermissionDenied
