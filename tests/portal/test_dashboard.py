"""The dashboard on the demo: tiles, trend charts and breakdowns all equal the engine's grid, within the user's scope."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from shanhai.accounts.models import User
from shanhai.analytics.engine import Scope, evaluate_grid
from shanhai.core import clock
from shanhai.core.models import OrgUnit
from shanhai.core.periods import parse_period
from shanhai.demo import scenarios
from shanhai.partnerships.models import Partnership
from shanhai.portal.dashboard import HEADLINE, TREND, quick_periods, trend_period

URL = reverse("portal:dashboard")


def client_for(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def chart_json(content: str, element_id: str) -> dict:
    match = re.search(rf'<script id="{element_id}" type="application/json">(.*?)</script>', content, re.S)
    assert match is not None, element_id
    return json.loads(match.group(1))


@pytest.mark.django_db
@pytest.mark.usefixtures("demo")
class TestDashboard:
    def test_golog_2023_grade_3_4_share_tile(self, django_assert_max_num_queries) -> None:
        golog = OrgUnit.objects.get(code="632600")
        client = client_for("qinghai")
        with django_assert_max_num_queries(25):
            response = client.get(URL, {"org": "632600", "period": "2023"})
        assert response.status_code == 200
        assert response.context["unit"] == golog
        assert response.context["scope"].side == "recipient"
        tiles = {tile.code: tile for tile in response.context["overview"].tiles}
        assert list(tiles) == list(HEADLINE)
        share = tiles["grade_3_4_share"]
        expected = evaluate_grid(["grade_3_4_share"], Scope(org_unit=golog), parse_period("2023")).get(
            "grade_3_4_share"
        )
        assert (share.numerator, share.denominator, share.value) == (
            expected.numerator,
            expected.denominator,
            expected.value,
        )
        assert share.value is not None and share.value > 50
        assert f"{share.value:.1f}%" in response.content.decode()
        assert tiles["expert_patient_visits"].is_reported is False  # nothing dispatched to Golog is recorded in 2023

    def test_breakdown_by_child_unit_equals_the_grid_and_drills_down(self) -> None:
        golog = OrgUnit.objects.get(code="632600")
        response = client_for("qinghai").get(URL, {"org": "632600", "period": "2023", "indicator": "grade_3_4_share"})
        by_unit, by_programme = response.context["breakdowns"]
        grid = evaluate_grid(["grade_3_4_share"], Scope(org_unit=golog), parse_period("2023"), group="unit")
        assert [(row.code, value.value) for row, value in by_unit.rows] == [
            (row.code, value.value) for row, value in grid.row_values("grade_3_4_share")
        ]
        assert {row.code for row, _v in by_unit.rows} == set(golog.children.values_list("code", flat=True))
        chart = chart_json(response.content.decode(), "breakdown-chart-unit")
        assert chart["series"][0]["data"] == [
            v.value if v.is_reported else None for _r, v in grid.row_values("grade_3_4_share")
        ]
        assert chart["categories"] == [row.label for row in grid.rows]
        child = by_unit.rows[1][0]
        assert (
            f'href="{URL}?org={child.code}&amp;period=2023&amp;indicator=grade_3_4_share"' in response.content.decode()
        )
        assert by_programme.note == "This indicator is not credited to programmes or partnerships."

    def test_trend_chart_json_equals_the_monthly_grid_with_null_for_unreported(self) -> None:
        changji = OrgUnit.objects.get(code="652300")
        response = client_for("changji").get(URL, {"period": "2023"})
        assert response.context["unit"] == changji
        content = response.content.decode()
        codes = [code for code in TREND if code != "outreach_people_seen"]
        grid = evaluate_grid(codes, Scope(org_unit=changji), parse_period("2023"), monthly=True)
        nulls = numbers = 0
        for code, chart in zip(codes, response.context["overview"].trends, strict=True):
            expected = [v.value if v.is_reported else None for v in grid.series(code)]
            assert chart["series"][0]["data"] == expected
            assert chart["categories"] == [f"2023-{m:02d}" for m in range(1, 13)]
            if chart["has_data"]:
                assert chart_json(content, f"trend-chart-{code}") == chart
            nulls += expected.count(None)
            numbers += len(expected) - expected.count(None)
        assert nulls > 0 and numbers > 0  # both kinds of month are exercised
        assert 0 not in grid.series("expert_patient_visits")[7:]  # the months after May 2023 are gaps, not zeros

    def test_a_single_month_trends_over_the_twelve_months_up_to_it(self) -> None:
        response = client_for("changji").get(URL, {"period": "202305"})
        assert response.context["overview"].trend_period.code == "202206..202305"
        assert response.context["overview"].trends[0]["categories"][0] == "2022-06"
        assert trend_period(parse_period("2023Q2")).code == "2023Q2"

    def test_fujian_sees_the_s3_partnerships_on_the_supporting_side(self) -> None:
        response = client_for("fujian").get(URL, {"period": "2022"})
        assert response.status_code == 200
        assert response.context["unit"].code == "350000"
        assert response.context["scope"].side == "supporter"  # Fujian supports and receives nothing
        by_partnership, by_programme = response.context["breakdowns"]
        assert by_partnership.group == "partnership"
        s3 = set(Partnership.objects.filter(programme__name=scenarios.S3_PROGRAMME).values_list("pk", flat=True))
        assert len(s3) == 15
        assert s3 <= {row.key for row, _value in by_partnership.rows}
        assert {row.label for row, _value in by_programme.rows} >= {scenarios.S3_PROGRAMME}
        codes = [tile.code for tile in response.context["overview"].tiles]
        assert "operations_total" not in codes and "grade_3_4_share" not in codes  # not credited to partnerships

    def test_htmx_swaps_only_the_breakdown(self) -> None:
        response = client_for("fujian").get(
            URL, {"period": "2022", "indicator": "expert_patient_visits"}, HTTP_HX_REQUEST="true"
        )
        content = response.content.decode()
        assert content.lstrip().startswith('<section class="panel" id="breakdown"')
        assert "<html" not in content and "trend-chart" not in content
        assert '<option value="expert_patient_visits" selected>' in content

    def test_period_picker_quick_choices_and_invalid_codes(self) -> None:
        client = client_for("qinghai")
        today = date(2026, 11, 27)
        assert [c.code for c in quick_periods(today)] == ["202611", "2026Q4", "2026", "2026Oct", "2025"]
        assert [c.code for c in quick_periods(date(2026, 9, 30))][3] == "2025Oct"
        response = client.get(URL, {"org": "632600", "period": "2023x"})
        assert response.status_code == 200
        assert response.context["period"].code == str(clock.today().year)
        assert "is not a period" in response.content.decode()

    def test_outside_the_users_scope_is_404(self) -> None:
        assert client_for("outsider").get(URL, {"org": "632600"}).status_code == 404
        assert client_for("qinghai").get(URL, {"org": "652300"}).status_code == 404
        assert client_for("fujian").get(URL, {"org": "652300", "side": "recipient"}).status_code == 404
        assert client_for("qitai").get(URL, {"org": "652300"}).status_code == 404

    def test_query_count_does_not_grow_with_the_number_of_child_units(self, django_assert_max_num_queries) -> None:
        client = client_for("qinghai")
        province = OrgUnit.objects.get(code="630000")
        assert province.children.count() != OrgUnit.objects.get(code="632600").children.count()
        with django_assert_max_num_queries(25):
            assert client.get(URL, {"org": "630000", "period": "2023"}).status_code == 200
        with django_assert_max_num_queries(25):
            assert client.get(URL, {"org": "632600", "period": "2023"}).status_code == 200
