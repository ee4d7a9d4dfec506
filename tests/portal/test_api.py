"""The indicator endpoints: the registry, and engine values for a scope the user may read."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from conftest import World
from shanhai.accounts.models import User
from shanhai.analytics.registry import registry

INDICATORS = "/api/v1/indicators/"
VALUES = "/api/v1/indicators/values/"


def api(user: User | None = None) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_authenticate(user)
    return client


def test_anonymous_gets_401(world: World) -> None:
    assert api().get(INDICATORS).status_code == 401
    assert api().get(VALUES, {"indicator": "partnerships_active", "org": "652300", "period": "2023"}).status_code == 401


def test_indicator_list(outsider: User) -> None:
    response = api(outsider).get(INDICATORS)

    assert response.status_code == 200
    assert [item["code"] for item in response.json()] == sorted(registry.indicators)
    share = next(item for item in response.json() if item["code"] == "supporters_grade_3a_share")
    assert share == {
        "code": "supporters_grade_3a_share",
        "name_zh": "三级甲等支援医院占比",
        "name_en": "Share of supporting hospitals graded 3A",
        "unit": "%",
        "factor": 100,
        "decimals": 0,
        "definition": "Supporting hospitals graded tertiary A (or special) ÷ all supporting hospitals × 100% (health "
        "commissions, CDCs and other non-hospitals are not in the denominator).",
        "source": "《医院分级管理标准》(1989)",
        "direction": "up",
    }


def test_values_for_the_commissions_prefecture(commission_user: User) -> None:
    response = api(commission_user).get(
        VALUES, {"indicator": "partnerships_active,agreements_signed", "org": "652300", "period": "2023"}
    )

    assert response.status_code == 200
    assert response.json() == [
        {
            "code": "partnerships_active",
            "name": "Active partnerships",
            "scope": "昌吉回族自治州",
            "period": "2023",
            "numerator": 1.0,
            "denominator": None,
            "value": 1.0,
            "unit": "",
            "decimals": 0,
            "is_reported": True,
            "withheld": False,
            "display": "1",
        },
        {
            "code": "agreements_signed",
            "name": "Agreements signed",
            "scope": "昌吉回族自治州",
            "period": "2023",
            "numerator": None,
            "denominator": None,
            "value": None,
            "unit": "",
            "decimals": 0,
            "is_reported": False,
            "withheld": False,
            "display": "not reported",
        },
    ]


def test_values_on_the_supporting_side(supporter_user: User) -> None:
    response = api(supporter_user).get(
        VALUES, {"indicator": "partnerships_active", "org": "350000", "period": "2023Q2", "side": "supporter"}
    )

    assert response.status_code == 200
    [value] = response.json()
    assert (value["scope"], value["period"], value["value"]) == ("福建省 (supporting side)", "2023Q2", 1.0)


def test_values_for_a_programme_and_a_partnership(hospital_admin: User, world: World) -> None:
    response = api(hospital_admin).get(
        VALUES,
        {
            "indicator": "supporting_institutions",
            "programme": world.programme.pk,
            "partnership": world.partnership.pk,
            "period": "202001..202312",
        },
    )

    assert response.status_code == 200
    [value] = response.json()
    assert (value["scope"], value["value"], value["is_reported"]) == (
        "福清—奇台对口支援 / 福清市医院 → 奇台县人民医院",
        1.0,
        True,
    )


@pytest.mark.parametrize("scope", ["org", "programme", "partnership"])
def test_outsider_gets_404_for_every_scope_it_cannot_see(outsider: User, world: World, scope: str) -> None:
    value = {"org": "652300", "programme": world.programme.pk, "partnership": world.partnership.pk}[scope]

    response = api(outsider).get(VALUES, {"indicator": "partnerships_active", "period": "2023", scope: value})

    assert response.status_code == 404


def test_supporter_cannot_read_the_receiving_prefecture(supporter_user: User) -> None:
    response = api(supporter_user).get(VALUES, {"indicator": "partnerships_active", "org": "652300", "period": "2023"})

    assert response.status_code == 404


def test_bad_period_is_400_with_the_parsers_message(commission_user: User) -> None:
    response = api(commission_user).get(
        VALUES, {"indicator": "partnerships_active", "org": "652300", "period": "2023-13"}
    )

    assert response.status_code == 400
    assert response.json() == {
        "period": [
            "“2023-13” is not a period. Use 202305 (month), 2023Q2 (quarter), 2023 (year), 2021Oct (MCH year) "
            "or 202001..202305 (range)."
        ]
    }


def test_unknown_indicator_and_missing_scope_are_400(commission_user: User) -> None:
    client = api(commission_user)

    unknown = client.get(VALUES, {"indicator": "partnerships_active,beds,nurses", "org": "652300", "period": "2023"})
    no_scope = client.get(VALUES, {"indicator": "partnerships_active", "period": "2023"})
    missing = client.get(VALUES, {"org": "652300"})

    assert unknown.status_code == 400
    assert unknown.json() == {"indicator": ["No indicator has the code beds, nurses."]}
    assert no_scope.json() == {"non_field_errors": ["Give an organisation (org), a programme or a partnership."]}
    assert missing.json() == {"indicator": ["This field is required."], "period": ["This field is required."]}


def test_supporter_cannot_read_all_numbers_of_a_partner_hospital(supporter_user: User, world: World) -> None:
    """The partner hospital is visible, but only what is credited to the supporter's own partnership is."""
    alone = api(supporter_user).get(VALUES, {"indicator": "partnerships_active", "org": "H652325001", "period": "2023"})
    narrowed = api(supporter_user).get(
        VALUES,
        {
            "indicator": "partnerships_active",
            "org": "H652325001",
            "partnership": world.partnership.pk,
            "period": "2023",
        },
    )

    assert alone.status_code == 404
    assert narrowed.status_code == 200
    assert narrowed.json()[0]["value"] == 1
