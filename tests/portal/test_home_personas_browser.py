"""Issue 13, done when: a browser test as each persona — the first page shows numbers, not 未上报.

Headless Chromium opens the home page of every demo login, in Chinese, on the demo database. The browser's requests
are answered by Django's test client inside this test (``page.route``), so the pages are the real server's pages on
the demo, with each persona's session, and nothing leaves the process."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.test import Client

from shanhai.accounts.models import User
from shanhai.demo.logins import LOGINS

SITE = "http://shanhai.test"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = Path("/tmp")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db,
    pytest.mark.usefixtures("demo"),
    pytest.mark.skipif(
        shutil.which("chromium") is None, reason="Debian chromium is not installed (.ci/run installs it)"
    ),
]

#: What each persona's first screen must show besides the headline figures (the part of the home for their role).
ROLE_PART = {
    "qitai": "妇幼健康：今日工作",
    "baoji": "妇幼健康：今日工作",
    "baoji-town": "妇幼健康：今日工作",
    "baoji-city": "妇幼健康：今日工作",
    "fuqing-expert": "远程会诊",
    "shanghai_radiologist": "远程影像",
    "maqin-doctor": "远程影像",
    "qitai-doctor": "远程会诊",
    "fujian": "目标进展",
    "qinghai": "目标进展",
}


def rendered(path: str, client: Client) -> tuple[int, dict[str, str], bytes]:
    response = client.get(path, HTTP_ACCEPT_LANGUAGE="zh-hans")
    return response.status_code, dict(response.items()), response.content


def static_file(path: str) -> bytes | None:
    """A static file as the server sends it (the vendored CSS and scripts), found by Django's finders."""
    from django.conf import settings
    from django.contrib.staticfiles import finders

    found = finders.find(path.removeprefix(settings.STATIC_URL))
    return Path(found).read_bytes() if found else None


def open_in_chromium(pages: dict[str, tuple[int, dict[str, str], bytes]]) -> dict[str, tuple[str, list[str]]]:
    """Show the server's answers in headless Chromium, one page after another (the pages were rendered by the test
    client before the browser starts: the test's database transaction stays in this thread); per path, the main
    text and the tile and count values. A request that would leave the site fails the test."""
    from playwright.sync_api import sync_playwright

    outside: list[str] = []
    seen: dict[str, tuple[str, list[str]]] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
        )
        page = browser.new_context(locale="zh-CN").new_page()

        def answer(route, request):  # type: ignore[no-untyped-def]
            url = urlsplit(request.url)
            if f"{url.scheme}://{url.netloc}" != SITE:
                outside.append(request.url)
                return route.abort()
            if url.path in pages:
                status, headers, body = pages[url.path]
                return route.fulfill(status=status, headers=headers, body=body)
            content = static_file(url.path)
            if content is None:
                return route.fulfill(status=404, body=b"")
            kind = "text/css" if url.path.endswith(".css") else "application/javascript"
            return route.fulfill(status=200, headers={"content-type": kind}, body=content)

        page.route("**/*", answer)
        page.set_viewport_size({"width": 1280, "height": 900})
        for path in pages:
            page.goto(f"{SITE}{path}")
            seen[path] = (
                page.locator("main").inner_text(),
                page.locator(".tile-value, .home-count-value").all_inner_texts(),
            )
            page.screenshot(path=str(SCREENSHOTS / f"home{path.rstrip('/').replace('/', '-')}.png"), full_page=True)
        browser.close()
    assert outside == []
    return seen


def test_every_personas_first_page_shows_numbers_not_not_reported() -> None:
    pages = {}
    for login in LOGINS:
        client = Client()
        client.force_login(User.objects.get(username=login.username))  # with the second factor passed (conftest)
        # Each persona's home, under a path of its own for the browser (the server's answer to "/").
        pages[f"/{login.username}/"] = rendered("/", client)
        assert pages[f"/{login.username}/"][0] == 200, login.username
    for path, (main, tiles) in open_in_chromium(pages).items():
        username = path.strip("/")
        figures = [text for text in tiles if re.search(r"\d", text)]
        unreported = [text for text in tiles if "未上报" in text]
        if username == "outsider":  # Hainan keeps no records: it says so, with no wall of 未上报
            assert "尚无" in main and not unreported
        else:
            assert figures, f"{username}: no number on the first page"
            assert len(unreported) < len(figures), (
                f"{username}: {len(unreported)} 未上报 against {len(figures)} figures"
            )
        if username in ROLE_PART:
            assert ROLE_PART[username] in main, username
