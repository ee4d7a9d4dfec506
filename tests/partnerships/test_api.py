"""The programme and partnership endpoints: visible from either end, created through the services."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from conftest import World
from shanhai.accounts.models import User
from shanhai.analytics.models import Fact
from shanhai.core.models import AuditEntry
from shanhai.partnerships.models import Partnership, Programme
from shanhai.partnerships.services import agreement_add, target_set
from tests.core.factories import PartnershipFactory

PROGRAMMES = "/api/v1/programmes/"
PARTNERSHIPS = "/api/v1/partnerships/"


def api(user: User | None = None) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_authenticate(user)
    return client


def ids(response: Any) -> list[int]:
    return sorted(record["id"] for record in response.json()["results"])


def unchanged(model: type[Programme] | type[Partnership]) -> tuple[int, int, int]:
    return model.objects.count(), AuditEntry.objects.count(), Fact.objects.count()


# --- programmes --------------------------------------------------------------------------------
def test_programmes_need_authentication(world: World) -> None:
    assert api().get(PROGRAMMES).status_code == 401
    assert api().get(f"{PROGRAMMES}{world.programme.pk}/").status_code == 401
    assert api().post(PROGRAMMES, {}, format="json").status_code == 401


@pytest.mark.parametrize(
    ("persona", "sees"),
    [
        ("supporter_user", True),
        ("commission_user", True),
        ("hospital_admin", True),
        ("mch_worker", False),
        ("outsider", False),
    ],
)
def test_programme_list_and_detail(request: pytest.FixtureRequest, world: World, persona: str, sees: bool) -> None:
    client = api(request.getfixturevalue(persona))

    listed = client.get(PROGRAMMES)
    detail = client.get(f"{PROGRAMMES}{world.programme.pk}/")

    assert ids(listed) == ([world.programme.pk] if sees else [])
    assert detail.status_code == (200 if sees else 404)


def test_programme_representation(supporter_user: User, world: World) -> None:
    response = api(supporter_user).get(f"{PROGRAMMES}{world.programme.pk}/")

    assert response.json() == {
        "id": world.programme.pk,
        "name": "福清—奇台对口支援",
        "short_name": "",
        "owner": {"code": "350181", "name": "福清市", "kind": "county"},
        "started_on": "2020-01-01",
        "ended_on": None,
        "description": "",
        "partnership_count": 1,
    }


def test_supporter_creates_a_programme(supporter_user: User, world: World) -> None:
    audits = AuditEntry.objects.count()

    response = api(supporter_user).post(
        PROGRAMMES, {"name": "福建省第八批医疗人才援疆", "owner": "350000", "started_on": "2023-01-01"}, format="json"
    )

    assert response.status_code == 201
    programme = Programme.objects.get(name="福建省第八批医疗人才援疆")
    assert response.json()["id"] == programme.pk
    assert response.json()["owner"] == {"code": "350000", "name": "福建省", "kind": "province"}
    assert response.json()["partnership_count"] == 0
    assert AuditEntry.objects.count() == audits + 1
    entry = AuditEntry.objects.latest("id")
    assert (entry.actor, entry.action, entry.object_type) == (supporter_user, "create", "partnerships.programme")


@pytest.mark.parametrize(
    ("persona", "owner", "status"),
    [
        ("outsider", "652300", 404),  # cannot see Changji
        ("supporter_user", "H652325001", 403),  # sees the supported hospital, does not manage there
        ("mch_worker", "H652325002", 403),  # a data clerk does not manage programmes
        ("outsider", "460000", 403),  # a viewer
    ],
)
def test_programme_create_out_of_scope_writes_nothing(
    request: pytest.FixtureRequest, world: World, persona: str, owner: str, status: int
) -> None:
    client = api(request.getfixturevalue(persona))
    before = unchanged(Programme)

    response = client.post(PROGRAMMES, {"name": "X", "owner": owner, "started_on": "2023-01-01"}, format="json")

    assert response.status_code == status
    assert unchanged(Programme) == before


def test_programme_create_shows_the_services_messages(supporter_user: User, world: World) -> None:
    before = unchanged(Programme)

    response = api(supporter_user).post(
        PROGRAMMES, {"name": "", "owner": "350000", "started_on": "2023-01-01", "ended_on": "2022-01-01"}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {"name": ["Enter a name."], "ended_on": ["The programme ends before it starts."]}
    assert unchanged(Programme) == before


# --- partnerships ------------------------------------------------------------------------------
def test_partnerships_need_authentication(world: World) -> None:
    assert api().get(PARTNERSHIPS).status_code == 401
    assert api().get(f"{PARTNERSHIPS}{world.partnership.pk}/").status_code == 401
    assert api().post(PARTNERSHIPS, {}, format="json").status_code == 401


@pytest.mark.parametrize(
    ("persona", "sees"),
    [
        ("admin", True),
        ("supporter_user", True),
        ("commission_user", True),
        ("hospital_admin", True),
        ("mch_worker", False),
        ("outsider", False),
    ],
)
def test_partnership_list_and_detail(request: pytest.FixtureRequest, world: World, persona: str, sees: bool) -> None:
    client = api(request.getfixturevalue(persona))

    listed = client.get(PARTNERSHIPS)
    detail = client.get(f"{PARTNERSHIPS}{world.partnership.pk}/")

    assert listed.status_code == 200
    assert ids(listed) == ([world.partnership.pk] if sees else [])
    assert detail.status_code == (200 if sees else 404)


def test_partnership_detail_has_agreements_and_targets(commission_user: User, world: World) -> None:
    partnership = world.partnership
    agreement_add(actor=None, partnership=partnership, title="福清—奇台结对帮扶协议", signed_on=dt.date(2021, 2, 20))
    target_set(
        actor=None,
        partnership=partnership,
        indicator="agreements_signed",
        value=2,
        due_on=dt.date(2025, 12, 31),
        note="两轮",
    )

    response = api(commission_user).get(f"{PARTNERSHIPS}{partnership.pk}/")

    assert response.json() == {
        "id": partnership.pk,
        "programme": world.programme.pk,
        "supporter": {"code": "H350181001", "name": "福清市医院", "kind": "general_hospital"},
        "recipient": {"code": "H652325001", "name": "奇台县人民医院", "kind": "general_hospital"},
        "mode": "counterpart",
        "level": "institution",
        "department": None,
        "started_on": "2021-03-01",
        "ended_on": None,
        "baseline_start": None,
        "baseline_end": None,
        "description": "",
        "is_active": True,
        "agreements": [{"title": "福清—奇台结对帮扶协议", "signed_on": "2021-02-20"}],
        "targets": [{"indicator": "agreements_signed", "value": 2.0, "due_on": "2025-12-31", "note": "两轮"}],
    }


def test_partnership_filters(admin: User, world: World) -> None:
    ended = PartnershipFactory(
        supporter=world.fuqing_hospital,
        recipient=world.qitai_mch,
        mode="pairing",
        started_on=dt.date(2019, 1, 1),
        ended_on=dt.date(2020, 12, 31),
    )
    hainan = PartnershipFactory(
        supporter=world.fuqing_hospital, recipient=world.haikou_hospital, started_on=dt.date(2022, 1, 1)
    )
    client = api(admin)

    assert ids(client.get(PARTNERSHIPS)) == sorted([world.partnership.pk, ended.pk, hainan.pk])
    assert ids(client.get(PARTNERSHIPS, {"mode": "pairing"})) == [ended.pk]
    assert ids(client.get(PARTNERSHIPS, {"status": "ended"})) == [ended.pk]
    assert ids(client.get(PARTNERSHIPS, {"status": "active"})) == sorted([world.partnership.pk, hainan.pk])
    assert ids(client.get(PARTNERSHIPS, {"programme": world.programme.pk})) == [world.partnership.pk]
    assert ids(client.get(PARTNERSHIPS, {"region": "652300"})) == sorted([world.partnership.pk, ended.pk])
    assert ids(client.get(PARTNERSHIPS, {"region": "460000"})) == [hainan.pk]
    bad = client.get(PARTNERSHIPS, {"status": "someday", "region": "999999"})
    assert bad.status_code == 400
    assert bad.json() == {
        "status": ['"someday" is not a valid choice.'],
        "region": ["Object with code=999999 does not exist."],
    }


def test_supporter_filters_by_a_region_it_cannot_otherwise_see(supporter_user: User, world: World) -> None:
    response = api(supporter_user).get(PARTNERSHIPS, {"region": "652300"})

    assert response.status_code == 200
    assert ids(response) == [world.partnership.pk]


def test_a_region_filter_does_not_widen_the_scope(outsider: User, world: World) -> None:
    response = api(outsider).get(PARTNERSHIPS, {"region": "652300"})

    assert response.status_code == 200
    assert ids(response) == []


def new_partnership(**changes: Any) -> dict[str, Any]:
    return {
        "supporter": "H350181001",
        "recipient": "H652325002",
        "mode": "pairing",
        "started_on": "2023-03-01",
        **changes,
    }


def test_commission_creates_a_partnership(commission_user: User, world: World) -> None:
    audits = AuditEntry.objects.count()

    response = api(commission_user).post(PARTNERSHIPS, new_partnership(programme=world.programme.pk), format="json")

    assert response.status_code == 201
    partnership = Partnership.objects.get(recipient=world.qitai_mch)
    data = response.json()
    assert data["id"] == partnership.pk
    assert (data["programme"], data["supporter"]["code"], data["recipient"]["code"], data["mode"]) == (
        world.programme.pk,
        "H350181001",
        "H652325002",
        "pairing",
    )
    assert (data["agreements"], data["targets"]) == ([], [])
    assert AuditEntry.objects.count() == audits + 1
    entry = AuditEntry.objects.latest("id")
    assert (entry.actor, entry.action, entry.object_id, entry.org_unit) == (
        commission_user,
        "create",
        str(partnership.pk),
        world.qitai_mch,
    )
    assert Fact.objects.filter(partnership_id=partnership.pk).count() == 1


@pytest.mark.parametrize(
    ("persona", "changes", "status"),
    [
        ("outsider", {}, 404),  # sees neither end
        ("mch_worker", {}, 404),  # does not see the supporting hospital
        ("hospital_admin", {"programme": -1}, 400),  # ids are positive
        ("outsider", {"supporter": "H460100001", "recipient": "460000"}, 403),  # a viewer
        ("supporter_user", {"supporter": "H652325001", "recipient": "H652325001"}, 403),  # manages neither end
    ],
)
def test_partnership_create_out_of_scope_writes_nothing(
    request: pytest.FixtureRequest, world: World, persona: str, changes: dict[str, Any], status: int
) -> None:
    client = api(request.getfixturevalue(persona))
    before = unchanged(Partnership)

    response = client.post(PARTNERSHIPS, new_partnership(**changes), format="json")

    assert response.status_code == status
    assert unchanged(Partnership) == before


def test_partnership_create_in_an_invisible_programme_is_404(hospital_admin: User, world: World) -> None:
    other = Programme.objects.create(name="海南项目", owner=world.hainan, started_on=dt.date(2020, 1, 1))
    before = unchanged(Partnership)

    response = api(hospital_admin).post(
        PARTNERSHIPS, new_partnership(recipient="H652325001", programme=other.pk), format="json"
    )

    assert response.status_code == 404
    assert unchanged(Partnership) == before


def test_supporter_equal_to_recipient_is_400(commission_user: User, world: World) -> None:
    before = unchanged(Partnership)

    response = api(commission_user).post(
        PARTNERSHIPS, new_partnership(supporter="H652325001", recipient="H652325001"), format="json"
    )

    assert response.status_code == 400
    assert response.json() == {"recipient": ["The supporting and the receiving organisation must be different."]}
    assert unchanged(Partnership) == before


def test_a_duplicate_active_pairing_is_400(hospital_admin: User, world: World) -> None:
    before = unchanged(Partnership)

    response = api(hospital_admin).post(
        PARTNERSHIPS, new_partnership(recipient="H652325001", mode="counterpart"), format="json"
    )

    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": [
            "福清市医院 already supports 奇台县人民医院 in this mode from 2021-03-01; "
            "end that partnership first or change the dates."
        ]
    }
    assert unchanged(Partnership) == before


def test_partnership_list_query_count_does_not_grow_with_rows(commission_user: User, world: World) -> None:
    for recipient in (world.qitai_mch, world.qitai):
        PartnershipFactory(supporter=world.fuqing_hospital, recipient=recipient, started_on=dt.date(2022, 1, 1))
    client = api(User.objects.get(pk=commission_user.pk))  # a fresh user object: its scope is not cached yet
    with CaptureQueriesContext(connection) as queries:
        response = client.get(PARTNERSHIPS)

    assert response.json()["count"] == 3
    assert len(queries) == 3  # the user's memberships, count, page (programme, both ends, department joined)
