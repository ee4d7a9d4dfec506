"""Evidence on the demo: for every metric that declares its records, and every indicator, the records
behind a number add up to the engine's number — S3 programme over its batch, Changji in 2021, one
of S3's partnerships, and Fujian's supporting side."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from shanhai.accounts.models import User
from shanhai.analytics.engine import Scope, evaluate
from shanhai.analytics.registry import Closing, Flow, Indicator, Opening, registry
from shanhai.core.models import OrgUnit
from shanhai.core.periods import parse_period
from shanhai.demo import scenarios
from shanhai.partnerships.models import Partnership, Programme
from shanhai.portal.evidence import indicator_evidence, term_records, term_total


def scopes() -> list[tuple[str, Scope, str]]:
    programme = Programme.objects.get(name=scenarios.S3_PROGRAMME)
    partnership = Partnership.objects.filter(programme=programme).order_by("pk").first()
    return [
        ("S3 programme", Scope(programme=programme), "202005..202305"),
        ("Changji", Scope(org_unit=OrgUnit.objects.get(code="652300")), "2021"),
        ("S3 partnership", Scope(partnership=partnership), "2022"),
        ("Fujian, supporting side", Scope(org_unit=OrgUnit.objects.get(code="350000"), side="supporter"), "2021Q3"),
    ]


TERMS = {"flow": Flow, "opening": Opening, "closing": Closing}


@pytest.mark.django_db
@pytest.mark.usefixtures("demo")
class TestEvidenceOnTheDemo:
    def test_every_metric_term_equals_the_engine(self) -> None:
        checked = 0
        nonzero = 0
        for _name, scope, period_code in scopes():
            period = parse_period(period_code)
            metrics = [m for m in registry.metrics.values() if m.evidence is not None]
            probes = [
                Indicator(code=f"{m.code}:{window}", name_zh=m.code, name_en=m.code, numerator=TERMS[window](m))
                for m in metrics
                for window in TERMS
            ]
            engine_values = evaluate(probes, scope, period)
            for probe, value in zip(probes, engine_values, strict=True):
                code, window = probe.code.split(":")
                metric = registry.metrics[code]
                records = term_records(metric, window, scope, period)  # type: ignore[arg-type]
                total = term_total(metric, records)
                expected = value.numerator if value.is_reported else 0.0
                assert total == pytest.approx(expected), (_name, probe.code, total, expected)
                if not value.is_reported:
                    assert not records.exists(), (_name, probe.code)
                checked += 1
                nonzero += bool(total)
        assert checked == 4 * 3 * len([m for m in registry.metrics.values() if m.evidence is not None])
        assert nonzero > 150  # the demo has records behind most of them

    def test_every_indicator_lists_add_up_for_an_admin(self) -> None:
        admin = User.objects.get(username="admin")
        for name, scope, period_code in scopes():
            period = parse_period(period_code)
            scope_kind = "org" if scope.org_unit else "programme" if scope.programme else "partnership"
            for indicator in registry.indicators.values():
                if scope_kind not in indicator.scopes:
                    continue
                found = indicator_evidence(indicator, scope, period, admin)
                if not found.complete:
                    continue
                value = found.value
                numerator = sum(i.number for i in found.lists if i.side == "numerator")
                denominator = sum(i.number for i in found.lists if i.side == "denominator")
                if value.numerator is None:  # not reported (or a zero denominator)
                    continue
                assert numerator == pytest.approx(value.numerator), (name, indicator.code)
                if value.denominator is not None:
                    assert denominator == pytest.approx(value.denominator), (name, indicator.code)
                for item in found.lists:
                    if item.how == "count":
                        assert item.count == item.number, (name, indicator.code, item.title)

    def test_only_growth_and_person_months_have_no_list(self) -> None:
        admin = User.objects.get(username="admin")
        incomplete = sorted(
            code
            for code, indicator in registry.indicators.items()
            if not indicator_evidence(indicator, scopes()[1][1], parse_period("2021"), admin).complete
            and indicator.app in {"partnerships", "workforce", "training", "capacity", "outreach"}
        )
        assert incomplete == [
            "expert_months",
            "operations_growth_on_baseline",
            "operations_growth_on_previous_year",
            "placement_person_months",
        ]

    def test_the_page_for_s3_experts_dispatched(self) -> None:
        programme = Programme.objects.get(name=scenarios.S3_PROGRAMME)
        client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
        client.force_login(User.objects.get(username="fujian"))
        params = {"indicator": "experts_dispatched", "period": "202005..202305", "programme": programme.pk}
        response = client.get(reverse("portal:evidence"), params)
        assert response.status_code == 200
        value = evaluate(["experts_dispatched"], Scope(programme=programme), parse_period("202005..202305"))[0]
        assert f'data-number="{value.value:.0f}"' in response.content.decode()
        outsider = Client()
        outsider.force_login(User.objects.get(username="outsider"))
        assert outsider.get(reverse("portal:evidence"), params).status_code == 404

    def test_changji_sees_its_numbers_and_not_fujians_supporting_side(self) -> None:
        client = Client()
        client.force_login(User.objects.get(username="changji"))
        url = reverse("portal:evidence")
        ok = client.get(url, {"indicator": "techniques_introduced", "period": "2021", "org": "652300"})
        assert ok.status_code == 200
        denied = client.get(url, {"indicator": "techniques_introduced", "period": "2021", "org": "350000"})
        assert denied.status_code == 404
