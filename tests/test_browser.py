"""A person's path through the UI in headless Chromium: Chinese login, scoped partnership list, English switch,
and not one request leaving the server (the intranet has no internet)."""

from __future__ import annotations

import shutil

import pytest

from shanhai.accounts.models import Role
from tests.core.factories import make_user

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        shutil.which("chromium") is None, reason="Debian chromium is not installed (.ci/run installs it)"
    ),
]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_chinese_login_scoped_list_and_english_switch(page, live_server, world):  # type: ignore[no-untyped-def]
    make_user("fujian-browser", unit=world.fujian, role=Role.PROGRAMME_OFFICE, password="shanhai-demo-9")

    page.goto(f"{live_server.url}/accounts/login/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert "登录" in page.title()
    page.fill("input[name=username]", "fujian-browser")
    page.fill("input[name=password]", "shanhai-demo-9")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}/partnerships/")
    table = page.locator("table")
    assert "福清市医院" in table.inner_text()
    assert "奇台县人民医院" in table.inner_text()
    assert "帮扶关系" in page.locator("nav").inner_text()

    page.locator("form.language-switch button[value=en]").first.click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Partnerships" in page.locator("nav").inner_text()
    assert page.outside_requests == []  # type: ignore[attr-defined]
