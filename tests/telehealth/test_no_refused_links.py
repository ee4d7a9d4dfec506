"""A page offers no link its user would be refused (issue 13: "new" links that answered 403 to experts and viewers)."""

from __future__ import annotations

from django.test import Client

from shanhai.accounts.models import Role
from tests.core.factories import make_user


def test_an_expert_and_a_viewer_are_offered_no_new_consultation_or_discussion(world) -> None:
    for user in (
        make_user("expert", unit=world.fuqing_hospital, role=Role.EXPERT),
        make_user("viewer", unit=world.changji, role=Role.VIEWER),
    ):
        client = Client()
        client.force_login(user)
        for page in ("/telehealth/", "/telehealth/discussions/"):
            response = client.get(page)
            assert response.status_code == 200, page
            assert "/records/consultations/new/" not in response.content.decode()
            assert "/records/case-discussions/new/" not in response.content.decode()
    clerk = make_user("clerk", unit=world.qitai_hospital, role=Role.DATA_CLERK)
    client = Client()
    client.force_login(clerk)
    assert "/records/consultations/new/" in client.get("/telehealth/").content.decode()
