"""Fixtures of the screening tests: a Qitai township and the helpers of the fact-table tests."""

from __future__ import annotations

import datetime as dt

import pytest

from shanhai.analytics import engine
from shanhai.core.models import OrgUnit, OrgUnitKind
from shanhai.core.periods import parse_period
from tests.core.factories import OrgUnitFactory

D = dt.date


def figures(codes: list[str], scope: engine.Scope, period: str) -> dict[str, float | None]:
    return {v.code: v.value for v in engine.evaluate(codes, scope, parse_period(period))}


def values(codes: list[str], scope: engine.Scope, period: str) -> dict[str, tuple[float | None, float | None]]:
    return {v.code: (v.numerator, v.denominator) for v in engine.evaluate(codes, scope, parse_period(period))}


@pytest.fixture
def township(world) -> OrgUnit:
    return OrgUnitFactory(code="652325100", name="半截沟镇", kind=OrgUnitKind.TOWNSHIP, parent=world.qitai)
