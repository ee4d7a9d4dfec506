"""The signed-in user's own profile page (issue 13, item 7)."""

from __future__ import annotations

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from shanhai.accounts.models import Role, User
from shanhai.accounts.services import membership_grant
from tests.core.factories import make_user


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_profile_shows_name_memberships_and_links(world, hospital_admin: User) -> None:
    hospital_admin.full_name = "王丽"
    hospital_admin.save()
    membership_grant(actor=None, user=hospital_admin, org_unit=world.qitai_mch, role=Role.VIEWER, reveals_personal=True)
    response = signed_in(hospital_admin).get("/accounts/profile/")
    assert response.status_code == 200
    content = response.content.decode()
    assert "王丽" in content and "qitai-admin" in content
    memberships = [
        (item.membership.role, item.membership.org_unit.name, item.unit_path, item.membership.reveals_personal)
        for item in response.context["profile"].memberships
    ]
    assert sorted(memberships) == [
        (Role.INSTITUTION_ADMIN, "奇台县人民医院", ["新疆维吾尔自治区", "昌吉回族自治州", "奇台县"], False),
        (Role.VIEWER, "奇台县妇幼保健院", ["新疆维吾尔自治区", "昌吉回族自治州", "奇台县"], True),
    ]
    assert "Institution administrator" in content and "新疆维吾尔自治区 › 昌吉回族自治州 › 奇台县" in content
    for href in (
        "/accounts/password/",
        "/accounts/tokens/",
        "/api/v1/docs/",
        "/i18n/setlang/",
    ):
        assert f'href="{href}"' in content or f'action="{href}"' in content, href


def test_the_profile_of_a_user_without_a_second_factor_offers_to_enrol(hospital_admin: User) -> None:
    response = signed_in(hospital_admin).get("/accounts/profile/")
    content = response.content.decode()
    assert not response.context["profile"].has_second_factor
    assert "not enrolled" in content
    assert 'href="/accounts/two-factor/enrol/"' in content
    assert "/accounts/two-factor/recovery-codes/" not in content


def test_the_profile_of_an_enrolled_user_offers_new_recovery_codes(hospital_admin: User) -> None:
    TOTPDevice.objects.create(user=hospital_admin, name="phone", confirmed=True)
    recovery = StaticDevice.objects.create(user=hospital_admin, name="recovery", confirmed=True)
    StaticToken.objects.bulk_create([StaticToken(device=recovery, token=f"code{n:04d}") for n in range(3)])
    response = signed_in(hospital_admin).get("/accounts/profile/")
    content = response.content.decode()
    assert response.context["profile"].has_second_factor
    assert response.context["profile"].recovery_codes_left == 3
    assert "You hold 3 unused recovery codes." in content
    assert 'href="/accounts/two-factor/recovery-codes/"' in content
    assert 'href="/accounts/two-factor/enrol/"' not in content.split('id="profile-second-factor"')[1]


def test_the_profile_in_chinese(hospital_admin: User, settings) -> None:
    settings.LANGUAGE_CODE = "zh-hans"
    with translation.override("zh-hans"):
        content = signed_in(hospital_admin).get("/accounts/profile/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "我的账号" in content and "机构管理员" in content and "API 文档" in content


def test_the_user_name_in_the_sidebar_links_the_profile(hospital_admin: User) -> None:
    content = signed_in(hospital_admin).get("/").content.decode()
    assert 'class="user-name" href="/accounts/profile/"' in content


def test_the_profile_takes_a_constant_number_of_queries(world) -> None:
    def queries(user: User) -> int:
        client = signed_in(user)
        client.get("/accounts/profile/")
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/accounts/profile/").status_code == 200
        return len(captured)

    one = make_user("one-unit", unit=world.qitai_hospital, role=Role.VIEWER)
    many = make_user("many-units", unit=world.qitai_hospital, role=Role.VIEWER)
    for unit in (world.qitai_mch, world.fuqing_hospital, world.haikou_hospital, world.changji_commission):
        membership_grant(actor=None, user=many, org_unit=unit, role=Role.VIEWER)
    assert queries(many) == queries(one)


def test_signed_out_visitors_are_sent_to_the_login(db) -> None:
    response = Client().get("/accounts/profile/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
