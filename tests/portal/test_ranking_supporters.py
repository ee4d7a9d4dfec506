"""Ranking the supporting side (issue 13, item 9): supporting institutions, or provinces, compared on what is
credited to the partnerships they support."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from django.urls import reverse
from django.utils import translation

from shanhai.core.models import OrgUnitKind
from shanhai.portal.dashboard import supporting_institutions
from tests.core.factories import OrgUnitFactory, PartnershipFactory

URL = reverse("portal:ranking")


@pytest.fixture
def supporters(world):
    """Fuzhou hospital supports two partnerships, Fuqing hospital one (the world's); a Shanghai hospital one."""
    K = OrgUnitKind
    fuzhou_hospital = OrgUnitFactory(
        code="H350100001", name="福州市第一医院", kind=K.GENERAL_HOSPITAL, parent=world.fuzhou, grade="3A"
    )
    idle = OrgUnitFactory(code="H350100002", name="福州市第二医院", kind=K.GENERAL_HOSPITAL, parent=world.fuzhou)
    shanghai = OrgUnitFactory(code="310000", name="上海市", kind=K.PROVINCE)
    shanghai_hospital = OrgUnitFactory(
        code="H310000001", name="上海市第一人民医院", kind=K.GENERAL_HOSPITAL, parent=shanghai, grade="3A"
    )
    started = dt.date(2021, 1, 1)
    PartnershipFactory(supporter=fuzhou_hospital, recipient=world.qitai_mch, started_on=started)
    PartnershipFactory(supporter=fuzhou_hospital, recipient=world.haikou_hospital, started_on=started)
    PartnershipFactory(supporter=shanghai_hospital, recipient=world.qitai_hospital, started_on=started)
    return {"fuzhou_hospital": fuzhou_hospital, "idle": idle, "shanghai": shanghai}


def ranked(response):
    return [(row.rank, row.unit.code, row.value.value) for row in response.context["rows"]]


def test_supporting_institutions_are_those_of_the_subtree_that_support(world, supporters):
    assert sorted(u.code for u in supporting_institutions(world.fujian)) == ["H350100001", "H350181001"]
    assert supporters["idle"] not in supporting_institutions(world.fujian)


def test_a_programme_office_of_the_supporting_side_compares_its_dispatching_hospitals(
    client, world, supporter_user, supporters
):
    client.force_login(supporter_user)
    response = client.get(URL, {"org": "350000", "period": "2022", "indicator": "partnerships_active"})
    assert response.status_code == 200
    assert response.context["side"] == "supporter"  # Fujian supports and receives nothing: the default side
    assert ranked(response) == [(1, "H350100001", 2.0), (2, "H350181001", 1.0)]
    content = response.content.decode()
    assert 'name="side" value="supporter"' in content
    assert "Supporting side: each counts what is credited" in content
    assert "side=supporter&amp;period=2022" in content  # rows open the supporting-side dashboard
    assert not response.context["can_rank_provinces"]  # Fujian's office sees Fujian only
    assert ranked(
        client.get(URL, {"org": "350000", "period": "2022", "indicator": "partnerships_active", "rows": "provinces"})
    ) == ranked(response)


def test_only_what_is_credited_to_partnerships_can_be_ranked_on_the_supporting_side(
    client, world, supporter_user, supporters
):
    client.force_login(supporter_user)
    response = client.get(URL, {"org": "350000", "period": "2022", "indicator": "grade_3_4_share"})
    codes = {indicator.code for indicator in response.context["choices"]}
    assert "grade_3_4_share" not in codes and "partnerships_active" in codes
    assert response.context["indicator"].code == "expert_patient_visits"


def test_the_recipient_side_stays_the_default_where_the_unit_receives(client, world, commission_user, supporters):
    client.force_login(commission_user)
    response = client.get(URL, {"org": "652300", "period": "2022", "indicator": "partnerships_active"})
    assert response.context["side"] == "recipient"
    assert "H350100001" not in [row.unit.code for row in response.context["rows"]]


def test_a_system_administrator_compares_the_supporting_provinces(client, world, admin, supporters):
    client.force_login(admin)
    query = {"org": "350000", "side": "supporter", "period": "2022", "indicator": "partnerships_active"}
    response = client.get(URL, query)
    assert response.context["can_rank_provinces"]
    assert 'value="provinces"' in response.content.decode()
    provinces = client.get(URL, query | {"rows": "provinces"})
    assert provinces.context["rows_kind"] == "provinces"
    assert ranked(provinces) == [(1, "350000", 3.0), (2, "310000", 1.0)]
    with translation.override("zh-hans"):
        content = client.get(URL, query | {"rows": "provinces"}, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "支援省份" in content and "支援方" in content


def test_the_supporting_side_opens_on_an_indicator_the_scope_reported(
    client, world, supporter_user, supporters, monkeypatch
):
    from shanhai.analytics import engine
    from shanhai.portal import dashboard

    def reported_training_only(indicators, scope, period):
        values = engine.evaluate(indicators, scope, period)
        return [replace(v, value=12.0, is_reported=True) if v.code == "training_person_times" else v for v in values]

    monkeypatch.setattr(dashboard, "evaluate", reported_training_only)
    client.force_login(supporter_user)
    response = client.get(URL, {"org": "350000", "period": "2022"})
    assert response.context["indicator"].code == "training_person_times"
