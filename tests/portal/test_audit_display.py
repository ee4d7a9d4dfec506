"""The audit log reads as people read (issue 13, item 9): action names, choice labels and yes/no instead of codes,
times in local time (Asia/Shanghai) instead of UTC."""

from __future__ import annotations

import datetime as dt

from django.test import Client
from django.utils import translation

from shanhai.accounts.models import Membership, Role, User
from shanhai.accounts.services import membership_grant
from shanhai.core.models import AuditAction, AuditEntry
from shanhai.portal.tables import changes_html, display_value


def test_values_show_labels_yes_no_and_local_time() -> None:
    with translation.override("zh-hans"):
        assert display_value(Membership, "role", "expert") == "派驻专家"
        assert display_value(Membership, "reveals_personal", False) == "否"
        assert display_value(Membership, "reveals_personal", True) == "是"
        assert display_value(None, "created_at", "2026-12-03T12:14:59.786832+00:00") == "2026-12-03 20:14"
        assert display_value(None, "created_at", "2026-12-03T23:30:00Z") == "2026-12-04 07:30"
        assert display_value(Membership, "role", "unknown") == "unknown"
        assert display_value(None, "note", "2026-12-03") == "2026-12-03"  # a date has no time zone to convert


def test_a_change_of_role_shows_both_labels() -> None:
    html = changes_html({"role": ["viewer", "data_clerk"]}, "accounts.membership", AuditAction.UPDATE)
    assert "<del>Viewer</del>" in html and "<ins>Data clerk</ins>" in html
    assert "viewer" not in html


def test_the_audit_page_shows_local_time_and_readable_names(world, admin: User, hospital_admin: User) -> None:
    membership_grant(actor=admin, user=hospital_admin, org_unit=world.qitai_mch, role=Role.VIEWER)
    entry = AuditEntry.objects.filter(object_type="accounts.membership").latest("pk")
    AuditEntry.objects.filter(pk=entry.pk).update(at=dt.datetime(2026, 3, 1, 23, 30, tzinfo=dt.UTC))
    client = Client()
    client.force_login(admin)
    with translation.override("zh-hans"):
        content = client.get("/audit/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "2026-03-02 07:30" in content and "2026-03-01 23:30" not in content
    assert "新增" in content and ">create<" not in content
    assert "只读用户" in content
    assert ": viewer<" not in content and "False" not in content
