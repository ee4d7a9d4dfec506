"""The user pages: who may manage whom (404 outside scope), no role above one's own, the guards on oneself, every
action audited, bad input changing nothing, and the second-factor reset forcing a new enrolment."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import World
from shanhai.accounts.models import Membership, Role, User
from shanhai.accounts.services import membership_grant, membership_revoke, user_set_active
from shanhai.core.models import AuditEntry
from tests.core.factories import make_user

PASSWORD = "correct-horse-9"
NEW_PASSWORD = "a-new-long-phrase-7"


def page(user: User, suffix: str = "") -> str:
    return f"/accounts/users/{user.public_id}/{suffix}"


def signed_in(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def memberships(user: User) -> list[tuple[str, str, bool]]:
    return sorted(Membership.objects.filter(user=user).values_list("org_unit__code", "role", "reveals_personal"))


def written(*, actor: User) -> list[tuple[str, str, str, dict[str, Any]]]:
    """The audit entries of the actor's writes (not their sign-ins)."""
    return [
        (entry.action, entry.object_type, entry.org_unit.code if entry.org_unit else "", entry.changes)
        for entry in AuditEntry.objects.filter(actor=actor).exclude(action__in=["login", "logout"]).order_by("id")
    ]


def listed(client: Client, query: str = "") -> list[str]:
    response = client.get(f"/accounts/users/{query}")
    assert response.status_code == 200
    return [user.username for user in response.context["users"]]


# --- who may manage whom -------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["outsider", "mch_worker"])
def test_users_without_a_managing_role_get_404_everywhere(
    client: Client, persona: str, hospital_admin: User, request: pytest.FixtureRequest
) -> None:
    signed_in(client, request.getfixturevalue(persona))
    before = memberships(hospital_admin)
    assert client.get("/accounts/users/").status_code == 404
    assert client.get("/accounts/users/new/").status_code == 404
    assert client.get(page(hospital_admin)).status_code == 404
    assert client.post(page(hospital_admin, "active/"), {}).status_code == 404
    assert client.post(page(hospital_admin, "password/"), {"password1": NEW_PASSWORD}).status_code == 404
    assert 'href="/accounts/users/"' not in client.get("/").content.decode()
    hospital_admin.refresh_from_db()
    assert (hospital_admin.is_active, memberships(hospital_admin)) == (True, before)
    assert written(actor=request.getfixturevalue(persona)) == []


def test_the_list_holds_the_users_of_the_managers_subtrees(
    client: Client,
    admin: User,
    supporter_user: User,
    commission_user: User,
    hospital_admin: User,
    mch_worker: User,
    outsider: User,
) -> None:
    assert listed(signed_in(client, commission_user)) == ["changji-office", "qitai-admin", "qitai-clerk"]
    assert 'href="/accounts/users/"' in client.get("/").content.decode()  # the sidebar
    assert listed(signed_in(Client(), hospital_admin)) == ["qitai-admin"]
    assert listed(signed_in(Client(), supporter_user)) == ["fujian-office"]
    assert listed(signed_in(Client(), admin)) == [
        "admin-user",
        "changji-office",
        "fujian-office",
        "hainan-viewer",
        "qitai-admin",
        "qitai-clerk",
    ]


def test_the_list_filters_by_unit_role_and_name(
    client: Client, world: World, commission_user: User, hospital_admin: User, mch_worker: User
) -> None:
    signed_in(client, commission_user)
    assert listed(client, f"?org_unit={world.qitai_mch.pk}") == ["qitai-clerk"]
    assert listed(client, f"?org_unit={world.qitai.pk}") == ["qitai-admin", "qitai-clerk"]
    assert listed(client, "?role=institution_admin") == ["qitai-admin"]
    assert listed(client, "?search=CLERK") == ["qitai-clerk"]
    response = client.get(f"/accounts/users/?org_unit={world.haikou_hospital.pk}")  # not theirs to pick
    assert response.context["form"].errors["org_unit"] == [
        "Select a valid choice. That choice is not one of the available choices."
    ]


def test_the_list_shows_memberships_second_factor_state_and_activity(
    client: Client, commission_user: User, hospital_admin: User, mch_worker: User, django_assert_num_queries: Any
) -> None:
    TOTPDevice.objects.create(user=mch_worker, name="authenticator", confirmed=True)
    for number in range(5):
        make_user(f"clerk-{number}", unit=mch_worker.memberships.get().org_unit, role=Role.DATA_CLERK)
    signed_in(client, commission_user)
    # session, user, scope, the filter's units, users, their memberships; the session's expiry moved (3)
    with django_assert_num_queries(10):
        response = client.get("/accounts/users/")
    rows = {user.username: user for user in response.context["users"]}
    assert len(rows) == 8
    assert rows["qitai-clerk"].has_second_factor is True
    assert rows["qitai-admin"].has_second_factor is False
    assert [m.get_role_display() for m in rows["qitai-clerk"].membership_list] == ["Data clerk"]
    content = response.content.decode()
    assert "奇台县妇幼保健院 · Data clerk" in content
    assert "enrolled" in content
    assert "never" in content


def test_a_user_with_a_membership_outside_the_scope_is_404(
    client: Client, world: World, commission_user: User, mch_worker: User
) -> None:
    membership_grant(actor=None, user=mch_worker, org_unit=world.hainan, role=Role.VIEWER)
    signed_in(client, commission_user)
    assert "qitai-clerk" not in listed(client)
    before = memberships(mch_worker)
    assert client.get(page(mch_worker)).status_code == 404
    assert client.post(page(mch_worker, "active/"), {}).status_code == 404
    revoke = page(mch_worker, f"memberships/{mch_worker.memberships.first().pk}/revoke/")
    assert client.post(revoke).status_code == 404
    mch_worker.refresh_from_db()
    assert (mch_worker.is_active, memberships(mch_worker)) == (True, before)


def test_a_user_with_a_role_above_the_managers_is_404(client: Client, world: World, commission_user: User) -> None:
    local_admin = make_user("qitai-sysadmin", unit=world.qitai_hospital, role=Role.SYSTEM_ADMIN)
    signed_in(client, commission_user)
    assert "qitai-sysadmin" not in listed(client)
    assert client.get(page(local_admin)).status_code == 404
    assert (
        client.post(page(local_admin, "password/"), {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}).status_code
        == 404
    )
    local_admin.refresh_from_db()
    assert local_admin.check_password(PASSWORD)


def test_a_programme_office_cannot_grant_system_admin(
    client: Client, world: World, commission_user: User, mch_worker: User
) -> None:
    signed_in(client, commission_user)
    form = client.get(page(mch_worker)).context["membership_form"]
    assert [value for value, _label in form.fields["role"].choices] == [
        "",
        "programme_office",
        "institution_admin",
        "expert",
        "data_clerk",
        "viewer",
    ]
    response = client.post(page(mch_worker, "memberships/"), {"org_unit": world.qitai_mch.pk, "role": "system_admin"})
    assert response.status_code == 200
    assert response.context["membership_form"].errors == {
        "role": ["Select a valid choice. system_admin is not one of the available choices."]
    }
    with pytest.raises(ValidationError) as refused:
        membership_grant(actor=commission_user, user=mch_worker, org_unit=world.qitai_mch, role=Role.SYSTEM_ADMIN)
    assert refused.value.message_dict == {
        "role": ["You may not grant the role System administrator at 奇台县妇幼保健院."]
    }
    assert memberships(mch_worker) == [("H652325002", "data_clerk", False)]
    assert written(actor=commission_user) == []


def test_an_institution_admin_grants_only_up_to_their_role_inside_their_institution(
    client: Client, world: World, hospital_admin: User
) -> None:
    nurse = make_user("qitai-nurse", unit=world.qitai_hospital, role=Role.VIEWER)
    signed_in(client, hospital_admin)
    refused = client.post(
        page(nurse, "memberships/"), {"org_unit": world.qitai_hospital.pk, "role": "programme_office"}
    )
    assert "role" in refused.context["membership_form"].errors
    outside = client.post(page(nurse, "memberships/"), {"org_unit": world.qitai_mch.pk, "role": "viewer"})
    assert "org_unit" in outside.context["membership_form"].errors
    with pytest.raises(ValidationError):
        membership_grant(actor=hospital_admin, user=nurse, org_unit=world.qitai_hospital, role=Role.PROGRAMME_OFFICE)
    assert memberships(nurse) == [("H652325001", "viewer", False)]

    granted = client.post(page(nurse, "memberships/"), {"org_unit": world.qitai_hospital.pk, "role": "data_clerk"})
    assert granted.status_code == 302
    assert memberships(nurse) == [("H652325001", "data_clerk", False), ("H652325001", "viewer", False)]


def test_nobody_revokes_their_own_last_admin_membership(client: Client, world: World, commission_user: User) -> None:
    membership_grant(actor=None, user=commission_user, org_unit=world.qitai_mch, role=Role.VIEWER)
    own = commission_user.memberships.get(role=Role.PROGRAMME_OFFICE)
    signed_in(client, commission_user)
    response = client.post(page(commission_user, f"memberships/{own.pk}/revoke/"), follow=True)
    assert "You cannot revoke your own last administrator membership." in response.content.decode()
    assert memberships(commission_user) == [("H652325002", "viewer", False), ("W652300", "programme_office", False)]
    assert written(actor=commission_user) == []


def test_a_users_last_membership_stays_and_nobody_deactivates_themselves(
    client: Client, commission_user: User, mch_worker: User
) -> None:
    with pytest.raises(ValidationError) as refused:
        membership_revoke(actor=commission_user, membership=mch_worker.memberships.get())
    assert refused.value.messages == ["This is the user's last membership: deactivate the account instead."]
    with pytest.raises(ValidationError) as refused:
        user_set_active(actor=commission_user, user=commission_user, is_active=False)
    assert refused.value.messages == ["You cannot deactivate your own account."]
    signed_in(client, commission_user)
    assert "Deactivate the account" not in client.get(page(commission_user)).content.decode()
    client.post(page(commission_user, "active/"), {})
    commission_user.refresh_from_db()
    assert commission_user.is_active is True
    assert memberships(mch_worker) == [("H652325002", "data_clerk", False)]


def test_nobody_gives_themselves_the_reveal_flag(client: Client, commission_user: User) -> None:
    own = commission_user.memberships.get()
    signed_in(client, commission_user)
    response = client.post(
        page(commission_user, f"memberships/{own.pk}/reveal/"), {"reveals_personal": "on"}, follow=True
    )
    assert "You cannot give yourself the right to reveal personal data." in response.content.decode()
    assert memberships(commission_user) == [("W652300", "programme_office", False)]


# --- the actions, audited ------------------------------------------------------------------------------------


def test_creating_a_user_with_a_first_membership(client: Client, world: World, commission_user: User) -> None:
    signed_in(client, commission_user)
    response = client.post(
        "/accounts/users/new/",
        {
            "username": "qitai-doctor",
            "full_name": "奇台医生",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
            "org_unit": world.qitai_hospital.pk,
            "role": "expert",
        },
    )
    user = User.objects.get(username="qitai-doctor")
    assert response["Location"] == page(user)
    assert user.check_password(NEW_PASSWORD)
    assert memberships(user) == [("H652325001", "expert", False)]
    assert [(action, kind, unit) for action, kind, unit, _changes in written(actor=commission_user)] == [
        ("create", "accounts.user", ""),
        ("create", "accounts.membership", "H652325001"),
    ]
    assert NEW_PASSWORD not in str(list(AuditEntry.objects.values()))


@pytest.mark.parametrize(
    ("password", "error"),
    [
        ("short-1", "This password is too short. It must contain at least 10 characters."),
        ("1234567890123", "This password is entirely numeric."),
    ],
)
def test_a_bad_password_or_a_forbidden_role_creates_nothing(
    client: Client, world: World, commission_user: User, password: str, error: str
) -> None:
    signed_in(client, commission_user)
    data = {"username": "qitai-doctor", "password1": password, "password2": password, "org_unit": world.qitai.pk}
    response = client.post("/accounts/users/new/", {**data, "role": "viewer"})
    assert response.status_code == 200
    assert error in response.context["form"].errors["password1"]
    response = client.post(
        "/accounts/users/new/", {**data, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "role": "system_admin"}
    )
    assert "role" in response.context["form"].errors
    differ = client.post(
        "/accounts/users/new/", {**data, "password1": NEW_PASSWORD, "password2": "other", "role": "viewer"}
    )
    assert differ.context["form"].errors == {"password2": ["The two passwords differ."]}
    assert User.objects.filter(username="qitai-doctor").exists() is False
    assert written(actor=commission_user) == []


def test_grant_reveal_and_revoke_are_audited(
    client: Client, world: World, commission_user: User, mch_worker: User
) -> None:
    signed_in(client, commission_user)
    client.post(page(mch_worker, "memberships/"), {"org_unit": world.qitai_hospital.pk, "role": "viewer"})
    added = mch_worker.memberships.get(role=Role.VIEWER)
    client.post(page(mch_worker, f"memberships/{added.pk}/reveal/"), {"reveals_personal": "on"})
    assert memberships(mch_worker) == [("H652325001", "viewer", True), ("H652325002", "data_clerk", False)]
    client.post(page(mch_worker, f"memberships/{added.pk}/reveal/"), {})
    client.post(page(mch_worker, f"memberships/{added.pk}/revoke/"))
    assert memberships(mch_worker) == [("H652325002", "data_clerk", False)]
    audited = written(actor=commission_user)
    assert [(action, kind, unit) for action, kind, unit, _changes in audited] == [
        ("create", "accounts.membership", "H652325001"),
        ("update", "accounts.membership", "H652325001"),
        ("update", "accounts.membership", "H652325001"),
        ("delete", "accounts.membership", "H652325001"),
    ]
    assert audited[1][3] == {"reveals_personal": [False, True]}
    assert audited[2][3] == {"reveals_personal": [True, False]}
    assert audited[3][3]["role"] == ["viewer", None]


def test_deactivating_and_reactivating_are_audited_and_end_the_sign_in(
    client: Client, commission_user: User, mch_worker: User
) -> None:
    theirs = signed_in(Client(), mch_worker)
    assert theirs.get("/").status_code == 200
    signed_in(client, commission_user)
    client.post(page(mch_worker, "active/"), {})
    mch_worker.refresh_from_db()
    assert mch_worker.is_active is False
    assert theirs.get("/")["Location"] == "/accounts/login/?next=/"
    assert Client().post("/accounts/login/", {"username": "qitai-clerk", "password": PASSWORD}).status_code == 200
    client.post(page(mch_worker, "active/"), {"is_active": "on"})
    mch_worker.refresh_from_db()
    assert mch_worker.is_active is True
    assert [(action, unit, changes) for action, _kind, unit, changes in written(actor=commission_user)] == [
        ("update", "H652325002", {"is_active": [True, False]}),
        ("update", "H652325002", {"is_active": [False, True]}),
    ]


def test_a_password_reset_is_validated_and_audited_without_the_password(
    client: Client, commission_user: User, mch_worker: User
) -> None:
    signed_in(client, commission_user)
    refused = client.post(page(mch_worker, "password/"), {"password1": "password", "password2": "password"})
    assert refused.status_code == 200
    assert refused.context["password_form"].errors == {
        "password1": [
            "This password is too short. It must contain at least 10 characters.",
            "This password is too common.",
        ]
    }
    mch_worker.refresh_from_db()
    assert mch_worker.check_password(PASSWORD)
    assert written(actor=commission_user) == []

    client.post(page(mch_worker, "password/"), {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    mch_worker.refresh_from_db()
    assert mch_worker.check_password(NEW_PASSWORD)
    assert [(action, kind, changes) for action, kind, _unit, changes in written(actor=commission_user)] == [
        ("update", "accounts.user", {"_": {"password": "changed"}}),
    ]
    assert NEW_PASSWORD not in str(list(AuditEntry.objects.values()))


def test_a_second_factor_reset_forces_a_new_enrolment(
    client: Client, world: World, commission_user: User, mch_worker: User
) -> None:
    membership_grant(actor=None, user=mch_worker, org_unit=world.qitai_mch, role=Role.DATA_CLERK, reveals_personal=True)
    totp = TOTPDevice.objects.create(user=mch_worker, name="authenticator", confirmed=True)
    recovery = StaticDevice.objects.create(user=mch_worker, name="recovery codes", confirmed=True)
    StaticToken.objects.create(device=recovery, token="abcd1234")
    signed_in(client, commission_user)
    assert "Reset the second factor" in client.get(page(mch_worker)).content.decode()
    client.post(page(mch_worker, "two-factor/reset/"))
    assert TOTPDevice.objects.filter(user=mch_worker).count() == 0
    assert StaticDevice.objects.filter(user=mch_worker).count() == 0
    assert [(action, unit, changes) for action, _kind, unit, changes in written(actor=commission_user)] == [
        ("update", "H652325002", {"_": {"second_factor": "reset", "devices": 2}}),
    ]
    assert totp.key not in str(list(AuditEntry.objects.values()))

    theirs = Client()
    login = theirs.post("/accounts/login/", {"username": "qitai-clerk", "password": PASSWORD, "next": "/mch/"})
    assert login["Location"] == "/accounts/two-factor/?next=%2Fmch%2F"
    assert theirs.get(login["Location"])["Location"] == "/accounts/two-factor/enrol/?next=%2Fmch%2F"
    assert theirs.get("/mch/").status_code == 302

    again = client.post(page(mch_worker, "two-factor/reset/"), follow=True)
    assert "This user has no second factor to reset." in again.content.decode()
    assert len(written(actor=commission_user)) == 1
