"""Which scopes a user may compute indicators for: one rule for pages, API and reports.

An org-unit scope on its own needs the unit inside the user's subtrees: seeing a unit as the other
end of a partnership does not open all of its numbers (architecture §6 gives the supporting side
only what is credited to its own partnerships). An MCH institution's members read the MCH figures of its
region too (``accounts.scoping``): the scope then opens those areas only (``Scope.apps``), and the engine gives
the other indicators as withheld. Programmes and partnerships are open to whoever may see them; an org unit
given with one of them only narrows it, so any visible unit will do there.
"""

from __future__ import annotations

from typing import Literal

from django.http import Http404

from shanhai.accounts.models import User
from shanhai.accounts.scoping import scope_of
from shanhai.analytics.engine import Scope
from shanhai.core.models import OrgUnit
from shanhai.partnerships.access import access_org_unit, access_partnership, access_programme


def can_see_org_numbers(actor: User, unit: OrgUnit) -> bool:
    """All of a unit's numbers are open to users whose subtrees hold the unit."""
    return scope_of(actor).can_read_path(unit.path)


def can_see_org_figures(actor: User, unit: OrgUnit) -> bool:
    """Some of a unit's numbers are open: all of them, or the MCH ones of an MCH institution's region
    (``UserScope.figures_at``)."""
    return scope_of(actor).figures_at(unit.path) != frozenset()


def _figures_unit(actor: User, code: str) -> OrgUnit:
    """The unit of an org-unit scope: one the user sees, or a unit of a region whose MCH figures they read."""
    try:
        return access_org_unit(actor, code)
    except Http404:
        for region in scope_of(actor).mch_regions:
            unit = OrgUnit.objects.filter(code=code, path__startswith=region.path).select_related("parent").first()
            if unit is not None:
                return unit
        raise


def access_scope(
    actor: User,
    *,
    org_code: str | None = None,
    programme_id: int | str | None = None,
    partnership_id: int | str | None = None,
    side: Literal["recipient", "supporter"] = "recipient",
) -> Scope:
    """Build the scope from user input, or raise 404 when the user may not see it."""
    if not (org_code or programme_id or partnership_id):
        raise Http404
    programme = access_programme(actor, programme_id) if programme_id else None
    partnership = access_partnership(actor, partnership_id) if partnership_id else None
    if programme is None and partnership is None:
        org_unit = _figures_unit(actor, org_code) if org_code else None
        apps = scope_of(actor).figures_at(org_unit.path) if org_unit is not None else None
        if apps is not None and not apps:
            raise Http404
        return Scope(org_unit=org_unit, side=side, apps=apps)
    org_unit = access_org_unit(actor, org_code) if org_code else None
    return Scope(org_unit=org_unit, programme=programme, partnership=partnership, side=side)
