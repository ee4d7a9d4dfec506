"""Measures over postings read once per scope inside ``analytics.memo.records_memo()``, with the same values."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from shanhai.analytics import engine
from shanhai.analytics.memo import records_memo
from shanhai.core.periods import parse_period
from tests.workforce.test_records import experts, postings  # noqa: F401  # fixtures

MEASURED = ["experts_dispatched", "experts_senior_share", "expert_months", "leadership_posts_held"]


def grid_values(scope: engine.Scope) -> dict:
    grid = engine.evaluate_grid(MEASURED, scope, parse_period("202101..202206"), monthly=True)
    return {key: (v.value, v.numerator, v.denominator, v.is_reported) for key, v in grid.values.items()}


def test_a_monthly_grid_has_the_same_values_with_fewer_queries(world, postings):  # noqa: F811
    for scope in (engine.Scope(programme=world.programme), engine.Scope(org_unit=world.qitai)):
        with CaptureQueriesContext(connection) as plain:
            expected = grid_values(scope)
        with records_memo(), CaptureQueriesContext(connection) as remembered:
            assert grid_values(scope) == expected
        assert len(remembered.captured_queries) < len(plain.captured_queries) / 4
    # The values month by month: 林 Apr–Sep 2021 (head of department) and Jan–Mar 2022, 陈 from June 2021.
    with records_memo():
        grid = engine.evaluate_grid(
            MEASURED, engine.Scope(programme=world.programme), parse_period("2021"), monthly=True
        )
    assert [grid.get("experts_dispatched", None, m).value for m in (202103, 202104, 202106, 202110)] == [None, 1, 2, 1]
    assert grid.get("leadership_posts_held", None, 202110).value == 0


def test_nothing_is_kept_outside_a_memo(world, postings):  # noqa: F811
    scope, period = engine.Scope(programme=world.programme), parse_period("2021")
    with records_memo():
        engine.evaluate(MEASURED, scope, period)
    postings[1].delete()
    assert engine.evaluate(["experts_dispatched"], scope, period)[0].value == 1
