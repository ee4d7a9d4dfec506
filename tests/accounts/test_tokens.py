"""API tokens (django-rest-knox): stored as digests, expiring, revoked on logout, sign-out and password change,
refused for an inactive user, listed and revoked by their owner only; every issue and revocation audited."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from django.contrib import admin
from django.db import connection
from django.test import Client, override_settings
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from shanhai.accounts.api_tokens import api_token_create
from shanhai.accounts.models import User
from shanhai.accounts.services import user_set_active, user_set_password
from shanhai.core.models import AuditAction, AuditEntry

PASSWORD = "correct-horse-9"  # the password make_user() gives every persona
PROTECTED = "/api/v1/partnerships/"


@pytest.fixture
def api() -> APIClient:
    return APIClient(HTTP_ACCEPT_LANGUAGE="en")


def with_token(token: str) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def works(token: str) -> bool:
    status = with_token(token).get(PROTECTED).status_code
    assert status in {200, 401}
    return status == 200


def revocations(user: User) -> list[dict[str, str]]:
    entries = AuditEntry.objects.filter(action=AuditAction.TOKEN_REVOKED, object_id=str(user.public_id))
    return [entry.changes["_"] for entry in entries.order_by("id")]


def test_the_database_holds_a_digest_never_the_token(api: APIClient, hospital_admin: User) -> None:
    response = api.post("/api/v1/auth/token/", {"username": "qitai-admin", "password": PASSWORD}, format="json")

    token = response.json()["token"]
    row = AuthToken.objects.get(user=hospital_admin)
    assert row.digest == hashlib.sha512(token.encode()).hexdigest()
    assert row.token_key == token[:15]
    stored = [str(value) for value in AuthToken.objects.values_list("digest", "token_key", "created", "expiry").get()]
    assert all(token not in value for value in stored)
    assert "authtoken_token" not in connection.introspection.table_names()  # DRF's clear tokens are gone


def test_a_token_expires_after_the_configured_hours(api: APIClient, hospital_admin: User, settings) -> None:
    settings.SHANHAI_API_TOKEN_HOURS = 2
    before = timezone.now()
    row, token = api_token_create(user=hospital_admin)
    assert before + timedelta(hours=2) <= row.expiry <= timezone.now() + timedelta(hours=2)
    assert works(token)

    AuthToken.objects.filter(pk=row.pk).update(expiry=timezone.now() - timedelta(seconds=1))

    response = with_token(token).get(PROTECTED)
    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid token."}
    assert AuthToken.objects.count() == 0


def test_api_logout_revokes_the_calling_token_only(hospital_admin: User) -> None:
    first, first_token = api_token_create(user=hospital_admin)
    _second, second_token = api_token_create(user=hospital_admin)

    response = with_token(first_token).post("/api/v1/auth/logout/")

    assert response.status_code == 204
    assert not works(first_token)
    assert works(second_token)
    assert revocations(hospital_admin) == [{"token_key": first.token_key, "reason": "logout"}]


def test_api_logout_needs_a_token_not_a_session(api: APIClient, hospital_admin: User) -> None:
    _row, token = api_token_create(user=hospital_admin)
    api.force_login(hospital_admin)

    response = api.post("/api/v1/auth/logout/")

    assert response.status_code == 401
    assert works(token)
    assert revocations(hospital_admin) == []


def test_api_logout_all_revokes_every_token_of_the_user(hospital_admin: User, outsider: User) -> None:
    first, first_token = api_token_create(user=hospital_admin)
    second, second_token = api_token_create(user=hospital_admin)
    _other, other_token = api_token_create(user=outsider)

    response = with_token(first_token).post("/api/v1/auth/logout-all/")

    assert response.status_code == 200
    assert response.json() == {"revoked": 2}
    assert not works(first_token) and not works(second_token)
    assert works(other_token)
    assert revocations(hospital_admin) == [
        {"token_key": first.token_key, "reason": "logout_all"},
        {"token_key": second.token_key, "reason": "logout_all"},
    ]


def test_web_sign_out_revokes_every_token(client: Client, hospital_admin: User, outsider: User) -> None:
    row, token = api_token_create(user=hospital_admin)
    _other, other_token = api_token_create(user=outsider)
    client.force_login(hospital_admin)

    response = client.post("/accounts/logout/")

    assert response.status_code == 302
    assert not works(token)
    assert works(other_token)
    assert revocations(hospital_admin) == [{"token_key": row.token_key, "reason": "sign_out"}]


def test_changing_ones_password_revokes_every_token(client: Client, hospital_admin: User) -> None:
    row, token = api_token_create(user=hospital_admin)
    client.force_login(hospital_admin)

    response = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": "a-new-long-password-7", "new_password2": "a-new-long-password-7"},
    )

    assert response.status_code == 302
    assert not works(token)
    assert revocations(hospital_admin) == [{"token_key": row.token_key, "reason": "password_changed"}]


def test_an_administrators_password_reset_revokes_every_token(admin: User, hospital_admin: User) -> None:
    row, token = api_token_create(user=hospital_admin)

    user_set_password(actor=admin, user=hospital_admin, password="a-new-long-password-7")

    assert not works(token)
    entry = AuditEntry.objects.get(action=AuditAction.TOKEN_REVOKED)
    assert (entry.actor, entry.object_repr) == (admin, "qitai-admin")
    assert entry.changes == {"_": {"token_key": row.token_key, "reason": "password_changed"}}


def test_an_inactive_user_is_refused(hospital_admin: User, api: APIClient) -> None:
    _row, token = api_token_create(user=hospital_admin)
    hospital_admin.is_active = False
    hospital_admin.save(update_fields=["is_active"])

    response = with_token(token).get(PROTECTED)

    assert response.status_code == 401
    assert response.json() == {"detail": "User inactive or deleted."}
    refused = api.post("/api/v1/auth/token/", {"username": "qitai-admin", "password": PASSWORD}, format="json")
    assert refused.status_code == 400
    assert AuthToken.objects.count() == 1


def test_deactivating_an_account_revokes_its_tokens(admin: User, hospital_admin: User) -> None:
    row, token = api_token_create(user=hospital_admin)

    user_set_active(actor=admin, user=hospital_admin, is_active=False)
    user_set_active(actor=admin, user=hospital_admin, is_active=True)

    assert not works(token)
    assert revocations(hospital_admin) == [{"token_key": row.token_key, "reason": "deactivated"}]


def test_a_token_that_is_not_utf8_is_refused_not_a_server_error(hospital_admin: User) -> None:
    response = with_token("caf\u00e9").get(PROTECTED)

    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid token."}


def test_the_list_shows_the_users_own_tokens_and_never_the_token(hospital_admin: User, outsider: User) -> None:
    older, _older_token = api_token_create(user=hospital_admin)
    newer, token = api_token_create(user=hospital_admin)
    api_token_create(user=outsider)
    expired, _expired_token = api_token_create(user=hospital_admin)
    AuthToken.objects.filter(pk=expired.pk).update(expiry=timezone.now() - timedelta(seconds=1))

    response = with_token(token).get("/api/v1/auth/tokens/")

    assert response.status_code == 200
    listed = response.json()
    assert [(item["token_key"], item["current"]) for item in listed] == [
        (newer.token_key, True),
        (older.token_key, False),
    ]
    assert set(listed[0]) == {"token_key", "created", "expiry", "current"}
    assert token not in response.content.decode()
    assert newer.digest not in response.content.decode()


def test_the_owner_revokes_a_token_by_its_key(hospital_admin: User) -> None:
    _row, token = api_token_create(user=hospital_admin)
    other, other_token = api_token_create(user=hospital_admin)

    response = with_token(token).delete(f"/api/v1/auth/tokens/{other.token_key}/")

    assert response.status_code == 204
    assert not works(other_token)
    assert works(token)
    assert revocations(hospital_admin) == [{"token_key": other.token_key, "reason": "revoked"}]


def test_someone_elses_token_key_is_404_and_nothing_is_revoked(hospital_admin: User, outsider: User) -> None:
    _row, token = api_token_create(user=hospital_admin)
    theirs, their_token = api_token_create(user=outsider)

    response = with_token(token).delete(f"/api/v1/auth/tokens/{theirs.token_key}/")
    malformed = with_token(token).delete("/api/v1/auth/tokens/not-a-key/")

    assert response.status_code == 404
    assert malformed.status_code == 404
    assert works(their_token)
    assert AuditEntry.objects.filter(action=AuditAction.TOKEN_REVOKED).count() == 0


def test_every_issue_is_audited_with_the_key_and_never_the_token(api: APIClient, hospital_admin: User) -> None:
    response = api.post("/api/v1/auth/token/", {"username": "qitai-admin", "password": PASSWORD}, format="json")

    token = response.json()["token"]
    entry = AuditEntry.objects.get(action=AuditAction.TOKEN_CREATED)
    row = AuthToken.objects.get()
    assert (entry.actor, entry.object_type, entry.object_id) == (
        hospital_admin,
        "accounts.user",
        str(hospital_admin.public_id),
    )
    assert entry.changes == {"_": {"token_key": row.token_key, "expiry": row.expiry.isoformat()}}
    assert token not in str(entry.changes) + entry.object_repr


@override_settings(SHANHAI_API_TOKENS_PER_USER=2)
def test_a_user_holds_a_limited_number_of_tokens(api: APIClient, hospital_admin: User) -> None:
    expired, _token = api_token_create(user=hospital_admin)
    AuthToken.objects.filter(pk=expired.pk).update(expiry=timezone.now() - timedelta(seconds=1))
    for _attempt in range(2):
        assert api.post("/api/v1/auth/token/", {"username": "qitai-admin", "password": PASSWORD}).status_code == 200

    response = api.post("/api/v1/auth/token/", {"username": "qitai-admin", "password": PASSWORD}, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": ["You hold 2 API tokens, the most allowed: revoke one before asking for another."]
    }
    assert AuthToken.objects.count() == 2  # the expired one is gone
    assert AuditEntry.objects.filter(action=AuditAction.TOKEN_CREATED).count() == 3  # with the expired one


# --- the page ----------------------------------------------------------------------------------------------------
def test_the_page_lists_the_users_own_tokens(
    client: Client, hospital_admin: User, outsider: User, django_assert_num_queries
) -> None:
    mine = [api_token_create(user=hospital_admin)[0] for _ in range(3)]
    theirs, _token = api_token_create(user=outsider)
    client.force_login(hospital_admin)
    client.get("/accounts/tokens/")  # the session and the scope warmed up

    with django_assert_num_queries(4):
        response = client.get("/accounts/tokens/")

    assert response.status_code == 200
    content = response.content.decode()
    assert all(f'action="/accounts/tokens/{row.token_key}/revoke/"' in content for row in mine)
    assert theirs.token_key not in content
    assert all(row.digest not in content for row in mine)


def test_the_page_is_linked_from_the_user_menu(client: Client, hospital_admin: User) -> None:
    client.force_login(hospital_admin)

    assert 'href="/accounts/tokens/"' in client.get("/").content.decode()


def test_the_page_revokes_a_token(client: Client, hospital_admin: User) -> None:
    row, token = api_token_create(user=hospital_admin)
    client.force_login(hospital_admin)

    refused = client.get(f"/accounts/tokens/{row.token_key}/revoke/")
    response = client.post(f"/accounts/tokens/{row.token_key}/revoke/", follow=True)

    assert refused.status_code == 405
    assert response.redirect_chain == [("/accounts/tokens/", 302)]
    assert f"The API token {row.token_key}… is revoked." in response.content.decode()
    assert not works(token)
    assert revocations(hospital_admin) == [{"token_key": row.token_key, "reason": "revoked"}]


def test_the_page_does_not_revoke_someone_elses_token(client: Client, hospital_admin: User, outsider: User) -> None:
    theirs, their_token = api_token_create(user=outsider)
    client.force_login(hospital_admin)

    response = client.post(f"/accounts/tokens/{theirs.token_key}/revoke/")

    assert response.status_code == 404
    assert works(their_token)
    assert AuditEntry.objects.filter(action=AuditAction.TOKEN_REVOKED).count() == 0


def test_the_page_needs_a_signed_in_user(client: Client, db: None) -> None:
    response = client.get("/accounts/tokens/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/accounts/tokens/"


def test_tokens_are_not_in_djangos_admin() -> None:
    """Knox's admin would issue and delete tokens without an audit entry."""
    assert not admin.site.is_registered(AuthToken)
