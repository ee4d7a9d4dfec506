"""One woman's whole MCH file at Qitai MCH hospital (a record of every MCH kind) and the helpers the
page, API and access tests share: clients, record URLs, XLSX text, and the clear values that must never
show."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from rest_framework.test import APIClient

from conftest import World
from shanhai.accounts.models import User
from shanhai.maternal import services
from shanhai.maternal.identity import check_digit
from shanhai.maternal.models import (
    AntenatalVisit,
    Child,
    ChildCheck,
    Delivery,
    MaternalDeath,
    PostpartumVisit,
    Pregnancy,
    Referral,
    RiskAssessment,
    RiskCase,
    Woman,
)
from tests.maternal.factories import Places, grade, make_pregnancy, on_day

NAME, PHONE, CHILD_NAME = "李秀英", "13812345678", "王小明"
REASON = "电话通知产后访视"
LMP = date(2024, 1, 1)


def make_id(born: date, sequence: int) -> str:
    body = f"652325{born:%Y%m%d}{sequence:03d}"
    return body + check_digit(body)


ID_NUMBER = make_id(date(1992, 5, 17), 24)
CLEAR = [NAME, "秀英", ID_NUMBER, "19920517", "1992-05-17", PHONE, "小明"]


def at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour, 0))


@dataclass
class MchFile:
    """One woman's whole file at Qitai MCH hospital: one record of every MCH kind."""

    woman: Woman
    pregnancy: Pregnancy
    referral: Referral
    assessment: RiskAssessment
    case: RiskCase
    visit: AntenatalVisit
    delivery: Delivery
    postpartum: PostpartumVisit
    death: MaternalDeath
    child: Child
    check: ChildCheck

    def record_of(self, slug: str) -> Any:
        return {
            "women": self.woman,
            "pregnancies": self.pregnancy,
            "risk-assessments": self.assessment,
            "risk-cases": self.case,
            "referrals": self.referral,
            "antenatal-visits": self.visit,
            "deliveries": self.delivery,
            "maternal-deaths": self.death,
            "postpartum-visits": self.postpartum,
            "children": self.child,
            "child-checks": self.check,
        }[slug]


def build_file(world: World, places: Places) -> MchFile:
    woman = services.woman_create(
        actor=None,
        name=NAME,
        id_number=ID_NUMBER,
        residence=places.township,
        registered_at=world.qitai_mch,
        phone=PHONE,
    )
    pregnancy = make_pregnancy(woman=woman, registered_at=world.qitai_mch, lmp=LMP, registered_day=60)
    referral = services.referral_create(
        actor=None,
        pregnancy=pregnancy,
        from_unit=world.qitai_mch,
        to_unit=world.qitai_hospital,
        reason="筛查阳性，转上级医院评估",
        requested_at=at(on_day(pregnancy, 62)),
    )
    assessment = grade(pregnancy, world.qitai_hospital, ["orange.2.1", "yellow.1.6"], on=on_day(pregnancy, 70))
    visit = services.antenatal_visit_create(
        actor=None, pregnancy=pregnancy, visited_on=on_day(pregnancy, 84), institution=world.qitai_mch
    )
    delivered_on = on_day(pregnancy, 273)
    delivery = services.delivery_create(
        actor=None,
        pregnancy=pregnancy,
        delivered_on=delivered_on,
        place="facility",
        institution=world.qitai_hospital,
        live_births=1,
        discharged_on=on_day(pregnancy, 276),
    )
    postpartum = services.postpartum_visit_create(
        actor=None, pregnancy=pregnancy, visited_on=on_day(pregnancy, 280), institution=world.qitai_mch
    )
    child = services.child_create(
        actor=None,
        mother=pregnancy,
        name=CHILD_NAME,
        sex="male",
        birth_date=delivered_on,
        residence=places.township,
        registered_at=world.qitai_mch,
    )
    check = services.child_check_create(
        actor=None, child=child, kind="newborn_visit", checked_on=on_day(pregnancy, 279), institution=world.qitai_mch
    )
    death = services.maternal_death_create(
        actor=None, pregnancy=pregnancy, died_on=on_day(pregnancy, 290), cause="haemorrhage"
    )
    pregnancy.refresh_from_db()
    return MchFile(
        woman,
        pregnancy,
        referral,
        assessment,
        RiskCase.objects.get(pregnancy=pregnancy),
        visit,
        delivery,
        postpartum,
        death,
        child,
        check,
    )


def client_for(user: User) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def api_for(user: User) -> APIClient:
    api = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    api.force_authenticate(user)
    return api


def detail_url(slug: str, record: Any) -> str:
    return reverse("records:detail", kwargs={"kind": slug, "public_id": record.public_id})


def xlsx_text(content: bytes) -> str:
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    return "\n".join("\t".join("" if v is None else str(v) for v in row) for row in sheet.iter_rows(values_only=True))


def assert_masked(text: str) -> None:
    assert [value for value in CLEAR if value in text] == []


MCH_SLUGS = [
    "women",
    "pregnancies",
    "risk-assessments",
    "risk-cases",
    "referrals",
    "antenatal-visits",
    "deliveries",
    "maternal-deaths",
    "postpartum-visits",
    "children",
    "child-checks",
]
