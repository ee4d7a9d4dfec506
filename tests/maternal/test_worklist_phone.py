"""Issue 13, done when: a township clerk opens her worklist on a 390-px screen, reveals with one reason, and calls a
woman — in headless Chromium, in Chinese, with no request leaving the server."""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from shanhai.accounts.models import Role
from shanhai.accounts.services import membership_grant
from shanhai.core import clock
from tests.core.factories import make_user
from tests.maternal.factories import make_pregnancy, make_woman, mch_places

SCREENSHOTS = Path("/tmp")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        shutil.which("chromium") is None, reason="Debian chromium is not installed (.ci/run installs it)"
    ),
]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_clerk_reveals_with_one_reason_and_calls_a_woman_on_a_phone(page, live_server, world) -> None:  # type: ignore[no-untyped-def]
    places = mch_places(world)
    clerk = make_user("qitai-clerk", unit=world.qitai_mch, role=Role.DATA_CLERK)
    membership_grant(actor=None, user=clerk, org_unit=world.qitai_mch, role=Role.DATA_CLERK, reveals_personal=True)
    woman = make_woman(
        residence=places.township,
        registered_at=world.qitai_mch,
        name="李秀英",
        phone="13812345678",
        born=date(1994, 2, 3),
    )
    make_pregnancy(registered_at=world.qitai_mch, woman=woman, lmp=clock.today() - timedelta(days=120))
    signed_in = Client()
    signed_in.force_login(clerk)  # with the second factor passed (conftest)
    page.set_viewport_size({"width": 390, "height": 844})
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": signed_in.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )

    page.goto(f"{live_server.url}/mch/worklist/")
    assert page.locator(".worklist-table").first.is_hidden()
    assert page.locator(".work-card").first.is_visible()
    assert "李**" in page.locator(".work-card").first.inner_text()
    page.locator(".reveal-session summary").click()
    page.fill("input[name=reason]", "电话通知产前检查")
    page.locator(".reveal-session button[type=submit]").click()
    page.wait_for_selector(".work-card a[href^='tel:']")

    card = page.locator(".work-card").first
    assert "李秀英" in card.inner_text()
    assert card.locator("a[href='tel:13812345678']").is_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390  # no sideways scrolling
    page.screenshot(path=str(SCREENSHOTS / "worklist-phone.png"), full_page=True)
    assert page.outside_requests == []  # type: ignore[attr-defined]
