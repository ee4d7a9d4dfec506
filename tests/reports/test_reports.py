"""Reports on the small world: requests, progress page, visibility of a partnership breakdown, failures, fonts."""

from __future__ import annotations

import datetime as dt
import gettext
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse
from fontTools.ttLib import TTFont

from conftest import World
from shanhai.accounts.models import User
from shanhai.core.periods import parse_period
from shanhai.reports import selectors, services, tasks
from shanhai.reports.fonts import FONT_PATH, matplotlib_family
from shanhai.reports.models import Report, ReportStatus
from tests.core.factories import PartnershipFactory


@pytest.fixture(autouse=True)
def immediate_tasks(settings: pytest.FixtureRequest, tmp_path: Path) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_request_builds_the_file_and_the_page_lists_it(world: World, supporter_user: User) -> None:
    client = client_for(supporter_user)
    url = reverse("reports:programme_reports", args=[world.programme.pk])
    response = client.post(url, {"period": "2023", "format": "docx"})
    report = Report.objects.get()
    assert response.status_code == 302 and response["Location"] == url
    assert (report.status, report.progress, report.period, report.partnership_ids) == (
        ReportStatus.DONE,
        100,
        "2023",
        [world.partnership.pk],
    )
    assert Path(report.file.path).read_bytes().startswith(b"PK")
    page = client.get(url).content.decode()
    assert reverse("reports:download", args=[report.public_id]) in page
    assert "hx-trigger" not in page


def test_an_invalid_period_writes_nothing(world: World, supporter_user: User) -> None:
    url = reverse("reports:programme_reports", args=[world.programme.pk])
    response = client_for(supporter_user).post(url, {"period": "2023Q5", "format": "pdf"})
    assert response.status_code == 400
    assert "“2023Q5” is not a period." in response.content.decode()
    assert Report.objects.count() == 0


def test_a_running_report_is_polled_every_second_with_its_progress(world: World, supporter_user: User) -> None:
    report = Report.objects.create(
        programme=world.programme,
        period="2023",
        format="pdf",
        requested_by=supporter_user,
        status=ReportStatus.RUNNING,
        progress=40,
        partnership_ids=[world.partnership.pk],
    )
    url = reverse("reports:programme_reports", args=[world.programme.pk])
    response = client_for(supporter_user).get(url, headers={"HX-Request": "true"})
    content = response.content.decode()
    assert content.lstrip().startswith('<section class="panel" id="report-list"')
    assert 'hx-trigger="every 1s"' in content
    assert '<progress max="100" value="40">40%</progress>' in content
    assert client_for(supporter_user).get(reverse("reports:download", args=[report.public_id])).status_code == 404


def test_a_report_breaking_down_a_partnership_the_user_cannot_see_is_hidden(
    world: World, supporter_user: User, hospital_admin: User
) -> None:
    """Qitai's hospital sees the programme through its own partnership, not Haikou's: a report the Fujian
    office asked for breaks down both, so Qitai neither lists nor downloads it; its own report is its own."""
    PartnershipFactory(
        supporter=world.fuqing_hospital,
        recipient=world.haikou_hospital,
        programme=world.programme,
        started_on=dt.date(2022, 1, 1),
    )
    period = parse_period("2023")
    theirs = services.report_request(actor=supporter_user, programme=world.programme, period=period, format="xlsx")
    mine = services.report_request(actor=hospital_admin, programme=world.programme, period=period, format="xlsx")
    assert len(theirs.partnership_ids) == 2 and mine.partnership_ids == [world.partnership.pk]
    assert selectors.report_list(hospital_admin, world.programme) == [mine]
    assert selectors.report_list(supporter_user, world.programme) == [mine, theirs]
    client = client_for(hospital_admin)
    assert client.get(reverse("reports:download", args=[theirs.public_id])).status_code == 404
    assert client.get(reverse("reports:download", args=[mine.public_id])).status_code == 200


def test_outsider_gets_404_everywhere(world: World, supporter_user: User, outsider: User) -> None:
    report = services.report_request(
        actor=supporter_user, programme=world.programme, period=parse_period("2023"), format="xlsx"
    )
    client = client_for(outsider)
    assert client.get(reverse("reports:programme_reports", args=[world.programme.pk])).status_code == 404
    assert (
        client.post(
            reverse("reports:programme_reports", args=[world.programme.pk]), {"period": "2023", "format": "pdf"}
        ).status_code
        == 404
    )
    assert client.get(reverse("reports:download", args=[report.public_id])).status_code == 404
    assert Report.objects.count() == 1


def test_a_failed_build_says_so(world: World, supporter_user: User, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(report: Report) -> bytes:
        raise RuntimeError("no paper")

    monkeypatch.setattr(tasks, "_build", broken)
    report = services.report_request(
        actor=supporter_user, programme=world.programme, period=parse_period("2023"), format="pdf"
    )
    report.refresh_from_db()
    assert (report.status, report.error, bool(report.file)) == (ReportStatus.FAILED, "RuntimeError: no paper", False)


def test_the_shipped_font_covers_every_chinese_translation() -> None:
    cmap = TTFont(FONT_PATH)["cmap"].getBestCmap()
    mo = Path(django_settings.BASE_DIR) / "shanhai/locale/zh_Hans/LC_MESSAGES/django.mo"
    with mo.open("rb") as file:
        catalogue = gettext.GNUTranslations(file)._catalog  # type: ignore[attr-defined]
    texts = [t for value in catalogue.values() for t in (value if isinstance(value, tuple) else (value,))]
    missing = {c for text in texts for c in text if ord(c) not in cmap and not c.isspace()}
    assert missing == set()


def test_matplotlib_uses_the_shipped_font() -> None:
    from matplotlib import font_manager

    family = matplotlib_family()
    assert family == "Noto Sans CJK SC"
    assert FONT_PATH.stat().st_size < 4_000_000
    assert any(Path(f.fname) == FONT_PATH for f in font_manager.fontManager.ttflist)
