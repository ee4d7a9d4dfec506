"""A county MCH institution's clerk reads the county's MCH figures (docs/domain.md §1.1: every institution reports
its MCH data to the 辖区妇幼保健机构; §3.1), as aggregates only: the county's other figures stay closed, another
county stays closed, and the evidence lists keep to the records she may see, saying how many more there are."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from rest_framework.test import APIClient

from conftest import World
from shanhai.accounts.models import User
from shanhai.accounts.scoping import MCH_FIGURE_APPS, scope_of
from shanhai.analytics.engine import Scope, evaluate
from shanhai.core.periods import parse_period
from tests.maternal.factories import Places, mch_places
from tests.maternal.test_indicators import build_cohort

MCH_CODES = ["mch.early_registration_rate", "mch.system_management_rate", "mch.high_risk_management_rate"]
PERIOD = "2021Oct"


@pytest.fixture
def places(world: World) -> Places:
    return mch_places(world)


@pytest.fixture
def cohort(world: World, places: Places) -> dict[str, Any]:
    return build_cohort(world, places)


def _client(user: User) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def test_an_mch_institution_opens_its_regions_mch_figures_only(world: World, mch_worker: User) -> None:
    scope = scope_of(mch_worker)
    assert scope.mch_regions == (world.qitai,)
    assert scope.figures_at(world.qitai.path) == MCH_FIGURE_APPS
    assert scope.figures_at(world.qitai_mch.path) is None  # her own subtree: every figure
    assert scope.figures_at(world.changji.path) == frozenset()  # the prefecture above: nothing
    assert not scope.can_read_path(world.qitai.path)  # records stay as scoped as before


def test_the_dashboard_of_the_county_shows_its_mch_figures_and_withholds_the_rest(
    world: World, places: Places, cohort: dict[str, Any], mch_worker: User
) -> None:
    expected = {v.code: v for v in evaluate(MCH_CODES, Scope(org_unit=world.qitai), parse_period(PERIOD))}
    assert all(v.is_reported for v in expected.values())
    response = _client(mch_worker).get("/indicators/dashboard/", {"org": world.qitai.code, "period": PERIOD})
    assert response.status_code == 200
    tiles = {tile.code: tile for tile in response.context["overview"].tiles}
    for code, value in expected.items():
        assert tiles[code].display == value.display
    assert all(code.startswith(("mch.", "screening.")) for code in tiles)  # no partnership figure of the county
    assert all(indicator.app in MCH_FIGURE_APPS for indicator in response.context["choices"])


def test_other_places_and_record_pages_stay_closed(world: World, places: Places, mch_worker: User) -> None:
    client = _client(mch_worker)
    assert client.get("/indicators/dashboard/", {"org": places.jimsar.code}).status_code == 404
    assert client.get("/indicators/dashboard/", {"org": world.changji.code}).status_code == 404
    assert client.get(f"/org/{world.qitai.code}/").status_code == 404  # the county's page is not hers
    evidence = {"indicator": "experts_on_post", "org": world.qitai.code, "period": PERIOD}
    assert client.get("/indicators/evidence/", evidence).status_code == 404


def test_the_api_gives_the_mch_values_and_withholds_the_others(
    world: World, places: Places, cohort: dict[str, Any], mch_worker: User
) -> None:
    api = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    api.force_authenticate(mch_worker)
    code = "mch.early_registration_rate"
    found = api.get("/api/v1/indicators/values/", {"indicator": code, "org": world.qitai.code, "period": PERIOD})
    assert found.status_code == 200
    expected = evaluate([code], Scope(org_unit=world.qitai), parse_period(PERIOD))[0]
    first = found.json()[0]
    assert first["value"] == expected.value and not first["withheld"]
    other = api.get(
        "/api/v1/indicators/values/", {"indicator": "experts_on_post", "org": world.qitai.code, "period": PERIOD}
    )
    assert other.status_code == 200
    assert other.json()[0] | {"name": "", "scope": ""} == {
        "code": "experts_on_post",
        "name": "",
        "scope": "",
        "period": PERIOD,
        "numerator": None,
        "denominator": None,
        "value": None,
        "unit": other.json()[0]["unit"],
        "decimals": other.json()[0]["decimals"],
        "is_reported": False,
        "withheld": True,
        "display": "—",
    }


def test_the_evidence_lists_her_records_and_counts_the_others(
    world: World, places: Places, cohort: dict[str, Any], mch_worker: User
) -> None:
    query = {"indicator": "mch.early_registration_rate", "org": world.qitai.code, "period": PERIOD}
    response = _client(mch_worker).get("/indicators/evidence/", query)
    assert response.status_code == 200
    lists = response.context["found"].lists
    assert lists
    # The cohort's women are registered at the township centre: none of them is hers, all are counted as not listed.
    value = response.context["found"].value
    for item in lists:
        assert item.count + item.hidden == (value.numerator if item.side == "numerator" else value.denominator)
    assert any(item.hidden > 0 for item in lists)
    assert "outside what you may see" in response.content.decode()


def test_the_home_shows_the_regions_mch_figures(
    world: World, places: Places, cohort: dict[str, Any], mch_worker: User
) -> None:
    response = _client(mch_worker).get("/", {"period": PERIOD})
    assert response.status_code == 200
    region = next(h for h in response.context["headlines"] if h.unit == world.qitai)
    assert region.figures_only and region.receiving is None and region.supporting is None
    assert any(v.is_reported for v in region.mch or [])
    assert f"org={world.qitai.code}" in response.content.decode()
