"""Login, lockout after repeated failures, logout, session expiry and security headers."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone

from tests.core.factories import make_user

PASSWORD = "correct-horse-9"


@pytest.fixture
def person(db):
    return make_user("wang-li", password=PASSWORD)


def is_logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_login_page(client, db):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert [t.name for t in response.templates][:2] == ["accounts/login.html", "plain.html"]
    content = response.content.decode()
    assert 'name="username"' in content and 'name="password"' in content
    assert 'name="csrfmiddlewaretoken"' in content


def test_login_with_the_right_password(client, person):
    response = client.post("/accounts/login/", {"username": "wang-li", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.session["_auth_user_id"] == str(person.pk)


def test_login_follows_next(client, person):
    response = client.post(
        "/accounts/login/?next=/org/", {"username": "wang-li", "password": PASSWORD, "next": "/org/"}
    )
    assert response["Location"] == "/org/"


def test_login_refuses_an_external_next(client, person):
    response = client.post(
        "/accounts/login/", {"username": "wang-li", "password": PASSWORD, "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


def test_wrong_password_shows_the_message(client, person):
    response = client.post("/accounts/login/", {"username": "wang-li", "password": "wrong"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "The user name or password is wrong. After 5 failed attempts the account is locked for 15 minutes."
    ]
    assert not is_logged_in(client)


def test_five_failures_lock_the_account(client, person):
    for attempt in range(4):
        response = client.post("/accounts/login/", {"username": "wang-li", "password": f"wrong-{attempt}"})
        assert response.status_code == 200
    response = client.post("/accounts/login/", {"username": "wang-li", "password": "wrong-4"})
    assert response.status_code == 429
    assert "accounts/locked_out.html" in [t.name for t in response.templates]

    # The sixth attempt, with the right password, is refused as well.
    response = client.post("/accounts/login/", {"username": "wang-li", "password": PASSWORD})
    assert response.status_code == 429
    assert "accounts/locked_out.html" in [t.name for t in response.templates]
    assert "Try again in 15 minutes." in response.content.decode()
    assert not is_logged_in(client)
    assert AccessAttempt.objects.get(username="wang-li").failures_since_start == 6  # the refused one counts too


def test_lockout_is_per_account(client, person):
    make_user("li-na", password=PASSWORD)
    for attempt in range(5):
        client.post("/accounts/login/", {"username": "wang-li", "password": f"wrong-{attempt}"})
    response = client.post("/accounts/login/", {"username": "li-na", "password": PASSWORD})
    assert response.status_code == 302
    assert is_logged_in(client)


def test_the_lock_ends_after_the_cool_off(client, person):
    for attempt in range(5):
        client.post("/accounts/login/", {"username": "wang-li", "password": f"wrong-{attempt}"})
    AccessAttempt.objects.update(attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(seconds=1))
    response = client.post("/accounts/login/", {"username": "wang-li", "password": PASSWORD})
    assert response.status_code == 302
    assert is_logged_in(client)


def test_logout_needs_post(client, person):
    client.force_login(person)
    assert client.get("/accounts/logout/").status_code == 405
    assert is_logged_in(client)
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    assert not is_logged_in(client)


def test_logged_in_user_on_login_page_goes_home(client, person):
    client.force_login(person)
    response = client.get("/accounts/login/")
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_session_settings():
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is False  # the expiry moves on once a minute (project.middleware)
    assert settings.SESSION_COOKIE_HTTPONLY is True
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_COOLOFF_TIME.total_seconds() == 15 * 60


def test_session_lasts_thirty_idle_minutes(client, person):
    client.force_login(person)
    client.get("/")
    session = Session.objects.get(session_key=client.session.session_key)
    remaining = session.expire_date - timezone.now()
    assert timedelta(minutes=29) < remaining <= timedelta(minutes=30)


def test_an_expired_session_sends_the_user_to_login(client, person):
    client.force_login(person)
    assert client.get("/").status_code == 200
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/"


def test_security_headers(client, person):
    response = client.get("/accounts/login/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    client.force_login(person)
    response = client.get("/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_language_switch(client, person):
    client.force_login(person)
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/org/"})
    assert response.status_code == 302
    assert response["Location"] == "/org/"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert '<html lang="en"' in client.get("/").content.decode()
