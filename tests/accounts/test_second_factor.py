"""Two-factor sign-in: required for administrators and revealing users, enrolment at first sign-in, codes checked
and refusals audited, recovery codes single-use, no page for an unverified session."""

from __future__ import annotations

import pytest
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import World
from shanhai.accounts.models import Role, User
from shanhai.accounts.services import membership_grant
from shanhai.core.models import AuditEntry

pytestmark = pytest.mark.usefixtures("unverified_sessions")

PASSWORD = "correct-horse-9"


def current_code(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():06d}"


def sign_in(client: Client, username: str) -> str:
    response = client.post("/accounts/login/", {"username": username, "password": PASSWORD, "next": "/org/"})
    assert response.status_code == 302
    return str(response["Location"])


@pytest.fixture
def enrolled(admin: User) -> TOTPDevice:
    return TOTPDevice.objects.create(user=admin, name="authenticator", confirmed=True)


def refusals() -> list[tuple[str, str, dict[str, object]]]:
    return [
        (entry.action, entry.actor_name, entry.changes)
        for entry in AuditEntry.objects.filter(action="login_failed").order_by("id")
    ]


def test_an_admin_without_a_device_is_sent_to_enrolment(client: Client, admin: User) -> None:
    assert sign_in(client, "admin-user") == "/accounts/two-factor/?next=%2Forg%2F"
    assert client.get("/org/")["Location"] == "/accounts/two-factor/?next=/org/"
    response = client.get("/accounts/two-factor/?next=%2Forg%2F")
    assert (response.status_code, response["Location"]) == (302, "/accounts/two-factor/enrol/?next=%2Forg%2F")

    page = client.get("/accounts/two-factor/enrol/?next=%2Forg%2F")
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user=admin)
    assert device.confirmed is False
    content = page.content.decode()
    assert 'src="data:image/svg+xml;base64,' in content
    assert page.context["secret"].replace(" ", "") in device.config_url
    assert "<script>" not in content

    wrong = client.post("/accounts/two-factor/enrol/", {"code": "000000", "next": "/org/"})
    assert wrong.context["form"].errors == {
        "code": ["This code is wrong: check the time on your phone and try the next one."]
    }
    assert client.get("/org/").status_code == 302
    assert StaticToken.objects.count() == 0

    device.refresh_from_db()
    device.throttle_reset()  # django-otp slows down retries after a failure
    done = client.post("/accounts/two-factor/enrol/", {"code": current_code(device), "next": "/org/"})
    assert done.status_code == 200
    codes = done.context["codes"]
    assert len(codes) == 10
    assert sorted(codes) == sorted(StaticToken.objects.filter(device__user=admin).values_list("token", flat=True))
    assert 'href="/org/"' in done.content.decode()
    device.refresh_from_db()
    assert device.confirmed is True
    assert client.get("/org/").status_code == 200
    entry = AuditEntry.objects.get(object_type="otp_totp.totpdevice")
    assert (entry.action, entry.actor, entry.changes) == ("create", admin, {"_": {"recovery_codes": 10}})
    assert device.key not in str(entry.__dict__)


def test_with_a_device_a_wrong_code_is_refused_and_audited(client: Client, admin: User, enrolled: TOTPDevice) -> None:
    assert sign_in(client, "admin-user") == "/accounts/two-factor/?next=%2Forg%2F"
    page = client.get("/accounts/two-factor/?next=%2Forg%2F")
    assert page.status_code == 200

    wrong = client.post("/accounts/two-factor/", {"code": "123456", "next": "/org/"})
    assert wrong.status_code == 200
    assert wrong.context["form"].errors == {"code": ["This code is wrong or was already used."]}
    assert client.get("/org/").status_code == 302
    assert client.get("/api/v1/partnerships/").status_code == 403
    assert refusals() == [("login_failed", "admin-user", {"_": {"step": "second factor"}})]

    enrolled.refresh_from_db()
    enrolled.throttle_reset()  # django-otp slows down retries after a failure
    right = client.post("/accounts/two-factor/", {"code": current_code(enrolled), "next": "/org/"})
    assert (right.status_code, right["Location"]) == (302, "/org/")
    assert client.get("/org/").status_code == 200
    assert client.get("/api/v1/partnerships/").status_code == 200


def test_a_recovery_code_works_once(admin: User, enrolled: TOTPDevice) -> None:
    recovery = StaticDevice.objects.create(user=admin, name="recovery codes", confirmed=True)
    StaticToken.objects.create(device=recovery, token="abcd2345")

    first = Client()
    sign_in(first, "admin-user")
    response = first.post("/accounts/two-factor/", {"code": "ABCD 2345", "next": "/org/"})
    assert (response.status_code, response["Location"]) == (302, "/org/")
    assert first.get("/org/").status_code == 200
    assert StaticToken.objects.count() == 0

    second = Client()
    sign_in(second, "admin-user")
    again = second.post("/accounts/two-factor/", {"code": "abcd2345", "next": "/org/"})
    assert again.context["form"].errors == {"code": ["This code is wrong or was already used."]}
    assert second.get("/org/").status_code == 302


def test_a_revealing_user_needs_it_too(client: Client, world: World, mch_worker: User) -> None:
    membership_grant(actor=None, user=mch_worker, org_unit=world.qitai_mch, role=Role.DATA_CLERK, reveals_personal=True)
    assert sign_in(client, "qitai-clerk") == "/accounts/two-factor/?next=%2Forg%2F"


def test_a_session_from_before_is_refused_as_well(client: Client, admin: User) -> None:
    client.force_login(admin)  # no code asked: a session older than the requirement, say
    assert client.get("/org/")["Location"] == "/accounts/two-factor/?next=/org/"
    api = client.get("/api/v1/partnerships/")
    assert (api.status_code, api.json()) == (403, {"detail": "Confirm your sign-in with a one-time code first."})


def test_others_sign_in_with_the_password_and_may_enrol(client: Client, mch_worker: User) -> None:
    assert sign_in(client, "qitai-clerk") == "/org/"
    assert client.get("/org/").status_code == 200
    assert client.get("/accounts/two-factor/enrol/").status_code == 200
    device = TOTPDevice.objects.get(user=mch_worker)
    client.post("/accounts/two-factor/enrol/", {"code": current_code(device)})

    later = Client()
    assert sign_in(later, "qitai-clerk") == "/accounts/two-factor/?next=%2Forg%2F"
    assert later.get("/org/").status_code == 302


def test_the_token_endpoint_asks_for_the_code(admin: User, enrolled: TOTPDevice) -> None:
    api = Client()
    url = "/api/v1/auth/token/"
    missing = api.post(url, {"username": "admin-user", "password": PASSWORD})
    assert (missing.status_code, missing.json()) == (
        400,
        {"otp": ["This account signs in with a second factor: send its code as otp."]},
    )
    wrong = api.post(url, {"username": "admin-user", "password": PASSWORD, "otp": "000000"})
    assert (wrong.status_code, wrong.json()) == (400, {"otp": ["This code is wrong or was already used."]})
    assert refusals() == [("login_failed", "admin-user", {"_": {"step": "second factor"}})]

    enrolled.refresh_from_db()
    enrolled.throttle_reset()  # django-otp slows down retries after a failure
    right = api.post(url, {"username": "admin-user", "password": PASSWORD, "otp": current_code(enrolled)})
    assert right.status_code == 200
    assert set(right.json()) == {"token", "expiry"}
