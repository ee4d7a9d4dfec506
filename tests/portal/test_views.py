"""The indicator catalogue page."""

from __future__ import annotations

from django.utils import translation

from shanhai.analytics.registry import registry
from shanhai.portal.catalogue import describe


def test_catalogue_needs_login(client, db):
    response = client.get("/indicators/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/indicators/"


def test_catalogue_lists_every_indicator(client, outsider, django_assert_max_num_queries):
    client.force_login(outsider)
    with django_assert_max_num_queries(7):
        response = client.get("/indicators/")
    assert response.status_code == 200
    entries = response.context["entries"]
    assert [e.indicator.code for e in entries] == sorted(
        registry.indicators, key=lambda code: (registry.get(code).app, code)
    )
    content = response.content.decode()
    for indicator in registry.indicators.values():
        assert f'id="indicator-{indicator.code}"' in content
        assert indicator.name_zh in content and indicator.name_en in content


def test_catalogue_entry_of_a_ratio(client, outsider):
    client.force_login(outsider)
    entries = {e.indicator.code: e for e in client.get("/indicators/").context["entries"]}
    share = entries["supporters_grade_3a_share"]
    assert (share.name, share.other_name, share.unit) == (
        "Share of supporting hospitals graded 3A",
        "三级甲等支援医院占比",
        "%",
    )
    assert share.numerator == "Distinct supporting institutions graded 3A (counted over the records)"
    assert share.denominator == "Distinct supporting hospitals (counted over the records)"
    content = client.get("/indicators/").content.decode()
    assert (
        '(Distinct supporting institutions graded 3A<span class="term-kind">counted over the records</span>)'
        '<span class="operator">÷</span>(Distinct supporting hospitals<span class="term-kind">counted over the '
        'records</span>)<span class="operator">×</span>100' in content
    )
    assert "《医院分级管理标准》(1989)" in content
    chinese = client.get("/indicators/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "三级甲等支援方机构数（去重）（按记录计数）" in chinese.content.decode()


def test_describe_stock_and_flow_terms(db):
    with translation.override("en"):
        active = registry.get("partnerships_active")
        assert describe(active.numerator) == (
            "Partnerships started (balance at period end) − Partnerships ended (balance before the period)"
        )
        assert describe(registry.get("agreements_signed").numerator) == "Agreements signed (in the period)"
