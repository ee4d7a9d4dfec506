"""The demo logins: one per kind of user the scenarios serve, all with the same password. ``admin`` and the two
clerks who may reveal personal data (``qitai``, ``baoji``) enrol a second factor at their first sign-in
(``accounts.second_factor``)."""

from __future__ import annotations

from typing import NamedTuple

from shanhai.accounts.models import Role, User
from shanhai.accounts.services import membership_grant, user_create, user_set_site_admin
from shanhai.demo.builder import DemoBuilder

DEMO_PASSWORD = "shanhai-demo"
ADMIN_USERNAME = "admin"


class Login(NamedTuple):
    username: str
    full_name: str
    unit: str
    role: str
    #: May view women's names, ID numbers and phones in clear (with a reason, audited).
    reveals_personal: bool = False


#: (user name, full name, org unit name or code, role, reveals personal data); ``admin`` is created first
#: (it is the actor).
LOGINS: tuple[Login, ...] = (
    Login(ADMIN_USERNAME, "演示系统管理员", "630000", Role.SYSTEM_ADMIN),
    Login("fujian", "福建省援疆医疗队（演示）", "350000", Role.PROGRAMME_OFFICE),
    Login("changji", "昌吉州卫健委（演示）", "昌吉州卫生健康委员会", Role.PROGRAMME_OFFICE),
    Login("qinghai", "青海省组团式帮扶办（演示）", "630000", Role.PROGRAMME_OFFICE),
    Login("qitai", "奇台县妇幼保健院数据员（演示）", "奇台县妇幼保健院", Role.DATA_CLERK, reveals_personal=True),
    Login("baoji", "宝鸡市妇幼保健院数据员（演示）", "宝鸡市妇幼保健院", Role.DATA_CLERK, reveals_personal=True),
    Login("baoji-city", "宝鸡市卫健委妇幼健康科（演示）", "宝鸡市卫生健康委员会", Role.VIEWER),
    Login("baoji-town", "眉县横渠镇中心卫生院公卫医生（演示）", "眉县横渠镇中心卫生院", Role.DATA_CLERK),
    Login("qitai-doctor", "奇台县总医院临床医生（演示）", "奇台县总医院人民医院院区", Role.DATA_CLERK),
    Login("fuqing-expert", "福清市医院会诊专家（演示）", "福清市医院", Role.EXPERT),
    Login("maqin-doctor", "玛沁县人民医院CT车数据员（演示）", "玛沁县人民医院", Role.DATA_CLERK),
    Login("shanghai_radiologist", "上海市第一人民医院影像科专家（演示）", "上海市第一人民医院", Role.EXPERT),
    Login("outsider", "海南省访客（演示）", "460000", Role.VIEWER),
)


def create_admin() -> User:
    """The demo administrator, the actor of every other demo write (Django admin site included)."""
    admin = LOGINS[0]
    user = user_create(actor=None, username=admin.username, password=DEMO_PASSWORD, full_name=admin.full_name)
    return user_set_site_admin(actor=user, user=user)


def build_logins(builder: DemoBuilder) -> None:
    for login in LOGINS:
        if login.username == ADMIN_USERNAME:
            user = builder.actor
        else:
            user = user_create(
                actor=builder.actor, username=login.username, password=DEMO_PASSWORD, full_name=login.full_name
            )
        membership_grant(
            actor=builder.actor,
            user=user,
            org_unit=builder.unit(login.unit),
            role=login.role,
            reveals_personal=login.reveals_personal,
        )
        builder.counts["users"] += 1
