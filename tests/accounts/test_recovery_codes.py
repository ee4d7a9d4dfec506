"""Recovery codes made anew by their owner (confirmed by an authenticator code, the old ones dead, audited without
the codes), and sign-ins that name the kind of second factor used (authenticator or recovery code, never the code)."""

from __future__ import annotations

import pytest
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from shanhai.accounts.models import User
from shanhai.accounts.second_factor import matching_device
from shanhai.core.models import AuditEntry

PASSWORD = "correct-horse-9"
OLD_CODE = "oldcode1"


def current_code(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():06d}"


@pytest.fixture
def enrolled(commission_user: User) -> TOTPDevice:
    """A programme office that enrolled of their own accord: an authenticator and one recovery code left."""
    recovery = StaticDevice.objects.create(user=commission_user, name="recovery codes", confirmed=True)
    StaticToken.objects.create(device=recovery, token=OLD_CODE)
    return TOTPDevice.objects.create(user=commission_user, name="authenticator", confirmed=True)


def tokens_of(user: User) -> list[str]:
    return sorted(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))


def test_new_recovery_codes_replace_the_old_ones(client: Client, commission_user: User, enrolled: TOTPDevice) -> None:
    client.force_login(commission_user)
    form = client.get("/accounts/two-factor/recovery-codes/")
    assert form.status_code == 200
    assert [t.name for t in form.templates][:2] == ["accounts/recovery_codes_regenerate.html", "base.html"]

    wrong = client.post("/accounts/two-factor/recovery-codes/", {"code": "000000"})
    assert wrong.context["form"].errors == {
        "code": ["This code is wrong: check the time on your phone and try the next one."]
    }
    assert tokens_of(commission_user) == [OLD_CODE]
    refusal = AuditEntry.objects.get(action="login_failed")
    assert refusal.changes == {"_": {"step": "recovery codes"}}

    enrolled.refresh_from_db()
    enrolled.throttle_reset()  # django-otp slows down retries after a failure
    done = client.post("/accounts/two-factor/recovery-codes/", {"code": current_code(enrolled)})
    assert done.status_code == 200
    codes = done.context["codes"]
    assert len(codes) == 10
    assert sorted(codes) == tokens_of(commission_user)
    assert OLD_CODE not in codes
    entry = AuditEntry.objects.get(object_type="otp_static.staticdevice")
    assert (entry.action, entry.actor, entry.changes) == ("create", commission_user, {"_": {"recovery_codes": 10}})
    assert not any(code in str(list(AuditEntry.objects.values())) for code in codes)

    assert isinstance(matching_device(commission_user, codes[0]), StaticDevice)
    assert matching_device(commission_user, OLD_CODE) is None
    assert matching_device(commission_user, codes[0]) is None  # each works once


def test_without_an_authenticator_the_page_sends_to_enrolment(client: Client, commission_user: User) -> None:
    client.force_login(commission_user)
    response = client.get("/accounts/two-factor/recovery-codes/")
    assert response["Location"] == "/accounts/two-factor/enrol/"
    assert client.post("/accounts/two-factor/recovery-codes/", {"code": "123456"})["Location"] == (
        "/accounts/two-factor/enrol/"
    )
    assert StaticToken.objects.count() == 0


def test_the_enrolment_link_of_an_enrolled_user_leads_to_new_recovery_codes(
    client: Client, commission_user: User, enrolled: TOTPDevice
) -> None:
    client.force_login(commission_user)
    assert client.get("/accounts/two-factor/enrol/")["Location"] == "/accounts/two-factor/recovery-codes/"


def second_factor_sign_ins() -> list[dict[str, object]]:
    return [entry.changes for entry in AuditEntry.objects.filter(action="login").order_by("id")]


@pytest.mark.usefixtures("unverified_sessions")
@pytest.mark.parametrize("kind", ["authenticator", "recovery code"])
def test_a_sign_in_names_the_kind_of_second_factor_never_the_code(
    client: Client, commission_user: User, enrolled: TOTPDevice, kind: str
) -> None:
    code = current_code(enrolled) if kind == "authenticator" else OLD_CODE
    login = client.post("/accounts/login/", {"username": "changji-office", "password": PASSWORD, "next": "/org/"})
    assert login["Location"] == "/accounts/two-factor/?next=%2Forg%2F"
    verified = client.post("/accounts/two-factor/", {"code": code, "next": "/org/"})
    assert verified["Location"] == "/org/"
    assert second_factor_sign_ins() == [{}, {"_": {"step": "second factor", "device": kind}}]
    entry = AuditEntry.objects.filter(action="login").last()
    assert (entry.actor, entry.object_id) == (commission_user, str(commission_user.public_id))
    assert code not in str(list(AuditEntry.objects.values()))
    assert enrolled.key not in str(list(AuditEntry.objects.values()))
