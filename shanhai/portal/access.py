"""Which scopes a user may compute indicators for: one rule for pages, API and reports.

An org-unit scope on its own needs the unit inside the user's subtrees: seeing a unit as the other
end of a partnership does not open all of its numbers (architecture §6 gives the supporting side
only what is credited to its own partnerships). Programmes and partnerships are open to whoever may
see them; an org unit given with one of them only narrows it, so any visible unit will do there.
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
    org_unit = access_org_unit(actor, org_code) if org_code else None
    if org_unit is not None and programme is None and partnership is None and not can_see_org_numbers(actor, org_unit):
        raise Http404
    return Scope(org_unit=org_unit, programme=programme, partnership=partnership, side=side)
