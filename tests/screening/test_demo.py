"""S4 · Baoji's screening programmes in the demo (MCH year ``2021Oct``): the report's 63,141 nutrition packs and the
screening, near-miss and centre records at county level, through the engine and the ``indicators`` command."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.db.models import Sum

from shanhai.analytics import facts
from shanhai.analytics.engine import Scope, evaluate
from shanhai.analytics.registry import registry
from shanhai.core.models import OrgUnit
from shanhai.core.periods import parse_period
from shanhai.demo import records_screening as plan
from shanhai.screening.models import CancerScreening, NearMissCase, NutritionReport
from tests.outreach.conftest import fact_table

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo")]
PERIOD = "2021Oct"


def baoji() -> OrgUnit:
    return OrgUnit.objects.get(code="610300")


def numerators(codes: list[str], org: OrgUnit, period: str = PERIOD) -> dict[str, float | None]:
    return {v.code: v.numerator for v in evaluate(codes, Scope(org_unit=org), parse_period(period))}


def test_the_nutrition_packs_sum_to_the_report_s_figure_through_the_engine() -> None:
    assert NutritionReport.objects.aggregate(packs=Sum("packs_issued"))["packs"] == plan.S4_NUTRITION_PACKS == 63_141
    assert numerators(["screening.nutrition_packs"], baoji()) == {"screening.nutrition_packs": 63_141}
    counties = [OrgUnit.objects.get(code=code) for code, _name in plan.BAOJI_COUNTIES]
    by_county = [
        numerators(["screening.nutrition_packs"], county)["screening.nutrition_packs"] or 0 for county in counties
    ]
    assert sum(by_county) == 63_141
    assert by_county[:2] == [0, 0]  # the urban districts report none


def test_the_city_figures_come_from_the_records() -> None:
    got = numerators(
        ["screening.cervical_screened", "screening.near_miss_cases", "screening.maternal_care_centres"], baoji()
    )
    assert got == {
        "screening.cervical_screened": CancerScreening.objects.exclude(cervical_method="").count(),
        "screening.near_miss_cases": plan.S4_NEAR_MISS,
        "screening.maternal_care_centres": 12,
    }
    assert NearMissCase.objects.count() == plan.S4_NEAR_MISS
    [ratio] = evaluate(["screening.near_miss_ratio"], Scope(org_unit=baoji()), parse_period(PERIOD))
    assert (ratio.numerator, ratio.denominator, f"{ratio.value:.2f}") == (41, 4130, "9.93")


def test_the_indicators_command_lists_every_screening_indicator_with_a_value() -> None:
    out = io.StringIO()
    call_command("indicators", "--org", "610300", "--period", PERIOD, "--format", "json", stdout=out)

    rows = {row["code"]: row for row in json.loads(out.getvalue()) if row["code"].startswith("screening.")}
    assert sorted(rows) == sorted(code for code, i in registry.indicators.items() if i.app == "screening")
    assert all(row["value"] is not None for row in rows.values()), [c for c, r in rows.items() if r["value"] is None]
    assert rows["screening.nutrition_packs"]["value"] == 63_141


def test_the_demo_s_facts_equal_a_rebuild() -> None:
    incremental = fact_table()
    facts.rebuild()
    assert fact_table() == incremental
