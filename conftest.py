"""Named personas and a small world that every test builds on.

The world: Fujian (350000) > Fuzhou (350100) > Fuqing (350181) > Fuqing hospital (supporter);
Xinjiang (650000) > Changji (652300) > {Changji health commission, Qitai (652325) >
{Qitai People's Hospital, Qitai MCH hospital}}; Hainan (460000) > Haikou hospital (unrelated).
One partnership: Fuqing hospital → Qitai People's Hospital, in the Fuqing–Qitai programme.

Personas:
- ``admin``: system administrator.
- ``supporter_user``: programme office of Fujian (supporting side).
- ``commission_user``: programme office membership at the Changji health commission.
- ``hospital_admin``: institution admin of Qitai People's Hospital (receiving side).
- ``mch_worker``: data clerk of Qitai MCH hospital.
- ``outsider``: viewer in Hainan, unrelated to everything above.

The demo: tests that use the ``demo`` fixture run on the demo scenarios (``load_demo --seed 2025``), built
once per test run and copied for each test process (``tests/demo_database.py``); they carry the ``demo``
marker and run last.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

import pytest
from django.core.management import call_command
from django.db import connections, transaction
from django.test import Client
from django.utils import translation
from pytest_django.plugin import blocking_manager_key
from whitenoise.middleware import WhiteNoiseMiddleware

from shanhai.accounts.models import Role, User
from shanhai.core.models import OrgUnit, OrgUnitKind
from shanhai.demo.builder import DemoBuilder
from shanhai.partnerships.models import Partnership, Programme
from tests import demo_database as demo_db
from tests.accounts.sessions import needs_second_factor, verify_session
from tests.core.factories import OrgUnitFactory, PartnershipFactory, ProgrammeFactory, make_user


@dataclass
class World:
    fujian: OrgUnit
    fuzhou: OrgUnit
    fuqing: OrgUnit
    fuqing_hospital: OrgUnit
    xinjiang: OrgUnit
    changji: OrgUnit
    changji_commission: OrgUnit
    qitai: OrgUnit
    qitai_hospital: OrgUnit
    qitai_mch: OrgUnit
    hainan: OrgUnit
    haikou_hospital: OrgUnit
    programme: Programme
    partnership: Partnership


@pytest.fixture(scope="session", autouse=True)
def demo_built_early(request: pytest.FixtureRequest) -> None:
    """When the run holds tests on the demo, the first process to start a test builds the demo database (see
    ``tests/demo_database.py``) while the others go on with their tests, so that none waits for it later."""
    if not any(item.get_closest_marker("demo") for item in request.session.items):
        return
    request.getfixturevalue("django_db_setup")
    with request.getfixturevalue("django_db_blocker").unblock():
        database = demo_db.demo_database_of(request.config)
        # A failed build is reported by the tests on the demo, not by the test that happens to run first.
        with contextlib.suppress(Exception):
            database.build(wait=False)
        database.deactivate()


@pytest.fixture(scope="session")
def demo_database(
    request: pytest.FixtureRequest, django_db_setup: None, django_db_blocker: Any
) -> Iterator[demo_db.DemoDatabase]:
    """The demo scenarios (``load_demo --seed 2025``), built once per test run in a database of their own."""
    database = demo_db.demo_database_of(request.config)
    with django_db_blocker.unblock():
        database.build()
    yield database
    with django_db_blocker.unblock():
        database.close()


@pytest.fixture(scope="module")
def demo(demo_database: demo_db.DemoDatabase, django_db_blocker: Any) -> Iterator[None]:
    """The demo for one module, on this process's copy of the demo database: what the module's own
    module-scoped fixtures add is rolled back after it (each test's changes already are, by pytest-django)."""
    with django_db_blocker.unblock():
        demo_database.activate()
        try:
            with transaction.atomic():
                yield
                transaction.set_rollback(True)
        finally:
            demo_database.deactivate()


@pytest.fixture(scope="session", autouse=True)
def demo_loads_carry_the_marker() -> Iterator[None]:
    """A test that builds demo data (``load_demo`` or the demo builders) must carry the ``demo`` marker: the
    demo is built once per run for the tests that use the ``demo`` fixture, and a test that loads it again
    should say so (it runs with the other tests on the demo, at the end)."""
    original = DemoBuilder.__post_init__

    def checked(builder: DemoBuilder) -> None:
        test = _running[-1] if _running else None
        if test is not None and test.get_closest_marker("demo") is None and not demo_db.building:
            pytest.fail(
                f"{test.nodeid} loads the demo without the `demo` marker: use the `demo` fixture (the demo built "
                "once per test run) or, to load it again, mark the test `@pytest.mark.demo`",
                pytrace=False,
            )
        original(builder)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(DemoBuilder, "__post_init__", checked)
        yield


@pytest.fixture(autouse=True)
def demo_only_for_tests_on_it(request: pytest.FixtureRequest) -> None:
    """A test without the demo never runs on it (only a reordering inside one module could make it)."""
    if "demo" not in request.fixturenames and demo_db.active_demo_database(request.config) is not None:
        pytest.fail(f"{request.node.nodeid} would run on the demo: keep the tests on the demo last", pytrace=False)


@pytest.fixture
def unverified_sessions() -> None:
    """Asked for by the tests of the second factor: ``force_login`` leaves the session unverified."""


@pytest.fixture(autouse=True)
def force_login_passes_the_second_factor(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """``client.force_login`` stands for a whole sign-in: for a user who needs a second factor (administrators,
    users who may reveal personal data) the session is also verified by an authenticator, as after the code page
    (``tests/accounts/sessions.py``); the tests of the second factor ask for ``unverified_sessions``."""
    if "unverified_sessions" in request.fixturenames:
        return
    force_login = Client.force_login

    def force_login_verified(client: Client, user: Any, backend: str | None = None) -> None:
        force_login(client, user, backend)
        if needs_second_factor(user):
            verify_session(client, user)

    monkeypatch.setattr(Client, "force_login", force_login_verified)


@pytest.fixture(scope="session", autouse=True)
def static_files_listed_once() -> Iterator[None]:
    """WhiteNoise lists every static file through the finders each time its middleware is made, and the test
    client makes the middleware anew for each client: a tenth of a request-heavy module's time. The list is read
    once per process (the files do not change during a run); each middleware still gets its own responders."""
    original = WhiteNoiseMiddleware.add_files_from_finders
    listed: dict[tuple[Any, ...], dict[str, Any]] = {}

    def add_files_once(middleware: WhiteNoiseMiddleware) -> None:
        key = (middleware.static_prefix, middleware.max_age, middleware.allow_all_origins, middleware.charset)
        if key not in listed:
            before = dict(middleware.files)
            original(middleware)
            listed[key] = {url: found for url, found in middleware.files.items() if before.get(url) is not found}
        middleware.files.update(listed[key])

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(WhiteNoiseMiddleware, "add_files_from_finders", add_files_once)
        yield


@pytest.fixture(scope="session")
def openapi_schema() -> dict[str, Any]:
    """The API document as ``manage.py spectacular`` writes it, validated and with no warning: made once per test
    process (seconds each time) for the tests that only read it."""
    buffer = io.StringIO()
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--lang", "en", "--format", "openapi-json", stdout=buffer
    )
    schema: dict[str, Any] = json.loads(buffer.getvalue())
    return schema


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: pytest.FixtureRequest) -> None:
    """PBKDF2 is slow by design; tests need no such protection."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def rate_limits(request: pytest.FixtureRequest, settings: Any) -> dict[str, str | None]:
    """No rate limit unless a test sets one: ``rate_limits["reveal"] = "3/h"`` (the dict is the setting). The
    counters are then in a cache of this test's own (not the shared file cache, which outlives the run)."""
    settings.SHANHAI_RATE_LIMITS = {}
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": request.node.nodeid}
    }
    return settings.SHANHAI_RATE_LIMITS


@pytest.fixture(autouse=True)
def english_by_default(settings: pytest.FixtureRequest) -> Iterator[None]:
    """Tests assert English text unless they ask for zh-hans (the product's default) themselves."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def world(db: None) -> World:
    K = OrgUnitKind
    fujian = OrgUnitFactory(code="350000", name="福建省", kind=K.PROVINCE)
    fuzhou = OrgUnitFactory(code="350100", name="福州市", kind=K.PREFECTURE, parent=fujian)
    fuqing = OrgUnitFactory(code="350181", name="福清市", kind=K.COUNTY, parent=fuzhou)
    fuqing_hospital = OrgUnitFactory(
        code="H350181001", name="福清市医院", kind=K.GENERAL_HOSPITAL, parent=fuqing, grade="3B"
    )
    xinjiang = OrgUnitFactory(code="650000", name="新疆维吾尔自治区", kind=K.PROVINCE)
    changji = OrgUnitFactory(code="652300", name="昌吉回族自治州", kind=K.PREFECTURE, parent=xinjiang)
    commission = OrgUnitFactory(code="W652300", name="昌吉州卫生健康委员会", kind=K.HEALTH_COMMISSION, parent=changji)
    qitai = OrgUnitFactory(code="652325", name="奇台县", kind=K.COUNTY, parent=changji)
    qitai_hospital = OrgUnitFactory(
        code="H652325001", name="奇台县人民医院", kind=K.GENERAL_HOSPITAL, parent=qitai, grade="2A"
    )
    qitai_mch = OrgUnitFactory(code="H652325002", name="奇台县妇幼保健院", kind=K.MCH_HOSPITAL, parent=qitai)
    hainan = OrgUnitFactory(code="460000", name="海南省", kind=K.PROVINCE)
    haikou = OrgUnitFactory(code="H460100001", name="海口市人民医院", kind=K.GENERAL_HOSPITAL, parent=hainan)
    programme = ProgrammeFactory(name="福清—奇台对口支援", owner=fuqing, started_on=dt.date(2020, 1, 1))
    partnership = PartnershipFactory(
        supporter=fuqing_hospital, recipient=qitai_hospital, programme=programme, started_on=dt.date(2021, 3, 1)
    )
    return World(
        fujian,
        fuzhou,
        fuqing,
        fuqing_hospital,
        xinjiang,
        changji,
        commission,
        qitai,
        qitai_hospital,
        qitai_mch,
        hainan,
        haikou,
        programme,
        partnership,
    )


@pytest.fixture
def admin(world: World) -> User:
    user = make_user("admin-user")
    from shanhai.accounts.services import membership_grant

    membership_grant(actor=None, user=user, org_unit=world.xinjiang, role=Role.SYSTEM_ADMIN)
    return user


@pytest.fixture
def supporter_user(world: World) -> User:
    return make_user("fujian-office", unit=world.fujian, role=Role.PROGRAMME_OFFICE)


@pytest.fixture
def commission_user(world: World) -> User:
    return make_user("changji-office", unit=world.changji_commission, role=Role.PROGRAMME_OFFICE)


@pytest.fixture
def hospital_admin(world: World) -> User:
    return make_user("qitai-admin", unit=world.qitai_hospital, role=Role.INSTITUTION_ADMIN)


@pytest.fixture
def mch_worker(world: World) -> User:
    return make_user("qitai-clerk", unit=world.qitai_mch, role=Role.DATA_CLERK)


@pytest.fixture
def outsider(world: World) -> User:
    return make_user("hainan-viewer", unit=world.hainan, role=Role.VIEWER)


def pytest_configure(config: pytest.Config) -> None:
    demo_db.start_run(config)


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    """pytest-xdist: each worker learns the run's id and directory (where the demo is built once)."""
    demo_db.share_run(node.config, node.workerinput)


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session) -> None:
    with session.config.stash[blocking_manager_key].unblock():
        demo_db.finish_run(session.config)


#: The test being run (the marker check of demo loads looks at it).
_running: list[pytest.Item] = []


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    _running.append(item)
    try:
        return (yield)
    finally:
        _running.pop()


@pytest.hookimpl(tryfirst=True)
def pytest_itemcollected(item: pytest.Item) -> None:
    """Tests that use the demo carry the ``demo`` marker (``-m 'not demo'`` leaves them out)."""
    if {"demo", "demo_database"} & set(getattr(item, "fixturenames", ())):
        item.add_marker(pytest.mark.demo)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Browser tests run after the others: their live server needs a transactional database, whose
    flush at the end removes the reference data the migrations loaded, which later tests would miss.
    Tests on the demo run last of all (stable sort: modules stay together): those that load demo data
    themselves, then those on the demo database (the ``demo`` fixture), which switch each process's
    connection to its copy of the demo once per module."""

    def rank(item: pytest.Item) -> int:
        if "demo" in getattr(item, "fixturenames", ()):
            return 3
        if item.get_closest_marker("demo") is not None:
            return 2
        return 1 if item.get_closest_marker("browser") is not None else 0

    items.sort(key=rank)


# --- the browser (tests marked browser): headless Debian Chromium, no request leaving the server ---------
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture
def page(live_server, monkeypatch):  # type: ignore[no-untyped-def]
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls are still synchronous.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
        )
        context = browser.new_context(locale="zh-CN", extra_http_headers={"Accept-Language": "zh-hans"})
        page = context.new_page()
        page.outside_requests = []  # type: ignore[attr-defined]
        server_host = urlparse(live_server.url).netloc

        def guard(route, request):  # type: ignore[no-untyped-def]
            if urlparse(request.url).netloc != server_host:
                page.outside_requests.append(request.url)  # type: ignore[attr-defined]
                return route.abort()
            return route.continue_()

        page.route("**/*", guard)
        yield page
        browser.close()
        # The test's ORM calls ran inside Playwright's context, on connections of their own: closed here, else one
        # stays open and PostgreSQL refuses to drop the test database at the end of the run.
        connections.close_all()
