"""What a user may pick or name in a record: units, partnerships, programmes, other records (people:
``workforce.columns``).

One ``Lookup`` serves one form, one import or one API call; names already resolved are remembered,
so a 5,000-row import asks the database once per distinct value, not once per cell.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Q, QuerySet

from shanhai.accounts.models import User
from shanhai.accounts.scoping import scope_of
from shanhai.core.models import OrgUnit, OrgUnitKind
from shanhai.core.selectors import ancestors, in_subtrees
from shanhai.partnerships.access import visible_org_units
from shanhai.partnerships.models import Partnership, Programme
from shanhai.partnerships.selectors import partnership_list, programme_list
from shanhai.records.kinds import kind_of
from shanhai.records.selectors import record_list


class Lookup:
    def __init__(self, user: User) -> None:
        self.user = user
        self.scope = scope_of(user)
        self._memo: dict[tuple[str, str], Any] = {}

    def remember(self, column: Any, text: str, find: Callable[[], Any]) -> Any:
        key = (f"{type(column).__name__}:{column.key}", text)
        if key not in self._memo:
            self._memo[key] = find()
        return self._memo[key]

    def units(self, *, regions: bool = False) -> QuerySet[OrgUnit]:
        """Visible institutions; with ``regions``, also the regions around one's own units: a county
        hospital records its outreach in the county's townships, which lie outside its own subtree."""
        units = visible_org_units(self.user)
        if not regions:
            return units.exclude(kind__in=OrgUnitKind.region_kinds()).order_by("path")
        around = [self._nearest_region(root) for root in self.scope.roots]
        nearby = OrgUnit.objects.filter(in_subtrees([r.path for r in around if r]), kind__in=OrgUnitKind.region_kinds())
        return OrgUnit.objects.filter(Q(pk__in=units.values("pk")) | Q(pk__in=nearby.values("pk"))).order_by("path")

    def writable_units(self, *, regions: bool = False) -> QuerySet[OrgUnit]:
        """The units of :meth:`units` the user may write at (a record owned there, with no partnership to credit
        it to, may only be written there)."""
        units = self.units(regions=regions)
        return units if self.scope.is_admin else units.filter(in_subtrees(list(self.scope.write_paths)))

    @staticmethod
    def _nearest_region(unit: OrgUnit) -> OrgUnit | None:
        regions = ancestors(unit, include_self=True).filter(kind__in=OrgUnitKind.region_kinds())
        return regions.order_by("-level").first()

    def partnerships(self) -> QuerySet[Partnership]:
        return partnership_list(self.user)

    def programmes(self) -> QuerySet[Programme]:
        return programme_list(self.user)

    def records(self, kind_slug: str) -> QuerySet[Any]:
        return record_list(kind_of(kind_slug), self.user)
