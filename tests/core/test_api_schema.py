"""The OpenAPI document is valid, complete about errors, and served with no external URL."""

from __future__ import annotations

import re
from typing import Any

import pytest
from rest_framework.test import APIClient

from conftest import World
from shanhai.accounts.models import User

EXTERNAL = re.compile(r"://|cdn|jsdelivr|unpkg|googleapis", re.IGNORECASE)


@pytest.fixture
def schema(openapi_schema: dict[str, Any]) -> dict[str, Any]:
    """The document as `manage.py spectacular` writes it, validated and with no warning (conftest)."""
    return openapi_schema


def operations(schema: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        f"{method.upper()} {path}": operation
        for path, item in schema["paths"].items()
        for method, operation in item.items()
    }


def record_operations() -> list[str]:
    """Every record kind gets the same five operations (shanhai/records/api.py)."""
    from shanhai.records.kinds import all_kinds

    found = []
    for kind in all_kinds():
        found += [f"GET /api/v1/records/{kind.slug}/", f"POST /api/v1/records/{kind.slug}/"]
        found += [f"{m} /api/v1/records/{kind.slug}/{{public_id}}/" for m in ("GET", "PATCH", "DELETE")]
        if kind.personal_columns:
            found.append(f"POST /api/v1/records/{kind.slug}/{{public_id}}/reveal/")
    return found


def test_every_endpoint_is_documented(schema: dict[str, Any]) -> None:
    assert len(record_operations()) >= 5 * 20
    assert sorted(operations(schema)) == sorted(
        [
            *record_operations(),
            "GET /api/v1/indicators/",
            "GET /api/v1/indicators/values/",
            "GET /api/v1/org-units/",
            "GET /api/v1/org-units/{code}/",
            "GET /api/v1/partnerships/",
            "GET /api/v1/partnerships/{id}/",
            "GET /api/v1/people/",
            "GET /api/v1/people/{public_id}/",
            "GET /api/v1/programmes/",
            "GET /api/v1/programmes/{id}/",
            "POST /api/v1/auth/token/",
            "POST /api/v1/auth/logout/",
            "POST /api/v1/auth/logout-all/",
            "GET /api/v1/auth/tokens/",
            "DELETE /api/v1/auth/tokens/{token_key}/",
            "POST /api/v1/org-units/",
            "POST /api/v1/partnerships/",
            "POST /api/v1/people/",
            "POST /api/v1/programmes/",
            "POST /api/v1/imaging/studies/",
            "POST /api/v1/consultations/{public_id}/{action}/",
        ]
    )


def test_error_responses_are_declared(schema: dict[str, Any]) -> None:
    codes = {name: sorted(operation["responses"]) for name, operation in operations(schema).items()}

    assert codes["POST /api/v1/auth/token/"] == ["200", "400", "415", "429"]
    assert codes["POST /api/v1/auth/logout/"] == ["204", "401", "429"]
    assert codes["POST /api/v1/auth/logout-all/"] == ["200", "401", "429"]
    assert codes["GET /api/v1/auth/tokens/"] == ["200", "401", "429"]
    assert codes["DELETE /api/v1/auth/tokens/{token_key}/"] == ["204", "401", "404", "429"]
    for name in [
        "POST /api/v1/org-units/",
        "POST /api/v1/people/",
        "POST /api/v1/programmes/",
        "POST /api/v1/partnerships/",
    ]:
        assert codes[name] == ["201", "400", "401", "403", "404", "415", "429"], name
    for name in [
        "GET /api/v1/org-units/{code}/",
        "GET /api/v1/people/{public_id}/",
        "GET /api/v1/programmes/{id}/",
        "GET /api/v1/partnerships/{id}/",
    ]:
        assert codes[name] == ["200", "401", "404", "429"], name
    assert codes["GET /api/v1/indicators/values/"] == ["200", "400", "401", "404", "429"]
    assert codes["POST /api/v1/records/donations/"] == ["201", "400", "401", "403", "415", "429"]
    assert codes["PATCH /api/v1/records/donations/{public_id}/"] == [
        "200",
        "400",
        "401",
        "403",
        "404",
        "412",
        "415",
        "429",
    ]
    assert codes["DELETE /api/v1/records/donations/{public_id}/"] == ["204", "400", "401", "403", "404", "412", "429"]


def test_record_lists_document_their_filters(schema: dict[str, Any]) -> None:
    donations = schema["paths"]["/api/v1/records/donations/"]["get"]
    assert {p["name"] for p in donations["parameters"]} == {
        "q",
        "programme",
        "partnership",
        "region",
        "period",
        "kind",
        "limit",
        "offset",
    }


def test_lists_are_paginated_and_people_are_addressed_by_uuid(schema: dict[str, Any]) -> None:
    people = schema["paths"]["/api/v1/people/"]["get"]
    person = schema["paths"]["/api/v1/people/{public_id}/"]["get"]
    person_schema = schema["components"]["schemas"]["Person"]

    assert people["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/PaginatedPersonList"
    }
    assert {p["name"] for p in people["parameters"]} == {"q", "institution", "title_level", "limit", "offset"}
    assert person["parameters"][0]["schema"] == {"type": "string", "format": "uuid"}
    assert "id" not in person_schema["properties"]
    assert person_schema["properties"]["phone"]["readOnly"] is True


def test_schema_and_docs_are_served_without_external_urls(db: None) -> None:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")

    served = client.get("/api/v1/schema/")
    docs = client.get("/api/v1/docs/")
    script = client.get("/api/v1/docs/", {"script": ""})

    assert served.status_code == docs.status_code == script.status_code == 200
    assert served["Content-Type"].startswith("application/vnd.oai.openapi")
    for response in (served, docs, script):
        assert EXTERNAL.findall(response.content.decode()) == []
    html = docs.content.decode()
    assert '<script src="/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js">' in html
    assert '<script src="/api/v1/docs/?script=">' in html
    assert "<script>" not in html  # no inline script: the settings script is a separate request


def test_every_endpoint_renders_in_the_browsable_api(world: World, admin: User) -> None:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(admin)
    urls = [
        "/api/v1/org-units/",
        "/api/v1/org-units/652325/",
        "/api/v1/people/",
        "/api/v1/programmes/",
        f"/api/v1/programmes/{world.programme.pk}/",
        "/api/v1/partnerships/",
        f"/api/v1/partnerships/{world.partnership.pk}/",
        "/api/v1/indicators/",
        "/api/v1/indicators/values/?indicator=partnerships_active&org=652300&period=2023",
        "/api/v1/partnerships/?status=someday",
    ]

    statuses = [client.get(url, HTTP_ACCEPT="text/html").status_code for url in urls]

    assert statuses == [200] * 9 + [400]
