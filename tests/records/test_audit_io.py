"""Exports, imports (accepted and refused) and API tokens leave audit entries: what, how many, by whom —
never a value from the records."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from conftest import World
from shanhai.accounts.models import User
from shanhai.core.models import AuditAction, AuditEntry
from shanhai.outreach.services import donation_create
from shanhai.records.imports import import_rows
from shanhai.records.kinds import kind_of

DONATIONS = kind_of("donations")
HEADERS = ["捐赠方（代码或名称）", "受赠方（代码或名称）", "帮扶关系（编号）", "类型", "金额（元）", "日期", "说明"]


def _donation(world: World, actor: User, description: str) -> None:
    donation_create(
        actor=actor,
        donor=world.fuqing_hospital,
        recipient=world.qitai_hospital,
        partnership=world.partnership,
        kind="funds",
        amount=Decimal("1000"),
        donated_on=date(2023, 9, 1),
        description=description,
    )


def test_an_export_is_audited_with_its_row_count_and_filter_names_only(world: World, hospital_admin: User) -> None:
    _donation(world, hospital_admin, "第一笔")
    _donation(world, hospital_admin, "第二笔")
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(hospital_admin)
    response = client.get(reverse("records:export", kwargs={"kind": "donations"}), {"q": "王秀兰"})
    assert response.status_code == 200
    entry = AuditEntry.objects.get(action=AuditAction.EXPORT)
    assert entry.actor == hospital_admin
    assert entry.object_type == "outreach.donation"
    assert entry.changes == {"_": {"kind": "donations", "rows": 0, "filters": ["q"]}}
    assert "王秀兰" not in str(entry.changes) + entry.object_repr
    client.get(reverse("records:export", kwargs={"kind": "donations"}))
    assert AuditEntry.objects.filter(action=AuditAction.EXPORT).latest("id").changes["_"]["rows"] == 2


def test_an_accepted_import_is_audited_with_its_counts(world: World, hospital_admin: User) -> None:
    row = [
        world.fuqing_hospital.code,
        world.qitai_hospital.code,
        world.partnership.pk,
        "资金",
        "5000",
        "2023-04-01",
        "",
    ]
    result = import_rows(DONATIONS, hospital_admin, HEADERS, [row, row])
    assert result.ok
    entry = AuditEntry.objects.get(action=AuditAction.IMPORT)
    assert entry.changes == {"_": {"kind": "donations", "rows": 2, "created": 2, "updated": 0}}


def test_a_refused_import_is_audited_with_counts_and_no_cell_values(world: World, hospital_admin: User) -> None:
    good = [
        world.fuqing_hospital.code,
        world.qitai_hospital.code,
        world.partnership.pk,
        "资金",
        "5000",
        "2023-04-01",
        "",
    ]
    bad = ["不存在的医院甲", world.qitai_hospital.code, world.partnership.pk, "资金", "5000", "2023-04-01", ""]
    result = import_rows(DONATIONS, hospital_admin, HEADERS, [good, bad, bad])
    assert not result.ok
    assert AuditEntry.objects.filter(action=AuditAction.IMPORT).count() == 0
    entry = AuditEntry.objects.get(action=AuditAction.IMPORT_REFUSED)
    assert entry.changes == {"_": {"kind": "donations", "rows": 3, "problems": 2, "rows_with_problems": 2}}
    assert "不存在的医院甲" not in str(entry.changes)
    assert AuditEntry.objects.filter(action=AuditAction.CREATE, object_type="outreach.donation").count() == 0


def test_issuing_an_api_token_is_audited(world: World, hospital_admin: User) -> None:
    hospital_admin.set_password("a-long-enough-password-1")
    hospital_admin.save()
    response = APIClient().post(
        reverse("api-token"), {"username": hospital_admin.username, "password": "a-long-enough-password-1"}
    )
    assert response.status_code == 200
    entry = AuditEntry.objects.get(action=AuditAction.TOKEN_CREATED)
    assert entry.actor == hospital_admin
    assert set(entry.changes["_"]) == {"token_key", "expiry"}
    assert response.json()["token"] not in str(entry.changes) + entry.object_repr
