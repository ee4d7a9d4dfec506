"""Issue 2's acceptance checks, on the loaded demo, through the pages and the API a user would open."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse

from shanhai.accounts.models import User
from shanhai.demo import scenarios
from shanhai.partnerships.models import Partnership, Programme


@pytest.fixture(scope="class")
def demo(django_db_setup: None, django_db_blocker) -> Iterator[None]:  # type: ignore[no-untyped-def]
    from django.test import override_settings

    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
        transaction.atomic(),
    ):
        call_command("load_demo", "--seed", "2025", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


def client_for(username: str) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(User.objects.get(username=username))
    return client


@pytest.mark.django_db
@pytest.mark.usefixtures("demo")
class TestDemoAcceptance:
    def test_login_page_is_chinese(self) -> None:
        response = Client(HTTP_ACCEPT_LANGUAGE="zh-hans").get(reverse("accounts:login"))
        assert response.status_code == 200
        assert '<html lang="zh-hans"' in response.content.decode()
        assert "登录" in response.content.decode()

    def test_demo_users_log_in_with_the_demo_password(self) -> None:
        client = Client()
        response = client.post(reverse("accounts:login"), {"username": "fujian", "password": "shanhai-demo"})
        assert response.status_code == 302

    def test_fujian_sees_the_fujian_to_changji_partnerships(self) -> None:
        client = client_for("fujian")
        s3 = Partnership.objects.filter(programme__name=scenarios.S3_PROGRAMME)
        response = client.get(reverse("partnerships:partnership_list"), {"programme": s3[0].programme_id})
        content = response.content.decode()
        assert response.status_code == 200
        assert response.context["table"].paginator.count == s3.count() == 15
        for partnership in s3:
            assert partnership.recipient.name in content
        detail = client.get(reverse("partnerships:partnership_detail", args=[s3[0].pk]))
        assert detail.status_code == 200

    def test_outsider_gets_404_on_fujians_pages_and_api_records(self) -> None:
        client = client_for("outsider")
        partnership = Partnership.objects.filter(programme__name=scenarios.S3_PROGRAMME).first()
        assert partnership is not None
        urls = [
            reverse("partnerships:partnership_detail", args=[partnership.pk]),
            reverse("partnerships:partnership_edit", args=[partnership.pk]),
            reverse("partnerships:programme_detail", args=[partnership.programme_id]),
            reverse("core:org_detail", args=[partnership.recipient.code]),
            f"/api/v1/partnerships/{partnership.pk}/",
            f"/api/v1/programmes/{partnership.programme_id}/",
            f"/api/v1/org-units/{partnership.recipient.code}/",
        ]
        for url in urls:
            assert client.get(url).status_code == 404, url
        listed = client.get("/api/v1/partnerships/").json()
        assert listed["count"] == 0

    @pytest.mark.parametrize(
        ("programme", "expected"),
        [
            (scenarios.S5_PROGRAMME_COUNTIES, {"supporting_institutions": 29, "recipient_institutions": 14}),
            (
                scenarios.S5_PROGRAMME_PREFECTURES,
                {"supporting_institutions": 55, "recipient_institutions": 6, "supporters_grade_3a_share": 91},
            ),
        ],
    )
    def test_s5_figures_on_the_programme_page_and_from_the_cli(self, programme: str, expected: dict[str, int]) -> None:
        record = Programme.objects.get(name=programme)
        response = client_for("qinghai").get(reverse("partnerships:programme_detail", args=[record.pk]))
        tiles = {tile.code: tile for tile in response.context["tiles"]}
        assert {code: tiles[code].value for code in expected} == expected
        content = response.content.decode()
        if "supporters_grade_3a_share" in expected:
            assert "91%" in content and "50 / 55" in content

        out = io.StringIO()
        call_command(
            "indicators",
            "--org",
            "630000",
            "--programme",
            str(record.pk),
            "--period",
            "2024",
            "--format",
            "json",
            *[arg for code in expected for arg in ("--indicator", code)],
            stdout=out,
        )
        assert {row["code"]: row["value"] for row in json.loads(out.getvalue())} == expected
