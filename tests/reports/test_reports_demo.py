"""Programme reports on the demo: the S3 programme's DOCX, PDF and XLSX carry the engine's figures in Chinese."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zlib
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from django.utils import translation
from docx import Document
from docx.oxml.ns import qn
from fontTools.ttLib import TTFont
from openpyxl import load_workbook

from shanhai.accounts.models import User
from shanhai.analytics.engine import Scope, evaluate
from shanhai.analytics.registry import registry
from shanhai.core.models import OrgUnit
from shanhai.core.periods import parse_period
from shanhai.demo import scenarios
from shanhai.partnerships.models import Partnership, Programme
from shanhai.reports.fonts import DOCX_EAST_ASIA_FONT, FONT_PATH
from shanhai.reports.models import Report, ReportStatus
from shanhai.reports.selectors import column_periods, report_indicators

S3_PERIOD = "202005..202305"


@pytest.fixture(autouse=True)
def immediate_tasks(settings: pytest.FixtureRequest, tmp_path: Path) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path


def client_for(username: str) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(User.objects.get(username=username))
    return client


def s3() -> Programme:
    return Programme.objects.get(name=scenarios.S3_PROGRAMME)


def request_report(username: str, format: str, period: str = S3_PERIOD) -> Report:
    response = client_for(username).post(
        reverse("reports:programme_reports", args=[s3().pk]), {"period": period, "format": format}
    )
    assert response.status_code == 302
    report = Report.objects.get()
    assert (report.status, report.progress, report.error) == (ReportStatus.DONE, 100, "")
    return report


def download(username: str, report: Report) -> bytes:
    response = client_for(username).get(reverse("reports:download", args=[report.public_id]))
    assert response.status_code == 200
    return b"".join(response.streaming_content)  # type: ignore[attr-defined]


def pdf_objects(content: bytes) -> bytes:
    """The PDF's objects with their compressed streams inflated (font dictionaries sit in object streams)."""
    parts = [content]
    for match in re.finditer(rb"stream\r?\n", content):
        try:
            parts.append(zlib.decompressobj().decompress(content[match.end() :]))
        except zlib.error:
            continue
    return b"\n".join(parts)


def zh_name(code: str) -> str:
    return registry.get(code).name("zh-hans")


def zh(text: str) -> str:
    with translation.override("zh-hans"):
        return translation.gettext(text)


@pytest.mark.django_db
@pytest.mark.usefixtures("demo")
class TestProgrammeReports:
    def test_the_page_offers_the_programmes_own_period(self) -> None:
        response = client_for("fujian").get(reverse("reports:programme_reports", args=[s3().pk]))
        assert response.status_code == 200
        assert response.context["form"].initial == {"period": S3_PERIOD}
        assert "暂无报告" in response.content.decode() or "No report yet." in response.content.decode()

    def test_docx_has_the_s3_figures_in_chinese_and_two_charts(self) -> None:
        report = request_report("fujian", "docx")
        assert report.language == "zh-hans"
        assert sorted(report.partnership_ids) == sorted(
            Partnership.objects.filter(programme=s3()).values_list("pk", flat=True)
        )
        document = Document(io.BytesIO(download("fujian", report)))
        rows = [[c.text for c in row.cells] for table in document.tables for row in table.rows]
        assert [zh_name("experts_dispatched"), "133", "人", "", ""] in rows
        assert [zh_name("techniques_introduced"), "175", "项", "", ""] in rows
        assert [zh_name("outreach_events"), "184", "场", "", ""] in rows
        assert [zh_name("experts_senior_share"), "77%", "%", "102", "133"] in rows
        text = "\n".join(p.text for p in document.paragraphs)
        assert document.paragraphs[0].text == zh("%(programme)s: programme report") % {
            "programme": scenarios.S3_PROGRAMME
        }
        assert "133" in text and "175" in text and "184" in text and "2020年5月" in text
        assert len(document.inline_shapes) == 3
        section = document.sections[0]
        assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)  # A4, not US Letter
        assert all(
            shape.width <= section.page_width - section.left_margin - section.right_margin
            for shape in document.inline_shapes
        )
        fonts = {r.element.rPr.rFonts.get(qn("w:eastAsia")) for p in document.paragraphs for r in p.runs if r.text}
        assert fonts == {DOCX_EAST_ASIA_FONT}

    def test_pdf_has_the_s3_figures_in_chinese_with_the_font_embedded(self) -> None:
        report = request_report("changji", "pdf")
        content = download("changji", report)
        assert content.startswith(b"%PDF")
        assert b"/FontFile3" in pdf_objects(content)
        assert b"/BaseFont /" in pdf_objects(content) and b"+Shanhai-Sans-SC" in pdf_objects(content)
        if shutil.which("pdftotext") is None:
            pytest.skip("pdftotext (poppler-utils) is not installed: the text is not checked")
        text = subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True, check=True).stdout.decode()
        assert scenarios.S3_PROGRAMME in text
        for code, figure in (
            ("experts_dispatched", "133"),
            ("techniques_introduced", "175"),
            ("outreach_events", "184"),
        ):
            assert zh_name(code) in text
            assert figure in text

    def test_xlsx_values_equal_the_engines_for_the_same_scope_and_period(self) -> None:
        report = request_report("fujian", "xlsx")
        sheet = load_workbook(io.BytesIO(download("fujian", report)))["指标"]
        rows = list(sheet.iter_rows(values_only=True))
        period = parse_period(S3_PERIOD)
        columns = column_periods(period)
        with translation.override("zh-hans"):
            labels = [p.label for p in columns[:-1]]
        assert rows[0] == ("指标", "代码", "单位", "帮扶关系", *labels, zh("Whole period"))
        assert labels == ["2020年5月 至 2020年12月", "2021年", "2022年", "2023年1月 至 2023年5月"]
        programme_rows = {row[1]: row for row in rows[1:] if row[3] == zh("Whole programme")}
        chosen = report_indicators()
        assert list(programme_rows) == [i.code for i in chosen]
        with translation.override("zh-hans"):
            for index, column in enumerate(columns):
                for value in evaluate(chosen, Scope(programme=s3()), column):
                    assert programme_rows[value.code][4 + index] == (value.value if value.is_reported else "未上报")
            partnership = Partnership.objects.select_related("supporter", "recipient").get(
                programme=s3(), recipient__name="奇台县总医院"
            )
            mine = {row[1]: row for row in rows[1:] if row[3] == str(partnership)}
            for value in evaluate(chosen, Scope(programme=s3(), partnership=partnership), period):
                if "partnership" in registry.get(value.code).scopes:
                    assert mine[value.code][-1] == (value.value if value.is_reported else "未上报")

    def test_outsider_and_another_programmes_office_get_404(self) -> None:
        report = Report.objects.create(
            programme=s3(),
            period=S3_PERIOD,
            format="pdf",
            requested_by=User.objects.get(username="fujian"),
            status=ReportStatus.DONE,
            partnership_ids=list(s3().partnerships.values_list("pk", flat=True)),
        )
        report.file.save(report.file_name, ContentFile(b"%PDF-1.7"))
        assert download("changji", report) == b"%PDF-1.7"
        for username in ("outsider", "qinghai", "qitai"):
            client = client_for(username)
            assert client.get(reverse("reports:programme_reports", args=[s3().pk])).status_code == 404
            assert (
                client.post(
                    reverse("reports:programme_reports", args=[s3().pk]), {"period": S3_PERIOD, "format": "pdf"}
                ).status_code
                == 404
            )
            assert client.get(reverse("reports:download", args=[report.public_id])).status_code == 404
        assert Report.objects.count() == 1

    def test_every_chinese_string_renders_with_the_shipped_font(self) -> None:
        cmap = TTFont(FONT_PATH)["cmap"].getBestCmap()
        names = [*OrgUnit.objects.values_list("name", flat=True), *Programme.objects.values_list("name", flat=True)]
        missing = {c for name in names for c in name if ord(c) not in cmap and not c.isspace()}
        assert missing == set()
