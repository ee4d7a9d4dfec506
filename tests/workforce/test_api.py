"""The people endpoints: scoped, addressed by public_id, phone always masked."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from conftest import World
from shanhai.accounts.models import User
from shanhai.core.models import AuditEntry
from shanhai.workforce.models import Person
from tests.core.factories import PersonFactory

URL = "/api/v1/people/"
PHONE = "13812345678"


def api(user: User | None = None) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def people(world: World) -> dict[str, Person]:
    return {
        "qitai": PersonFactory(name="阿依古丽", institution=world.qitai_hospital, phone=PHONE),
        "qitai_mch": PersonFactory(name="李护士", institution=world.qitai_mch),
        "fuqing": PersonFactory(name="陈主任", institution=world.fuqing_hospital, title=None),
        "haikou": PersonFactory(name="符医生", institution=world.haikou_hospital),
    }


def names(response: Any) -> list[str]:
    return sorted(person["name"] for person in response.json()["results"])


# --- list and detail -------------------------------------------------------------------------
def test_anonymous_gets_401(people: dict[str, Person]) -> None:
    assert api().get(URL).status_code == 401
    assert api().get(f"{URL}{people['qitai'].public_id}/").status_code == 401


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("hospital_admin", ["阿依古丽"]),
        ("mch_worker", ["李护士"]),
        ("commission_user", ["李护士", "阿依古丽"]),
        ("supporter_user", ["陈主任"]),  # the supported hospital's staff are not the supporter's records
        ("outsider", ["符医生"]),
        ("admin", ["李护士", "符医生", "阿依古丽", "陈主任"]),
    ],
)
def test_list_is_scoped(
    request: pytest.FixtureRequest, people: dict[str, Person], persona: str, expected: list[str]
) -> None:
    response = api(request.getfixturevalue(persona)).get(URL)

    assert response.status_code == 200
    assert names(response) == sorted(expected)
    assert PHONE not in response.content.decode()


def test_list_filters(commission_user: User, people: dict[str, Person]) -> None:
    client = api(commission_user)

    assert names(client.get(URL, {"institution": "H652325002"})) == ["李护士"]
    assert names(client.get(URL, {"q": "阿依"})) == ["阿依古丽"]
    assert names(client.get(URL, {"q": "妇幼"})) == ["李护士"]
    hidden = client.get(URL, {"institution": "H460100001"})
    assert hidden.status_code == 400
    assert hidden.json() == {"institution": ["Object with code=H460100001 does not exist."]}


def test_detail_masks_the_phone_and_never_shows_the_pk(hospital_admin: User, people: dict[str, Person]) -> None:
    person = people["qitai"]

    response = api(hospital_admin).get(f"{URL}{person.public_id}/")

    assert response.status_code == 200
    data = response.json()
    assert data["phone"] == "138****5678"
    assert PHONE not in response.content.decode()
    assert "id" not in data
    assert data["public_id"] == str(person.public_id)
    assert data["institution"] == {"code": "H652325001", "name": "奇台县人民医院", "kind": "general_hospital"}


@pytest.mark.parametrize("persona", ["outsider", "supporter_user", "mch_worker"])
def test_detail_outside_scope_is_404(request: pytest.FixtureRequest, people: dict[str, Person], persona: str) -> None:
    response = api(request.getfixturevalue(persona)).get(f"{URL}{people['qitai'].public_id}/")

    assert response.status_code == 404


def test_unknown_public_id_is_404(admin: User) -> None:
    assert api(admin).get(f"{URL}{uuid.uuid4()}/").status_code == 404
    assert api(admin).get(f"{URL}42/").status_code == 404


# --- create ------------------------------------------------------------------------------------
def new_person(**changes: Any) -> dict[str, Any]:
    return {"name": "马医生", "gender": "male", "institution": "H652325001", "phone": PHONE, "title": "231", **changes}


def test_hospital_admin_registers_a_person(hospital_admin: User, world: World) -> None:
    audits = AuditEntry.objects.count()

    response = api(hospital_admin).post(URL, new_person(), format="json")

    assert response.status_code == 201
    person = Person.objects.get(name="马医生")
    assert response.json() == {
        "public_id": str(person.public_id),
        "name": "马医生",
        "gender": "male",
        "institution": {"code": "H652325001", "name": "奇台县人民医院", "kind": "general_hospital"},
        "department": None,
        "title": "231",
        "phone": "138****5678",
        "created_at": response.json()["created_at"],
    }
    assert PHONE not in response.content.decode()
    assert person.phone == PHONE
    assert AuditEntry.objects.count() == audits + 1
    entry = AuditEntry.objects.latest("id")
    assert (entry.actor, entry.action, entry.object_id) == (hospital_admin, "create", str(person.public_id))
    assert entry.changes["phone"] == [None, "138****5678"]


@pytest.mark.parametrize(
    ("persona", "institution", "status"),
    [
        ("outsider", "H652325001", 404),  # cannot see it
        ("mch_worker", "H652325001", 404),  # its own MCH hospital only
        ("supporter_user", "H652325001", 403),  # sees the hospital it supports, cannot write there
        ("outsider", "H460100001", 403),  # a viewer writes nowhere
    ],
)
def test_create_out_of_scope_writes_nothing(
    request: pytest.FixtureRequest, world: World, persona: str, institution: str, status: int
) -> None:
    user = request.getfixturevalue(persona)
    people, audits = Person.objects.count(), AuditEntry.objects.count()

    response = api(user).post(URL, new_person(institution=institution), format="json")

    assert response.status_code == status
    assert (Person.objects.count(), AuditEntry.objects.count()) == (people, audits)


def test_create_shows_the_services_messages(commission_user: User, world: World) -> None:
    response = api(commission_user).post(URL, new_person(name=" ", institution="652325", phone="12345"), format="json")

    assert response.status_code == 400
    assert response.json() == {
        "name": ["Enter the person's name."],
        "institution": ["Choose an institution, not a region."],
        "phone": ["Enter an 11-digit mobile number or a landline such as 0994-1234567."],
    }
    assert Person.objects.count() == 0


def test_create_validates_input_shapes(hospital_admin: User, world: World) -> None:
    response = api(hospital_admin).post(URL, {"gender": "other", "title": "nope"}, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "name": ["This field is required."],
        "gender": ['"other" is not a valid choice.'],
        "institution": ["This field is required."],
        "title": ["Object with code=nope does not exist."],
    }


def test_list_query_count_does_not_grow_with_rows(commission_user: User, people: dict[str, Person]) -> None:
    client = api(User.objects.get(pk=commission_user.pk))  # a fresh user object: its scope is not cached yet
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL)

    assert response.json()["count"] == 2
    assert len(queries) == 3  # the user's memberships, count, page (institution, department, title joined)
