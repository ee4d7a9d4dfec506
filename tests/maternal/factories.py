"""Building MCH records for tests through the real services: women with valid ID numbers, pregnancies
dated by gestation day, gradings whose colour the helper confirms, and whole delivered mothers."""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from shanhai.accounts.models import User
from shanhai.core.models import OrgUnit, OrgUnitKind
from shanhai.maternal import risk, services
from shanhai.maternal.identity import check_digit
from shanhai.maternal.models import (
    AssessmentKind,
    Child,
    Delivery,
    DeliveryPlace,
    PostpartumKind,
    Pregnancy,
    RiskAssessment,
    Woman,
)
from tests.core.factories import OrgUnitFactory

_sequence = itertools.count(1)
ASSESSOR = "李医生"


@dataclass
class Places:
    """MCH places added to the root ``world``: a township of Qitai with its health centre, a second
    county of Changji (Jimsar) with a 2B hospital, and hospitals that may not grade."""

    township: OrgUnit
    township_centre: OrgUnit
    jimsar: OrgUnit
    jimsar_hospital: OrgUnit
    grade_1_hospital: OrgUnit
    ungraded_hospital: OrgUnit


def mch_places(world: Any) -> Places:
    K = OrgUnitKind
    township = OrgUnitFactory(code="652325100", name="半截沟镇", kind=K.TOWNSHIP, parent=world.qitai)
    centre = OrgUnitFactory(code="H652325100", name="半截沟镇卫生院", kind=K.TOWNSHIP_HEALTH_CENTRE, parent=township)
    jimsar = OrgUnitFactory(code="652327", name="吉木萨尔县", kind=K.COUNTY, parent=world.changji)
    jimsar_hospital = OrgUnitFactory(
        code="H652327001", name="吉木萨尔县人民医院", kind=K.GENERAL_HOSPITAL, parent=jimsar, grade="2B"
    )
    grade_1 = OrgUnitFactory(
        code="H652325009", name="奇台县第二医院", kind=K.GENERAL_HOSPITAL, parent=world.qitai, grade="1A"
    )
    ungraded = OrgUnitFactory(
        code="H652325010", name="奇台县中医医院", kind=K.TCM_HOSPITAL, parent=world.qitai, grade="0"
    )
    return Places(township, centre, jimsar, jimsar_hospital, grade_1, ungraded)


def id_number(born: date = date(1995, 3, 1), *, region: str = "652325", sequence: int | None = None) -> str:
    """A valid 居民身份证 number (GB 11643 check digit) of a woman (even 17th digit) born on ``born``."""
    number = next(_sequence) if sequence is None else sequence
    body = f"{region}{born:%Y%m%d}{(number * 2) % 1000:03d}"
    return body + check_digit(body)


def make_woman(
    *,
    residence: OrgUnit,
    registered_at: OrgUnit,
    born: date = date(1995, 3, 1),
    name: str = "张秀英",
    phone: str = "",
    actor: User | None = None,
) -> Woman:
    return services.woman_create(
        actor=actor,
        name=name,
        id_number=id_number(born),
        residence=residence,
        registered_at=registered_at,
        phone=phone,
    )


def make_pregnancy(
    *,
    registered_at: OrgUnit,
    lmp: date,
    registered_day: int = 60,
    woman: Woman | None = None,
    residence: OrgUnit | None = None,
    actor: User | None = None,
    **values: Any,
) -> Pregnancy:
    """A pregnancy registered on gestation day ``registered_day`` (a new woman living at ``residence``
    unless ``woman`` is given)."""
    if woman is None:
        assert residence is not None, "a new woman needs a residence"
        woman = make_woman(residence=residence, registered_at=registered_at)
    return services.pregnancy_create(
        actor=actor,
        woman=woman,
        registered_on=lmp + timedelta(days=registered_day),
        registered_at=registered_at,
        last_menstrual_period_on=lmp,
        **values,
    )


def on_day(pregnancy: Pregnancy, day: int) -> date:
    """The date of gestation day ``day`` (day 0 = the last menstrual period)."""
    return pregnancy.last_menstrual_period_on + timedelta(days=day)


def add_visits(pregnancy: Pregnancy, institution: OrgUnit, days: Iterable[int], *, actor: User | None = None) -> None:
    for day in days:
        services.antenatal_visit_create(
            actor=actor, pregnancy=pregnancy, visited_on=on_day(pregnancy, day), institution=institution
        )


def grade(
    pregnancy: Pregnancy,
    institution: OrgUnit,
    codes: Iterable[str],
    *,
    on: date,
    kind: str = AssessmentKind.GRADING,
    actor: User | None = None,
) -> RiskAssessment:
    """A grading whose colour the assessor confirms as computed from ``codes``."""
    codes = list(codes)
    colour = risk.grade(risk.RiskCatalogue.load(), codes).colour.value
    return services.assessment_create(
        actor=actor,
        pregnancy=pregnancy,
        kind=kind,
        assessed_on=on,
        institution=institution,
        factor_codes=codes,
        confirmed_colour=colour,
        assessor_name=ASSESSOR,
    )


#: The five 基本公卫 contacts (domain.md §3.3) as gestation days: 12+0, 18+0, 22+0, 32+0, 38+0 weeks.
FIVE_VISITS = (84, 126, 154, 224, 266)


def make_mother(
    *,
    residence: OrgUnit,
    institution: OrgUnit,
    lmp: date,
    registered_day: int = 60,
    visit_days: Iterable[int] = FIVE_VISITS,
    delivered_day: int | None = 273,
    live_births: int = 1,
    stillbirths: int = 0,
    place: str = DeliveryPlace.FACILITY,
    delivered_at: OrgUnit | None = None,
    is_modern_method: bool = True,
    discharged_after: int | None = 3,
    postpartum_after: Iterable[int] = (5,),
    gradings: Iterable[tuple[int, Iterable[str]]] = (),
    grading_at: OrgUnit | None = None,
    woman: Woman | None = None,
    actor: User | None = None,
) -> Pregnancy:
    """A whole pregnancy: registration, gradings ``(gestation day, factor codes)`` at ``grading_at``,
    antenatal visits on ``visit_days``, a delivery on ``delivered_day`` (none if None) at
    ``delivered_at`` (default ``institution``; none for a home delivery), discharge ``discharged_after``
    days later and postpartum home visits ``postpartum_after`` days after discharge (or delivery)."""
    pregnancy = make_pregnancy(
        registered_at=institution,
        lmp=lmp,
        registered_day=registered_day,
        woman=woman,
        residence=residence,
        actor=actor,
    )
    for day, codes in gradings:
        grade(pregnancy, grading_at or institution, codes, on=on_day(pregnancy, day), actor=actor)
    add_visits(pregnancy, institution, visit_days, actor=actor)
    if delivered_day is None:
        return pregnancy
    delivered_on = on_day(pregnancy, delivered_day)
    facility = place == DeliveryPlace.FACILITY
    delivery: Delivery = services.delivery_create(
        actor=actor,
        pregnancy=pregnancy,
        delivered_on=delivered_on,
        place=place,
        institution=(delivered_at or institution) if facility else None,
        live_births=live_births,
        stillbirths=stillbirths,
        is_modern_method=is_modern_method,
        discharged_on=delivered_on + timedelta(days=discharged_after) if discharged_after is not None else None,
    )
    start = delivery.discharged_on or delivered_on
    for after in postpartum_after:
        services.postpartum_visit_create(
            actor=actor,
            pregnancy=pregnancy,
            visited_on=start + timedelta(days=after),
            institution=institution,
            kind=PostpartumKind.VISIT,
        )
    pregnancy.refresh_from_db()
    return pregnancy


def make_child(
    *,
    residence: OrgUnit,
    registered_at: OrgUnit,
    born: date,
    mother: Pregnancy | None = None,
    actor: User | None = None,
    **values: Any,
) -> Child:
    return services.child_create(
        actor=actor,
        mother=mother,
        name="王小明",
        sex="male",
        birth_date=born,
        residence=residence,
        registered_at=registered_at,
        **values,
    )
