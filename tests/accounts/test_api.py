"""Token sign-in for API clients: works through authenticate(), and django-axes still locks."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest
from axes.models import AccessAttempt
from django.test import override_settings
from knox.models import AuthToken
from rest_framework.test import APIClient

from shanhai.accounts.models import User

TOKEN_URL = "/api/v1/auth/token/"
PASSWORD = "correct-horse-9"  # the password make_user() gives every persona


@pytest.fixture
def client() -> APIClient:
    return APIClient(HTTP_ACCEPT_LANGUAGE="en")


def test_token_is_issued_and_authenticates_requests(client: APIClient, hospital_admin: User) -> None:
    response = client.post(TOKEN_URL, {"username": "qitai-admin", "password": PASSWORD}, format="json")

    assert response.status_code == 200
    assert set(response.json()) == {"token", "expiry"}
    token = AuthToken.objects.get(user=hospital_admin)
    assert response.json()["token"][:15] == token.token_key
    assert response.json()["expiry"] == token.expiry.astimezone(ZoneInfo("Asia/Shanghai")).isoformat()
    again = client.post(TOKEN_URL, {"username": "qitai-admin", "password": PASSWORD}, format="json")
    assert again.json()["token"] != response.json()["token"]  # a token per client, each revocable on its own
    assert AuthToken.objects.filter(user=hospital_admin).count() == 2

    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    listed = client.get("/api/v1/partnerships/")
    assert listed.status_code == 200
    assert listed.json()["count"] == 1


def test_wrong_password_gets_400_and_no_token(client: APIClient, hospital_admin: User) -> None:
    response = client.post(TOKEN_URL, {"username": "qitai-admin", "password": "wrong-horse-9"}, format="json")

    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["The user name or the password is wrong."]}
    assert AuthToken.objects.count() == 0
    assert AccessAttempt.objects.get(username="qitai-admin").failures_since_start == 1


def test_missing_fields_get_400(client: APIClient, db: None) -> None:
    response = client.post(TOKEN_URL, {"username": "qitai-admin"}, format="json")

    assert response.status_code == 400
    assert response.json() == {"password": ["This field is required."]}


@override_settings(AXES_FAILURE_LIMIT=2)
def test_locked_account_gets_429_even_with_the_right_password(client: APIClient, hospital_admin: User) -> None:
    for _attempt in range(2):
        client.post(TOKEN_URL, {"username": "qitai-admin", "password": "wrong-horse-9"}, format="json")

    response = client.post(TOKEN_URL, {"username": "qitai-admin", "password": PASSWORD}, format="json")

    assert response.status_code == 429
    assert response.json()["detail"].startswith("Too many failed sign-ins: this account is locked.")
    assert response["Retry-After"] == "900"
    assert AuthToken.objects.count() == 0


def test_a_bad_token_is_refused(client: APIClient, hospital_admin: User) -> None:
    client.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef0123456789abcdef01234567")

    response = client.get("/api/v1/partnerships/")

    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid token."}
