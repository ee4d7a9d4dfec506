"""The API's error answers are the ones its OpenAPI document declares: 400 bodies are messages by field, an
address that names no endpoint is the JSON 404, ids beyond the id range are a 400, nullable references are
declared nullable."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from conftest import World
from shanhai.accounts.models import User
from shanhai.partnerships.models import Partnership


def _api(user: User, language: str = "en") -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE=language)
    client.force_authenticate(user)
    return client


def test_a_body_that_is_not_json_is_a_400_with_messages_by_field(world: World, admin: User) -> None:
    answer = _api(admin).post("/api/v1/records/donations/", b"\x00", content_type="application/json")
    assert answer.status_code == 400
    assert answer.json() == {"non_field_errors": ["JSON parse error - Expecting value: line 1 column 1 (char 0)"]}


def test_a_400_about_items_of_a_list_is_flattened_onto_its_field(world: World, admin: User) -> None:
    answer = _api(admin).post("/api/v1/records/risk-assessments/", {"factor_codes": [[1]]}, format="json")
    assert answer.status_code == 400
    assert all(isinstance(messages, list) for messages in answer.json().values())
    assert all(isinstance(message, str) for messages in answer.json().values() for message in messages)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/v1/records/donations/not-a-uuid/"),
        ("patch", "/api/v1/records/donations/not-a-uuid/"),
        ("delete", "/api/v1/records/donations/not-a-uuid/"),
        ("post", "/api/v1/records/women/not-a-uuid/reveal/"),
        ("get", "/api/v1/programmes/8.5e-64/"),
        ("get", "/api/v1/people/%24%0A/"),
        ("get", "/api/v1/no-such-endpoint/"),
    ],
)
def test_an_address_that_names_no_endpoint_is_the_json_404(world: World, admin: User, method: str, path: str) -> None:
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(admin)
    answer = getattr(client, method)(path)
    assert (answer.status_code, answer["Content-Type"], answer.json()) == (
        404,
        "application/json",
        {"detail": "Not found."},
    )


def test_the_json_404_speaks_the_users_language(world: World, admin: User) -> None:
    answer = _api(admin, "zh-hans").get("/api/v1/records/donations/not-a-uuid/")
    assert answer.json() == {"detail": "未找到。"}


@pytest.mark.parametrize("programme", [2**63, 39841648320872722726912])
def test_an_id_beyond_the_id_range_is_a_400(world: World, admin: User, programme: int) -> None:
    answer = _api(admin).get("/api/v1/partnerships/", {"programme": programme})
    assert answer.status_code == 400
    assert answer.json() == {"programme": [f"Ensure this value is less than or equal to {2**63 - 1}."]}
    answer = _api(admin).get(
        "/api/v1/indicators/values/", {"indicator": "experts_dispatched", "period": "2023", "programme": programme}
    )
    assert answer.status_code == 400
    assert list(answer.json()) == ["programme"]


def test_references_that_may_be_empty_are_served_and_declared_as_null(world: World, admin: User) -> None:
    Partnership.objects.filter(pk=world.partnership.pk).update(programme=None)
    partnership = _api(admin).get("/api/v1/partnerships/").json()["results"][0]
    assert (partnership["programme"], partnership["department"]) == (None, None)
    root = _api(admin).get("/api/v1/org-units/650000/").json()
    assert (root["parent"], root["grade"]) == (None, None)
    schemas = _api(admin).get("/api/v1/schema/", {"format": "json"}).json()["components"]["schemas"]
    assert schemas["Partnership"]["properties"]["programme"]["nullable"] is True
    assert schemas["Partnership"]["properties"]["department"]["nullable"] is True
    assert schemas["OrgUnit"]["properties"]["parent"]["nullable"] is True
    assert schemas["OrgUnit"]["properties"]["grade"]["nullable"] is True
    assert schemas["Person"]["properties"]["department"]["nullable"] is True
    assert schemas["Person"]["properties"]["title"]["nullable"] is True


def test_record_cells_are_declared_with_the_type_their_column_gives(world: World, admin: User) -> None:
    schemas = _api(admin).get("/api/v1/schema/", {"format": "json"}).json()["components"]["schemas"]
    visits = schemas["PregnanciesRecord"]["properties"]["antenatal_visit_count"]
    assert (visits["anyOf"], visits["nullable"]) == ([{"type": "string"}, {"type": "number"}], True)
    length = schemas["ChildChecksRecord"]["properties"]["length_cm"]
    assert (length["anyOf"], length["nullable"]) == ([{"type": "string"}, {"type": "number"}], True)
    assert schemas["DonationsRecord"]["properties"]["amount"]["type"] == "number"
    assert schemas["DonationsRecord"]["properties"]["description"] | {"title": ""} == {
        "type": "string",
        "readOnly": True,
        "nullable": True,
        "title": "",
    }


def test_every_operation_that_takes_a_body_declares_the_415(world: World, admin: User) -> None:
    paths = _api(admin).get("/api/v1/schema/", {"format": "json"}).json()["paths"]
    with_body = [op for operations in paths.values() for op in operations.values() if "requestBody" in op]
    assert len(with_body) > 40
    assert all("415" in operation["responses"] for operation in with_body)
    answer = _api(admin).post("/api/v1/records/donations/", "x", content_type="text/plain")
    assert (answer.status_code, list(answer.json())) == (415, ["detail"])
