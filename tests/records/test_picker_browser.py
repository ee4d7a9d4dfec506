"""A picker in headless Chromium: typing asks for suggestions (htmx, POST with CSRF), choosing one puts its code
into the field, and the form saves it."""

from __future__ import annotations

import shutil

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from conftest import World
from shanhai.accounts.models import User
from shanhai.outreach.models import Donation
from tests.records.test_pickers import many_hospitals  # noqa: F401 (a fixture)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(shutil.which("chromium") is None, reason="Debian chromium is not installed"),
]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_typing_into_a_picker_and_choosing_a_suggestion(  # type: ignore[no-untyped-def]
    page,
    live_server,
    world: World,
    supporter_user: User,
    many_hospitals: list[str],  # noqa: F811
) -> None:
    client = Client()
    client.force_login(supporter_user)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    asked: list[tuple[str, str, str]] = []
    page.on(
        "request",
        lambda request: (
            asked.append((request.method, request.url, request.post_data or "")) if "/pick/" in request.url else None
        ),
    )

    page.goto(f"{live_server.url}/records/donations/new/")
    page.locator("#id_donor").press_sequentially("第12分院", delay=30)
    option = page.locator("#id_donor_suggestions .picker-option")
    expect(option).to_have_count(1)  # focusing listed the first 20; typing narrowed them to one
    assert "福清市医院第12分院" in option.inner_text()
    option.click()

    assert page.locator("#id_donor").input_value() == many_hospitals[12]
    assert page.locator("#id_donor_chosen").inner_text() == "福清市医院第12分院"
    page.wait_for_timeout(500)  # focus is back in the input: it must not ask for suggestions again
    assert page.locator("#id_donor_suggestions .picker-option").count() == 0
    # The term alone is posted (not the rest of the form), never put in a URL.
    assert asked and all(method == "POST" and url.endswith("/pick/donor/") for method, url, _body in asked)
    assert {body.split("=")[0] for _method, _url, body in asked} == {"q"}

    page.locator("#id_recipient").fill(world.qitai_hospital.code)
    page.select_option("#id_partnership", str(world.partnership.pk))
    page.select_option("#id_kind", "funds")
    page.fill("#id_amount", "5000")
    page.fill("#id_donated_on", "2024-03-01")
    page.locator("form.form button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/records/donations/*/")

    assert list(Donation.objects.values_list("donor__code", "recipient__code")) == [
        (many_hospitals[12], world.qitai_hospital.code)
    ]
    assert page.outside_requests == []  # type: ignore[attr-defined]
