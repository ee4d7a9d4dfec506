"""Groups of indicator tiles for a page: the record apps' figures for one scope and period."""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps

from shanhai.analytics.engine import IndicatorValue, Scope, evaluate
from shanhai.analytics.registry import registry
from shanhai.core.periods import Period

#: Apps whose records say what was done; their indicators fill the "What was done" panel.
RECORD_APPS = ("workforce", "training", "capacity", "outreach", "telehealth")
#: Apps whose indicators describe an area's residents (妇幼健康), not partnerships: org units only.
AREA_APPS = ("maternal",)


@dataclass(frozen=True)
class TileGroup:
    label: str
    values: list[IndicatorValue]


def record_tile_groups(scope: Scope, period: Period, scope_name: str) -> tuple[list[TileGroup], int]:
    """The record apps' indicators for a scope, grouped by app (an org unit's also its MCH figures); only
    reported values are shown, the others are counted (unknown is not zero, and forty "not reported"
    tiles would hide the few that are)."""
    apps_shown = (*RECORD_APPS, *AREA_APPS) if scope_name == "org" else RECORD_APPS
    chosen = [i for i in registry.indicators.values() if i.app in apps_shown and scope_name in i.scopes]
    groups: dict[str, list[IndicatorValue]] = {}
    unreported = 0
    for indicator, value in zip(chosen, evaluate(chosen, scope, period), strict=True):
        if value.is_reported:
            groups.setdefault(str(apps.get_app_config(indicator.app).verbose_name), []).append(value)
        else:
            unreported += 1
    return [TileGroup(label, values) for label, values in groups.items()], unreported
