"""The generic record layer, exercised through one real kind (donations): pages, import, export, API.

Every kind gets these pages from its declaration; the per-kind scoping checks on the demo live in
tests/test_records_acceptance.py.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook, load_workbook
from rest_framework.test import APIClient

from conftest import World
from shanhai.accounts.models import User
from shanhai.analytics.engine import Scope, evaluate_one
from shanhai.core.models import AuditEntry
from shanhai.core.periods import parse_period
from shanhai.outreach.models import Donation
from shanhai.outreach.services import donation_create
from shanhai.records.imports import import_rows
from shanhai.records.kinds import kind_of
from shanhai.records.models import ImportJob, ImportStatus

DONATIONS = kind_of("donations")
HEADERS_ZH = ["捐赠方（代码或名称）", "受赠方（代码或名称）", "帮扶关系（编号）", "类型", "金额（元）", "日期", "说明"]


def _client(user: User, language: str = "en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def _donation(world: World, actor: User, amount: str = "200000", on: date = date(2023, 9, 1)) -> Donation:
    return donation_create(
        actor=actor,
        donor=world.fuqing_hospital,
        recipient=world.qitai_hospital,
        partnership=world.partnership,
        kind="funds",
        amount=Decimal(amount),
        donated_on=on,
        description="专项资金",
    )


def _funds(world: World) -> float | None:
    return evaluate_one("donations_funds", Scope(partnership=world.partnership), parse_period("2023")).value


def _xlsx(headers: list[str], rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _upload(name: str, content: bytes) -> io.BytesIO:
    file = io.BytesIO(content)
    file.name = name
    return file


# --- pages ---------------------------------------------------------------------------------------
def test_list_detail_and_index_pages(world: World, admin: User, hospital_admin: User) -> None:
    donation = _donation(world, admin)
    client = _client(hospital_admin)
    listing = client.get(reverse("records:list", kwargs={"kind": "donations"}))
    assert listing.status_code == 200
    assert "福清市医院" in listing.content.decode()
    assert "¥200,000.00" in listing.content.decode()
    detail = client.get(reverse("records:detail", kwargs={"kind": "donations", "public_id": donation.public_id}))
    assert detail.status_code == 200
    assert str(donation.public_id) in detail.content.decode()
    index = client.get(reverse("records:index")).content.decode()
    assert reverse("records:list", kwargs={"kind": "donations"}) in index


def test_outsider_gets_404_and_sees_an_empty_list(world: World, admin: User, outsider: User) -> None:
    donation = _donation(world, admin)
    client = _client(outsider)
    assert (
        client.get(reverse("records:detail", kwargs={"kind": "donations", "public_id": donation.public_id})).status_code
        == 404
    )
    assert (
        client.post(
            reverse("records:delete", kwargs={"kind": "donations", "public_id": donation.public_id})
        ).status_code
        == 404
    )
    listing = client.get(reverse("records:list", kwargs={"kind": "donations"})).content.decode()
    assert "福清市医院" not in listing
    assert Donation.objects.count() == 1


def test_an_unknown_kind_is_404(world: World, admin: User) -> None:
    assert _client(admin).get("/records/no-such-kind/").status_code == 404


def test_create_edit_and_delete_through_pages_change_the_figures(world: World, hospital_admin: User) -> None:
    client = _client(hospital_admin)
    response = client.post(
        reverse("records:create", kwargs={"kind": "donations"}),
        {
            "donor": world.fuqing_hospital.pk,
            "recipient": world.qitai_hospital.pk,
            "partnership": world.partnership.pk,
            "kind": "funds",
            "amount": "150000",
            "donated_on": "2023-05-04",
            "description": "",
        },
    )
    assert response.status_code == 302
    donation = Donation.objects.get()
    assert _funds(world) == 150000
    edit_url = reverse("records:edit", kwargs={"kind": "donations", "public_id": donation.public_id})
    form = {
        "donor": world.fuqing_hospital.pk,
        "recipient": world.qitai_hospital.pk,
        "partnership": world.partnership.pk,
        "kind": "funds",
        "amount": "180000",
        "donated_on": "2023-05-04",
        "description": "",
    }
    assert client.post(edit_url, form).status_code == 302
    assert _funds(world) == 180000
    assert AuditEntry.objects.filter(object_type="outreach.donation", action="update").count() == 1
    client.post(reverse("records:delete", kwargs={"kind": "donations", "public_id": donation.public_id}))
    assert Donation.objects.count() == 0
    assert (
        evaluate_one("donations_funds", Scope(partnership=world.partnership), parse_period("2023")).is_reported is False
    )


def test_a_reader_cannot_write(world: World, admin: User, outsider: User, supporter_user: User) -> None:
    donation = _donation(world, admin)
    viewer = User.objects.get(username="hainan-viewer")
    assert _client(viewer).get(reverse("records:create", kwargs={"kind": "donations"})).status_code == 403
    # Fujian's programme office may write at the supporting end of the partnership.
    edit = reverse("records:edit", kwargs={"kind": "donations", "public_id": donation.public_id})
    assert _client(supporter_user).get(edit).status_code == 200


def test_a_create_form_takes_its_initial_values_from_the_query(world: World, hospital_admin: User) -> None:
    url = reverse("records:create", kwargs={"kind": "donations"}) + f"?recipient={world.qitai_hospital.code}&kind=funds"
    content = _client(hospital_admin).get(url).content.decode()
    assert f'<option value="{world.qitai_hospital.pk}" selected>' in content


def test_service_errors_land_on_the_form_and_nothing_is_saved(world: World, hospital_admin: User) -> None:
    response = _client(hospital_admin).post(
        reverse("records:create", kwargs={"kind": "donations"}),
        {
            "donor": world.fuqing_hospital.pk,
            "recipient": world.qitai_hospital.pk,
            "partnership": world.partnership.pk,
            "kind": "funds",
            "amount": "-5",
            "donated_on": "2023-05-04",
        },
    )
    assert response.status_code == 400
    assert Donation.objects.count() == 0


# --- import and export ----------------------------------------------------------------------------
def test_the_template_has_chinese_headers_and_a_guide(world: World, hospital_admin: User) -> None:
    response = _client(hospital_admin, "zh-hans").get(reverse("records:template", kwargs={"kind": "donations"}))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(response.content))
    headers = [cell.value for cell in workbook.worksheets[0][1]]
    assert headers == HEADERS_ZH
    assert workbook.worksheets[1].title == "填写说明"


def test_an_import_with_one_bad_row_writes_nothing_and_names_row_column_and_problem(
    world: World, hospital_admin: User
) -> None:
    rows = [
        ["H350181001", "H652325001", world.partnership.pk, "资金", 100000, "2023-03-01", ""],
        ["H350181001", "H652325001", world.partnership.pk, "资金", "十万", "2023-04-01", ""],
        ["H350181001", "H652325001", world.partnership.pk, "资金", 50000, "2023-05-01", ""],
    ]
    client = _client(hospital_admin, "zh-hans")
    response = client.post(
        reverse("records:import", kwargs={"kind": "donations"}), {"file": _upload("d.xlsx", _xlsx(HEADERS_ZH, rows))}
    )
    assert response.status_code == 400
    content = response.content.decode()
    assert "没有导入任何数据" in content
    assert (
        '<td class="num">3</td><td>金额（元）</td><td>请输入以元为单位的金额，例如 800000 或 1250.50。</td>' in content
    )
    assert Donation.objects.count() == 0
    # nothing written: the only entry is the refused import itself
    assert list(AuditEntry.objects.filter(object_type="outreach.donation").values_list("action", flat=True)) == [
        "import_refused"
    ]


def test_a_good_csv_imports_fully(world: World, hospital_admin: User) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADERS_ZH)
    writer.writerow(["福清市医院", "H652325001", world.partnership.pk, "资金", "¥100,000", "2023/3/1", "设备配套资金"])
    writer.writerow(["H350181001", "H652325001", world.partnership.pk, "funds", "50000", "2023-05-01", ""])
    content = buffer.getvalue().encode("gb18030")
    response = _client(hospital_admin, "zh-hans").post(
        reverse("records:import", kwargs={"kind": "donations"}), {"file": _upload("d.csv", content)}
    )
    assert response.status_code == 200
    assert "全部导入" in response.content.decode()
    assert sorted(Donation.objects.values_list("amount", flat=True)) == [Decimal("50000.00"), Decimal("100000.00")]
    assert _funds(world) == 150000


def test_an_exported_list_reimports_to_the_same_records(world: World, admin: User, hospital_admin: User) -> None:
    _donation(world, admin, "200000", date(2023, 1, 5))
    _donation(world, admin, "300000", date(2023, 6, 5))
    before = sorted(Donation.objects.values_list("public_id", "amount", "donated_on", "kind", "description"))
    client = _client(hospital_admin, "zh-hans")
    exported = client.get(reverse("records:export", kwargs={"kind": "donations"}) + "?period=2023")
    assert exported.status_code == 200
    response = client.post(
        reverse("records:import", kwargs={"kind": "donations"}), {"file": _upload("e.xlsx", exported.content)}
    )
    assert response.status_code == 200
    assert sorted(Donation.objects.values_list("public_id", "amount", "donated_on", "kind", "description")) == before
    assert _funds(world) == 500000


def test_the_export_follows_the_filters(world: World, admin: User, hospital_admin: User) -> None:
    _donation(world, admin, "200000", date(2022, 1, 5))
    _donation(world, admin, "300000", date(2023, 6, 5))
    exported = _client(hospital_admin).get(reverse("records:export", kwargs={"kind": "donations"}) + "?period=2023")
    sheet = load_workbook(io.BytesIO(exported.content)).worksheets[0]
    assert [row[5] for row in sheet.iter_rows(min_row=2, values_only=True)] == [300000]


def test_a_wrong_file_type_is_refused_with_a_message(world: World, hospital_admin: User) -> None:
    response = _client(hospital_admin).post(
        reverse("records:import", kwargs={"kind": "donations"}), {"file": _upload("d.txt", b"hello")}
    )
    assert response.status_code == 400
    assert "Upload an XLSX or CSV file." in response.content.decode()


def test_a_missing_required_column_is_reported_once(world: World, hospital_admin: User) -> None:
    with translation.override("en"):
        result = import_rows(DONATIONS, hospital_admin, HEADERS_ZH[:4], [["H350181001", "H652325001", 1, "资金"]])
    assert [(e.row, e.column, e.message) for e in result.errors] == [
        (1, "Amount (¥)", "This required column is missing."),
        (1, "Date", "This required column is missing."),
    ]


def test_rows_outside_the_users_scope_are_refused(world: World, admin: User, mch_worker: User) -> None:
    """The MCH clerk sees the Qitai MCH hospital only: the partnership number means nothing to them."""
    with translation.override("en"):
        result = import_rows(
            DONATIONS,
            mch_worker,
            HEADERS_ZH,
            [["H350181001", "H652325001", world.partnership.pk, "资金", 1, "2023-01-01", ""]],
        )
    assert [(e.row, e.column) for e in result.errors] == [
        (2, "Donor (code or name)"),
        (2, "Recipient (code or name)"),
        (2, "Partnership (number)"),
    ]
    assert Donation.objects.count() == 0


def test_a_large_import_runs_in_the_background_with_progress(
    world: World, hospital_admin: User, settings: pytest.FixtureRequest
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.SHANHAI_IMPORT_INLINE_ROWS = 2
    rows = [["H350181001", "H652325001", world.partnership.pk, "资金", 1000 + i, "2023-03-01", ""] for i in range(5)]
    client = _client(hospital_admin)
    response = client.post(
        reverse("records:import", kwargs={"kind": "donations"}), {"file": _upload("big.xlsx", _xlsx(HEADERS_ZH, rows))}
    )
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("records:import_job", kwargs={"kind": "donations", "job_id": job.public_id})
    assert (job.status, job.created_count, job.errors, job.content) == (ImportStatus.DONE, 5, [], b"")
    assert Donation.objects.count() == 5
    page = client.get(response["Location"]).content.decode()
    assert "Every row imported — 5 new, 0 updated." in page


# --- API -----------------------------------------------------------------------------------------
def test_api_create_read_update_delete(world: World, hospital_admin: User, outsider: User) -> None:
    api = APIClient()
    api.force_authenticate(hospital_admin)
    created = api.post(
        "/api/v1/records/donations/",
        {
            "donor": "H350181001",
            "recipient": "H652325001",
            "partnership": str(world.partnership.pk),
            "kind": "funds",
            "amount": 1200.5,
            "donated_on": "2023-02-01",
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["amount"], body["kind"], body["donor"]) == (1200.5, "Funds", "H350181001")
    url = f"/api/v1/records/donations/{body['public_id']}/"
    assert api.patch(url, {"amount": 2000}, format="json").json()["amount"] == 2000.0
    assert _funds(world) == 2000
    listing = api.get("/api/v1/records/donations/?period=2023").json()
    assert listing["count"] == 1
    stranger = APIClient()
    stranger.force_authenticate(outsider)
    assert stranger.get(url).status_code == 404
    assert stranger.get("/api/v1/records/donations/").json()["count"] == 0
    assert api.delete(url).status_code == 204
    assert Donation.objects.count() == 0


def test_api_bad_values_are_400_with_messages(world: World, hospital_admin: User) -> None:
    api = APIClient()
    api.force_authenticate(hospital_admin)
    response = api.post(
        "/api/v1/records/donations/",
        {
            "donor": "NOPE",
            "recipient": "H652325001",
            "partnership": "999",
            "kind": "funds",
            "amount": 1,
            "donated_on": "2023-02-01",
        },
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {
        "donor": ["No organisation with the code or name “NOPE” among those you can see."],
        "partnership": ["No partnership number 999 among those you can see."],
    }
    assert Donation.objects.count() == 0


def test_the_list_page_runs_a_fixed_number_of_queries(
    world: World, admin: User, hospital_admin: User, django_assert_num_queries
) -> None:
    """One query per page, however many rows: the kind's select_related/prefetch_related cover the columns."""
    client = _client(hospital_admin)
    url = reverse("records:list", kwargs={"kind": "donations"})
    _donation(world, admin)
    client.get(url)  # warm the session; later page views do not write it (refreshed at most once a minute)
    with django_assert_num_queries(8) as first:
        client.get(url)
    for month in range(1, 8):
        _donation(world, admin, on=date(2023, month, 2))
    with django_assert_num_queries(len(first.captured_queries)):
        assert client.get(url).status_code == 200
