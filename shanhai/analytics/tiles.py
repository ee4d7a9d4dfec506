"""Groups of indicator tiles for a page: the record apps' figures for one scope and period."""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps

from shanhai.analytics.engine import IndicatorValue, Scope, evaluate
from shanhai.analytics.memo import records_memo
from shanhai.analytics.registry import Breakdown, registry
from shanhai.core.periods import Period

#: Apps whose records say what was done; their indicators fill the "What was done" panel.
RECORD_APPS = ("workforce", "training", "capacity", "outreach", "telehealth")
#: Apps whose indicators describe an area's residents (妇幼健康), not partnerships: org units only.
AREA_APPS = ("maternal", "screening")


@dataclass(frozen=True)
class TileGroup:
    label: str
    values: list[IndicatorValue]


def record_tile_groups(scope: Scope, period: Period, scope_name: str) -> tuple[list[TileGroup], int]:
    """The record apps' indicators for a scope, grouped by app (an org unit's also its MCH figures); only
    reported values are shown, the others are counted (unknown is not zero, and forty "not reported"
    tiles would hide the few that are)."""
    apps_shown = (*RECORD_APPS, *AREA_APPS) if scope_name == "org" else RECORD_APPS
    parts = {code for breakdown in registry.breakdowns.values() for code in breakdown.parts}
    chosen = [
        i
        for i in registry.indicators.values()
        if i.app in apps_shown and scope_name in i.scopes and i.code not in parts  # parts: in their breakdown
    ]
    groups: dict[str, list[IndicatorValue]] = {}
    unreported = 0
    with records_memo():  # the measures over the same records (e.g. the three technique statuses) read them once
        values = evaluate(chosen, scope, period)
    for indicator, value in zip(chosen, values, strict=True):
        if value.is_reported:
            groups.setdefault(str(apps.get_app_config(indicator.app).verbose_name), []).append(value)
        else:
            unreported += 1
    return [TileGroup(label, values) for label, values in groups.items()], unreported


@dataclass(frozen=True)
class BreakdownTable:
    """One registered breakdown for a scope and period: the whole, then each part (``registry.breakdowns``)."""

    breakdown: Breakdown
    whole: IndicatorValue
    parts: list[IndicatorValue]

    @property
    def by(self) -> str:
        return self.breakdown.by()


def breakdown_tables(scope: Scope, period: Period, scope_name: str) -> list[BreakdownTable]:
    """Every breakdown whose whole the scope can answer and reported, its parts computed by the engine (one
    ``evaluate`` for all of them)."""
    breakdowns = [b for b in registry.breakdowns.values() if scope_name in registry.get(b.whole).scopes]
    codes = list(dict.fromkeys(code for b in breakdowns for code in (b.whole, *b.parts)))
    values = {value.code: value for value in evaluate(codes, scope, period)}
    return [
        BreakdownTable(b, values[b.whole], [values[code] for code in b.parts])
        for b in breakdowns
        if values[b.whole].is_reported
    ]
