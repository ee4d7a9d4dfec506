"""The catalogue page: formula terms, scopes and app of every indicator, grouped by app, with a search."""

from __future__ import annotations

from django.apps import apps
from django.utils import translation

from shanhai.analytics.registry import registry
from shanhai.portal.catalogue import FormulaTerm, formula_terms


def test_every_indicator_shows_its_formula_unit_scopes_and_app(client, outsider):
    client.force_login(outsider)
    response = client.get("/indicators/")
    content = response.content.decode()
    groups = response.context["groups"]
    assert [group.app for group in groups] == sorted({i.app for i in registry.indicators.values()})
    assert sum(len(group.entries) for group in groups) == len(registry.indicators)
    for group in groups:
        assert group.label == str(apps.get_app_config(group.app).verbose_name)
        assert f'id="app-{group.app}"' in content
        for entry in group.entries:
            indicator = entry.indicator
            assert entry.app_label == group.label
            scopes = {"org": "Organisation unit", "programme": "Programme", "partnership": "Partnership"}
            assert entry.scopes == [scopes[s] for s in indicator.scopes]
            assert entry.numerator_terms == formula_terms(indicator.numerator)
            section = content.split(f'id="indicator-{indicator.code}"')[1].split("</section>")[0]
            for term in entry.numerator_terms + entry.denominator_terms:
                assert f'{term.name}<span class="term-kind">{term.how}</span>' in section
            for scope in entry.scopes:
                assert f"<li>{scope}</li>" in section
            assert (f'<span class="operator">×</span>{indicator.factor}' in section) == (indicator.factor != 1)


def test_formula_terms_name_flows_stocks_and_measures(db):
    with translation.override("en"):
        assert formula_terms(registry.get("partnerships_active").numerator) == [
            FormulaTerm("", "Partnerships started", "balance at period end"),
            FormulaTerm("−", "Partnerships ended", "balance before the period"),
        ]
        assert formula_terms(registry.get("agreements_signed").numerator) == [
            FormulaTerm("", "Agreements signed", "total in the period")
        ]
        share = registry.get("supporters_grade_3a_share")
        assert formula_terms(share.denominator) == [
            FormulaTerm("", "Distinct supporting hospitals", "counted over the records")
        ]


def test_search_keeps_the_matching_indicators(client, outsider):
    client.force_login(outsider)
    response = client.get("/indicators/", {"q": "grade_3_4"})
    assert [e.indicator.code for e in response.context["entries"]] == ["grade_3_4_share", "expert_operations_grade_3_4"]
    assert "2 of " in response.content.decode()
    chinese = client.get("/indicators/", {"q": "三四级 占比"})
    assert [e.indicator.code for e in chinese.context["entries"]] == ["grade_3_4_share"]
    nothing = client.get("/indicators/", {"q": "no such indicator"})
    assert nothing.context["groups"] == []
    assert "No indicator matches the search." in nothing.content.decode()


def test_search_through_htmx_returns_the_results_fragment(client, outsider, django_assert_max_num_queries):
    client.force_login(outsider)
    with django_assert_max_num_queries(6):
        response = client.get("/indicators/", {"q": "donations_"}, HTTP_HX_REQUEST="true")
    content = response.content.decode()
    assert content.lstrip().startswith('<div id="catalogue-results">')
    assert "<html" not in content
    shown = [part.split('"')[0] for part in content.split('id="indicator-')[1:]]
    assert shown == ["donations_equipment", "donations_funds", "donations_medicines", "donations_total"]
