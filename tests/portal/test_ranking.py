"""Ranking recipient institutions on one indicator: order, ties, direction, and "not reported" last."""

from __future__ import annotations

import pytest
from django.urls import reverse

from shanhai.analytics.engine import IndicatorValue
from shanhai.capacity.services import workload_report_create
from shanhai.core.models import OrgUnitKind
from shanhai.portal.dashboard import rank, recipient_institutions
from tests.core.factories import OrgUnitFactory

URL = reverse("portal:ranking")


def ops(g1, g2, g3, g4):
    return {"operations_grade_1": g1, "operations_grade_2": g2, "operations_grade_3": g3, "operations_grade_4": g4}


@pytest.fixture
def reports(world, admin):
    """Four institutions in Qitai and the Changji commission: three share values, one reports zeros, two nothing."""
    tcm = OrgUnitFactory(code="H652325003", name="奇台县中医医院", kind=OrgUnitKind.TCM_HOSPITAL, parent=world.qitai)
    cdc = OrgUnitFactory(code="H652325004", name="奇台县疾病预防控制中心", kind=OrgUnitKind.CDC, parent=world.qitai)
    township = OrgUnitFactory(code="652325100", name="老奇台镇", kind=OrgUnitKind.TOWNSHIP, parent=world.qitai)
    centre = OrgUnitFactory(
        code="H652325101", name="老奇台镇卫生院", kind=OrgUnitKind.TOWNSHIP_HEALTH_CENTRE, parent=township
    )
    month = 202401
    workload_report_create(
        actor=admin, institution=world.qitai_hospital, month=month, referrals_out=30, **ops(10, 30, 40, 20)
    )
    workload_report_create(actor=admin, institution=world.qitai_mch, month=month, referrals_out=5, **ops(20, 20, 5, 5))
    workload_report_create(actor=admin, institution=tcm, month=month, referrals_out=5, **ops(40, 40, 10, 10))
    workload_report_create(actor=admin, institution=centre, month=month, referrals_out=12, **ops(0, 0, 0, 0))
    return {"tcm": tcm, "cdc": cdc, "centre": centre}


def ranked(response):
    return [(row.rank, row.unit.code, row.value.value) for row in response.context["rows"]]


def test_institutions_are_every_non_region_unit_of_the_subtree(world, reports):
    units = recipient_institutions(world.changji)
    assert sorted(u.code for u in units) == [
        "H652325001",
        "H652325002",
        "H652325003",
        "H652325004",
        "H652325101",
        "W652300",
    ]
    assert [u.path for u in units] == sorted(u.path for u in units)


def test_ranked_by_value_ties_share_a_rank_and_unreported_come_last(client, world, commission_user, reports):
    client.force_login(commission_user)
    response = client.get(URL, {"org": "652300", "period": "202401", "indicator": "grade_3_4_share"})
    assert response.status_code == 200
    assert response.context["indicator"].code == "grade_3_4_share"
    # Qitai hospital 60/100 = 60.0 %; the MCH hospital 10/50 and the TCM hospital 20/100 tie at 20.0 %;
    # the township centre reported zero operations (0 ÷ 0 has no value), the commission and the CDC nothing.
    assert ranked(response) == [
        (1, "H652325001", 60.0),
        (2, "H652325002", 20.0),
        (2, "H652325003", 20.0),
        (None, "W652300", None),
        (None, "H652325004", None),
        (None, "H652325101", None),
    ]
    first = response.context["rows"][0].value
    assert (first.numerator, first.denominator) == (60.0, 100.0)
    content = response.content.decode()
    assert content.count('<span class="muted">not reported</span>') == 3
    assert ">60.0%<" in content and "60 / 100" not in content  # numerator and denominator get their own columns
    assert '<td class="numeric">60</td><td class="numeric">100</td>' in content


def test_lower_is_better_ranks_ascending_and_zero_is_a_value(client, world, commission_user, reports):
    client.force_login(commission_user)
    response = client.get(URL, {"org": "652325", "period": "202401", "indicator": "referrals_out"})
    assert ranked(response) == [
        (1, "H652325002", 5.0),
        (1, "H652325003", 5.0),
        (3, "H652325101", 12.0),
        (4, "H652325001", 30.0),
        (None, "H652325004", None),
    ]


def test_rank_gives_equal_values_one_rank_and_skips_the_next():
    def value(number):
        return IndicatorValue("x", "x", "", "2024", number, None, number, "", 0, number is not None)

    units = [OrgUnitFactory.build(code=c, path=f"/{i}/") for i, c in enumerate("abcde")]
    rows = rank(list(zip(units, [value(3.0), value(None), value(7.0), value(7.0), value(1.0)], strict=True)), "up")
    assert [(r.rank, r.unit.code) for r in rows] == [(1, "c"), (1, "d"), (3, "a"), (4, "e"), (None, "b")]


def test_default_indicator_org_and_period(client, world, commission_user, reports):
    client.force_login(commission_user)
    response = client.get(URL)
    assert response.status_code == 200
    assert response.context["unit"] == world.changji  # a commission membership covers the region it governs
    assert response.context["indicator"].code == "grade_3_4_share"


def test_an_org_outside_the_users_subtrees_is_404(client, world, outsider, supporter_user, reports):
    client.force_login(outsider)
    assert client.get(URL, {"org": "652300"}).status_code == 404
    client.force_login(supporter_user)  # sees Qitai hospital as its partner, not all of Changji's numbers
    assert client.get(URL, {"org": "652300"}).status_code == 404
    assert client.get(URL, {"org": "H652325001"}).status_code == 404
