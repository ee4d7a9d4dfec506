"""Fixtures of the outreach tests: a Qitai township and the fact-table helpers."""

from __future__ import annotations

import datetime as dt

import pytest

from shanhai.analytics import engine
from shanhai.analytics.models import Fact
from shanhai.core.models import OrgUnit, OrgUnitKind
from shanhai.core.periods import parse_period
from tests.core.factories import OrgUnitFactory

FACT_COLUMNS = (
    "metric",
    "org_unit_id",
    "anc_1",
    "anc_2",
    "anc_3",
    "anc_4",
    "programme_id",
    "partnership_id",
    "month",
    "value",
    "record_count",
)
D = dt.date


def fact_table() -> list[tuple]:
    return sorted(Fact.objects.values_list(*FACT_COLUMNS))


def figures(codes: list[str], scope: engine.Scope, period: str) -> dict[str, float | None]:
    return {v.code: v.value for v in engine.evaluate(codes, scope, parse_period(period))}


@pytest.fixture
def township(world) -> OrgUnit:
    return OrgUnitFactory(code="652325201", name="五马场乡", kind=OrgUnitKind.TOWNSHIP, parent=world.qitai)
