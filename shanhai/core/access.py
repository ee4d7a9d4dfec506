"""The only way views and the API load an org unit by code or id: 404 outside scope."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from shanhai.accounts.scoping import scope_of
from shanhai.core.models import OrgUnit


def visible_org_units(actor: Any) -> QuerySet[OrgUnit]:
    """The user's subtrees, plus the units at the other end of partnerships they can see."""
    from shanhai.partnerships.models import Partnership
    from shanhai.partnerships.selectors import partnership_visibility

    scope = scope_of(actor)
    if scope.is_admin:
        return OrgUnit.objects.all()
    visible = Partnership.objects.filter(partnership_visibility(actor))
    return OrgUnit.objects.filter(
        scope.read_q() | Q(pk__in=visible.values("supporter_id")) | Q(pk__in=visible.values("recipient_id"))
    )


def access_org_unit(actor: Any, code: str, *, for_write: bool = False) -> OrgUnit:
    try:
        unit = visible_org_units(actor).select_related("grade", "parent").get(code=code)
    except OrgUnit.DoesNotExist:
        raise Http404 from None
    if for_write and not scope_of(actor).can_write_path(unit.path):
        raise PermissionDenied
    return unit


def require_org_write(actor: Any, parent: OrgUnit | None) -> None:
    """Creating under ``parent`` needs write access there (a new root needs a system admin)."""
    scope = scope_of(actor)
    if parent is None and not scope.is_admin:
        raise PermissionDenied
    if parent is not None and not scope.can_write_path(parent.path):
        raise PermissionDenied
