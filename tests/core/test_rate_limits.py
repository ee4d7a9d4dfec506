"""Rate limits (issue 11): sign-ins per address, API requests per user and per address, reveals and imports per
user. Beyond a rate: 429 with a message and Retry-After, nothing done, the first refusal of a window audited."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from conftest import World
from shanhai.accounts.models import Role, User
from shanhai.accounts.services import membership_grant
from shanhai.core.models import AuditAction, AuditEntry
from shanhai.outreach.models import Donation
from shanhai.workforce.models import Person
from tests.core.factories import PersonFactory

PHONE = "13812345678"
REASON = "电话通知下周复诊"
TOO_MANY = "Too many requests of this kind in a short time: wait"
PASSWORD = "correct-horse-9"


@pytest.fixture
def doctor(world: World) -> Person:
    return PersonFactory(name="阿依古丽", institution=world.qitai_hospital, phone=PHONE)


@pytest.fixture
def revealer(world: World, hospital_admin: User) -> User:
    membership_grant(
        actor=None,
        user=hospital_admin,
        org_unit=world.qitai_hospital,
        role=Role.INSTITUTION_ADMIN,
        reveals_personal=True,
    )
    return hospital_admin


def _limited() -> list[tuple[str, dict[str, object]]]:
    return [(e.object_repr, e.changes["_"]) for e in AuditEntry.objects.filter(action=AuditAction.RATE_LIMITED)]


def test_reveals_beyond_the_rate_are_refused_on_the_page_and_the_api_and_the_first_refusal_audited(
    world: World, doctor: Person, revealer: User, rate_limits: dict[str, str | None]
) -> None:
    rate_limits["reveal"] = "3/h"
    client = Client()
    client.force_login(revealer)
    api = APIClient()
    api.force_authenticate(revealer)
    page_url = reverse("records:record_reveal", kwargs={"kind": "staff", "public_id": doctor.public_id})
    api_url = f"/api/v1/records/staff/{doctor.public_id}/reveal/"

    allowed = [client.post(page_url, {"reason": REASON}) for _ in range(2)]
    allowed.append(api.post(api_url, {"reason": REASON}, format="json"))
    refused_page = client.post(page_url, {"reason": REASON})
    refused_api = api.post(api_url, {"reason": REASON}, format="json")

    assert [r.status_code for r in allowed] == [200, 200, 200]
    assert (refused_page.status_code, refused_api.status_code) == (429, 429)
    assert PHONE not in refused_page.content.decode() + refused_api.content.decode()
    assert TOO_MANY in refused_page.content.decode() and refused_api.json()["detail"].startswith(TOO_MANY)
    assert int(refused_page["Retry-After"]) > 0 and int(refused_api["Retry-After"]) > 0
    assert AuditEntry.objects.filter(action=AuditAction.REVEAL).count() == 3
    assert _limited() == [("reveal", {"limit": "reveal", "rate": "3/h"})]
    assert AuditEntry.objects.get(action=AuditAction.RATE_LIMITED).actor == revealer


def test_api_requests_beyond_a_users_rate_get_429_other_users_go_on(
    world: World, hospital_admin: User, admin: User, rate_limits: dict[str, str | None]
) -> None:
    rate_limits["api"] = "4/m"
    busy, other = APIClient(), APIClient()
    busy.force_authenticate(hospital_admin)
    other.force_authenticate(admin)

    answers = [busy.get("/api/v1/records/donations/").status_code for _ in range(6)]

    assert answers == [200, 200, 200, 200, 429, 429]
    assert other.get("/api/v1/records/donations/").status_code == 200
    refused = busy.get("/api/v1/records/donations/")
    assert refused.json()["detail"].startswith(TOO_MANY) and 0 < int(refused["Retry-After"]) <= 60
    assert _limited() == [("api", {"limit": "api", "rate": "4/m"})]


def test_sign_ins_beyond_the_rate_are_refused_before_the_password_is_checked(
    world: World, hospital_admin: User, rate_limits: dict[str, str | None]
) -> None:
    rate_limits["sign_in"] = "3/m"
    client = Client(REMOTE_ADDR="10.0.0.7")
    login = reverse("accounts:login")
    for _ in range(3):
        assert client.post(login, {"username": "nobody", "password": "wrong-password"}).status_code == 200
    failed_before = AuditEntry.objects.filter(action=AuditAction.LOGIN_FAILED).count()

    refused = client.post(login, {"username": hospital_admin.username, "password": PASSWORD})

    assert refused.status_code == 429
    assert TOO_MANY in refused.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEntry.objects.filter(action=AuditAction.LOGIN_FAILED).count() == failed_before
    token = APIClient(REMOTE_ADDR="10.0.0.7").post(
        "/api/v1/auth/token/", {"username": hospital_admin.username, "password": PASSWORD}
    )
    assert token.status_code == 429 and "token" not in token.json()
    assert (
        Client(REMOTE_ADDR="10.0.0.8")
        .post(login, {"username": hospital_admin.username, "password": PASSWORD})
        .status_code
        == 302
    )
    assert _limited() == [("sign_in", {"limit": "sign_in", "rate": "3/m"})]


def test_imports_beyond_the_rate_are_refused_with_nothing_written(
    world: World, hospital_admin: User, rate_limits: dict[str, str | None]
) -> None:
    rate_limits["import"] = "1/h"
    client = Client()
    client.force_login(hospital_admin)
    url = reverse("records:import", kwargs={"kind": "donations"})
    header = "捐赠方（代码或名称）,受赠方（代码或名称）,帮扶关系（编号）,类型,金额（元）,日期,说明\n"
    row = f"H350181001,H652325001,{world.partnership.pk},资金,1000,2023-03-01,\n"

    def upload() -> io.BytesIO:
        file = io.BytesIO((header + row).encode())
        file.name = "d.csv"
        return file

    first = client.post(url, {"file": upload()})
    second = client.post(url, {"file": upload()})

    assert first.status_code == 200 and Donation.objects.count() == 1
    assert second.status_code == 429 and TOO_MANY in second.content.decode()
    assert Donation.objects.count() == 1
    assert _limited() == [("import", {"limit": "import", "rate": "1/h"})]
