"""Health data is never kept by a browser cache, scripts run only from our own files, and a session is not
written on every request."""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from conftest import World
from shanhai.accounts.models import User
from shanhai.project.middleware import CONTENT_SECURITY_POLICY, REFRESHED_KEY


def test_record_pages_exports_and_the_api_are_no_store_with_a_policy(world: World, hospital_admin: User) -> None:
    client = Client()
    client.force_login(hospital_admin)
    api = APIClient()
    api.force_authenticate(hospital_admin)
    responses = [
        client.get(reverse("records:list", kwargs={"kind": "donations"})),
        client.get(reverse("records:export", kwargs={"kind": "donations"})),
        api.get("/api/v1/records/donations/"),
    ]
    assert [r.status_code for r in responses] == [200, 200, 200]
    for response in responses:
        assert "no-store" in response["Cache-Control"].split(", ")
        assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert "script-src 'self';" in CONTENT_SECURITY_POLICY


def test_a_session_is_refreshed_at_most_once_a_minute(world: World, hospital_admin: User, settings: Any) -> None:
    settings.SHANHAI_SESSION_REFRESH_SECONDS = 24 * 3600  # no two requests of this test are a day apart
    client = Client()
    client.force_login(hospital_admin)
    page = reverse("records:list", kwargs={"kind": "donations"})
    client.get(page)
    session = Session.objects.get()
    first = session.get_decoded()[REFRESHED_KEY]
    expiry = session.expire_date
    client.get(page)
    again = Session.objects.get()
    assert (again.get_decoded()[REFRESHED_KEY], again.expire_date) == (first, expiry)
