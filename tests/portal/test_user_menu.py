"""The sidebar's user block links the API documentation (issue 13, item 7)."""

from __future__ import annotations

from django.test import Client

from shanhai.accounts.models import User


def test_every_signed_in_page_links_the_api_documentation(hospital_admin: User) -> None:
    client = Client()
    client.force_login(hospital_admin)
    assert 'href="/api/v1/docs/"' in client.get("/").content.decode()
