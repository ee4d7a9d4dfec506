"""The org-unit endpoints: scoped list and detail, creation through org_unit_create."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from conftest import World
from shanhai.accounts.models import User
from shanhai.core.models import AuditEntry, OrgUnit

URL = "/api/v1/org-units/"


def api(user: User | None = None) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_authenticate(user)
    return client


def codes(response: Any) -> list[str]:
    return [unit["code"] for unit in response.json()["results"]]


# --- list and detail -------------------------------------------------------------------------
def test_anonymous_gets_401(world: World) -> None:
    assert api().get(URL).status_code == 401
    assert api().get(f"{URL}652325/").status_code == 401


def test_supporter_sees_its_province_and_the_unit_it_supports(supporter_user: User) -> None:
    response = api(supporter_user).get(URL)

    assert response.status_code == 200
    assert response.json()["count"] == 5
    assert sorted(codes(response)) == ["350000", "350100", "350181", "H350181001", "H652325001"]


def test_commission_sees_its_prefecture_and_the_supporting_hospital(commission_user: User) -> None:
    response = api(commission_user).get(URL)

    assert sorted(codes(response)) == ["652300", "652325", "H350181001", "H652325001", "H652325002", "W652300"]


def test_outsider_sees_only_hainan(outsider: User) -> None:
    response = api(outsider).get(URL)

    assert sorted(codes(response)) == ["460000", "H460100001"]


def test_list_filters(commission_user: User) -> None:
    client = api(commission_user)

    assert sorted(codes(client.get(URL, {"kind": "general_hospital"}))) == ["H350181001", "H652325001"]
    assert sorted(codes(client.get(URL, {"parent": "652325"}))) == ["H652325001", "H652325002"]
    assert codes(client.get(URL, {"q": "妇幼"})) == ["H652325002"]
    bad = client.get(URL, {"kind": "castle"})
    assert bad.status_code == 400
    assert bad.json() == {"kind": ['"castle" is not a valid choice.']}


def test_list_representation_and_query_count(world: World, admin: User) -> None:
    client = api(User.objects.get(pk=admin.pk))  # a fresh user object: its scope is not cached yet
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL)

    assert response.json()["count"] == 12
    assert len(queries) == 4  # the user's memberships, count, page, the ancestors' codes of the whole page
    hospital = next(unit for unit in response.json()["results"] if unit["code"] == "H652325001")
    assert hospital == {
        "code": "H652325001",
        "name": "奇台县人民医院",
        "short_name": "",
        "kind": "general_hospital",
        "parent": "652325",
        "level": 4,
        "ancestors": ["650000", "652300", "652325"],
        "grade": "2A",
        "valid_from": None,
        "valid_to": None,
    }


def test_detail_in_scope(hospital_admin: User) -> None:
    response = api(hospital_admin).get(f"{URL}H652325001/")

    assert response.status_code == 200
    assert response.json()["ancestors"] == ["650000", "652300", "652325"]


def test_detail_outside_scope_is_404(outsider: User) -> None:
    for code in ["652300", "652325", "H652325001", "H652325002", "nonexistent"]:
        response = api(outsider).get(f"{URL}{code}/")
        assert response.status_code == 404, code


# --- create ------------------------------------------------------------------------------------
def township(**changes: Any) -> dict[str, Any]:
    return {"code": "652325100", "name": "奇台镇", "kind": "township", "parent": "652325", **changes}


def test_commission_creates_a_township(commission_user: User) -> None:
    audits = AuditEntry.objects.count()

    response = api(commission_user).post(URL, township(), format="json")

    assert response.status_code == 201
    assert response.json() == {
        "code": "652325100",
        "name": "奇台镇",
        "short_name": "",
        "kind": "township",
        "parent": "652325",
        "level": 4,
        "ancestors": ["650000", "652300", "652325"],
        "grade": None,
        "valid_from": None,
        "valid_to": None,
    }
    unit = OrgUnit.objects.get(code="652325100")
    assert AuditEntry.objects.count() == audits + 1
    entry = AuditEntry.objects.latest("id")
    assert (entry.actor, entry.action, entry.object_type, entry.object_id) == (
        commission_user,
        "create",
        "core.orgunit",
        str(unit.pk),
    )


@pytest.mark.parametrize(
    ("persona", "parent", "status"),
    [
        ("outsider", "652325", 404),  # cannot see Qitai
        ("outsider", "460000", 403),  # sees Hainan, but only as a viewer
        ("supporter_user", "H652325001", 403),  # sees the hospital it supports, cannot write there
        ("mch_worker", "652325", 404),  # its MCH hospital only
        ("commission_user", None, 403),  # a new root needs a system administrator
    ],
)
def test_create_out_of_scope_writes_nothing(
    db: None, request: pytest.FixtureRequest, persona: str, parent: str | None, status: int
) -> None:
    # `db` is named so pytest-django orders this test with the other database tests (the persona
    # fixture is only requested at run time).
    user = request.getfixturevalue(persona)
    units, audits = OrgUnit.objects.count(), AuditEntry.objects.count()

    response = api(user).post(URL, township(parent=parent, code="H999", kind="general_hospital"), format="json")

    assert response.status_code == status
    assert (OrgUnit.objects.count(), AuditEntry.objects.count()) == (units, audits)


def test_create_shows_the_services_messages(commission_user: User) -> None:
    units = OrgUnit.objects.count()
    client = api(commission_user)

    duplicate = client.post(URL, township(code="H652325001", kind="general_hospital"), format="json")
    county = client.post(URL, township(code="QT", kind="county", name=""), format="json")
    dates = client.post(URL, township(valid_from="2024-01-01", valid_to="2023-01-01"), format="json")

    assert duplicate.status_code == 400
    assert duplicate.json() == {"code": ["Another organisation already uses the code H652325001."]}
    assert county.json() == {
        "code": ["A province, prefecture or county uses its six-digit GB/T 2260 code."],
        "name": ["Enter a name."],
    }
    assert dates.json() == {"valid_to": ["The end of validity is before its start."]}
    assert OrgUnit.objects.count() == units


def test_create_validates_input_shapes(commission_user: User) -> None:
    response = api(commission_user).post(URL, {"code": "X", "grade": "9Z", "valid_from": "soon"}, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "name": ["This field is required."],
        "kind": ["This field is required."],
        "grade": ["Object with code=9Z does not exist."],
        "valid_from": ["Date has wrong format. Use one of these formats instead: YYYY-MM-DD."],
    }
