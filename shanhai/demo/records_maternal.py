"""Demo MCH records (issue 5): S4 Baoji's MCH year city-wide at record level, and S1 Qitai's women.

- **S4 · Baoji, MCH year ``2021Oct``** (1 October 2021 – 30 September 2022, the report's "2022"): every
  Baoji resident who delivered in the year — registration (建册) at one of the 37 midwifery
  institutions, screening, grading at a level-2+ institution (after a referral when a township centre
  screened positive), 专案, antenatal visits on the five-contact schedule, delivery, postpartum visit and
  42-day check, the children with newborn screening and health checks — and pregnancies that ended
  without delivery. Thousands of pregnancies, so they go through ``maternal.bulk`` (the services'
  rules, one audit entry) together with **today's** pregnancies: ongoing ones (the worklist's content)
  and a few just delivered. A handful more go through the services (screening → referral → grading →
  专案 reported).
- **S1 · Qitai**: women living in Qitai's townships, registered at 奇台县妇幼保健院 or a township health
  centre, all through the services: ongoing pregnancies with visits due and overdue, high-risk cases
  (one report overdue), a referral in progress, recent deliveries, one miscarriage.

The counts below are chosen so that the engine gives the report's three figures for Baoji (610300) and
``2021Oct``; the figures themselves are only in the records (``tests/test_mch_demo.py`` checks them).
Everything random comes from an RNG seeded from the builder's, so a seed gives the same women; the
"today" pregnancies move with the date, the 2021Oct cohort does not.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from itertools import pairwise

from django.utils import timezone

from shanhai.core.models import OrgUnit, OrgUnitKind
from shanhai.demo.builder import DemoBuilder
from shanhai.demo.people import GIVEN_EITHER, GIVEN_FEMALE, GIVEN_MALE, PHONE_PREFIXES, SURNAMES
from shanhai.demo.regions import BAOJI_TOWNSHIPS, QITAI_TOWNSHIPS
from shanhai.demo.scenarios import BAOJI_COUNTIES, BAOJI_URBAN
from shanhai.maternal import bulk, risk, services
from shanhai.maternal.identity import check_digit
from shanhai.maternal.models import (
    AntenatalVisit,
    AssessmentKind,
    CaseStatus,
    Child,
    ChildCheck,
    ChildCheckKind,
    Colour,
    DeathCause,
    Delivery,
    DeliveryMode,
    DeliveryPlace,
    EndReason,
    MaternalDeath,
    PostpartumKind,
    PostpartumVisit,
    Pregnancy,
    PregnancyStatus,
    Referral,
    ReferralStatus,
    RiskAssessment,
    RiskCase,
    Sex,
    Woman,
)
from shanhai.maternal.rules import can_grade, catalogue_for, noon

# --- S4 · the counts behind Baoji's 2021Oct figures -----------------------------------------------------------
S4_PERIOD = "2021Oct"
S4_START, S4_END = date(2021, 10, 1), date(2022, 9, 30)
S4_TWIN_DELIVERIES = 45
#: Deliveries of a stillbirth only (a woman delivered, no live birth).
S4_STILLBIRTH_DELIVERIES = 12
#: Live births of Baoji residents in the year: the denominator of 早孕建册率 and 产后访视率.
S4_LIVE_BIRTHS = 4130
#: Women resident in Baoji who delivered in the year (产妇): live births − twins + stillbirth-only deliveries.
S4_MOTHERS = S4_LIVE_BIRTHS - S4_TWIN_DELIVERIES + S4_STILLBIRTH_DELIVERIES
#: Registered and first examined before 13 weeks; the other 50 registered later.
S4_EARLY_REGISTERED = 4047
#: Visited within 28 days of discharge; of the other 21, 12 moved away unvisited, 8 were visited late, 1 died.
S4_POSTPARTUM_VISITED = 4076
S4_NOT_VISITED, S4_VISITED_LATE = 12, 8
#: Every high-risk woman is followed up after her grading and every orange, red or purple one has a 专案.
S4_MATERNAL_DEATHS = 1
#: Children of the cohort who died (first day, last day after birth, how many): in the first 28 days,
#: later in the first year, aged 1–4 (2022 national rates: 3.1‰, 4.9‰, 6.8‰; deaths after
#: 30 September 2022 fall in later years).
S4_CHILD_DEATHS = ((0, 26, 12), (30, 330, 8), (400, 1400, 7))
S4_HOME_DELIVERIES, S4_EN_ROUTE_DELIVERIES = 6, 4
S4_ENDED_WITHOUT_DELIVERY = 110
#: Today's pregnancies (bulk): ongoing, delivered in the last weeks, ended in the last months.
S4_ONGOING, S4_RECENTLY_DELIVERED, S4_RECENTLY_ENDED = 240, 30, 8
#: Of today's 专案, how many are still unreported past their deadline.
S4_OVERDUE_REPORTS = 2

#: Share of the city's births by district or county (illustrative, roughly by population).
S4_BIRTH_SHARES = {
    "610302": 13,
    "610303": 12,
    "610304": 15,
    "610305": 12,
    "610323": 11,
    "610324": 10,
    "610326": 8,
    "610327": 6,
    "610328": 3,
    "610329": 2,
    "610330": 2,
    "610331": 1,
}
CITY_MCH, CITY_CENTRAL = "宝鸡市妇幼保健院", "宝鸡市中心医院"
CITY_HOSPITALS = (CITY_MCH, CITY_CENTRAL, "宝鸡市人民医院", "宝鸡市第三人民医院")
S4_BULK_NOTE = "宝鸡市妇幼健康演示数据：2021年10月—2022年9月妇幼年度全市孕产妇及其子女，以及当前在孕孕产妇"

# --- the women's risk factors (codes of the national 2017 catalogue) -----------------------------------------------
COLOUR_MIX = ((Colour.GREEN, 0.70), (Colour.YELLOW, 0.205), (Colour.ORANGE, 0.062), (Colour.RED, 0.033))
PURPLE_SHARE = 0.012
YELLOW_FACTORS = (
    "yellow.1.2",
    "yellow.1.5",
    "yellow.1.6",
    "yellow.1.7",
    "yellow.1.9",
    "yellow.2.3",
    "yellow.2.5",
    "yellow.2.6.2",
    "yellow.3.hypertensive_disorder_mild",
    "yellow.3.intrahepatic_cholestasis",
    "yellow.3.threatened_preterm_labour",
    "yellow.3.polyhydramnios",
    "yellow.3.fetal_growth_restriction",
)
ORANGE_FACTORS = ("orange.1.bmi_28", "orange.2.2", "orange.2.5", "orange.2.6", "orange.3.3", "orange.3.5", "orange.3.7")
RED_FACTORS = (
    "red.obstetric.pernicious_placenta_praevia",
    "red.cardiovascular.severe_hypertension",
    "red.blood.severe_thrombocytopenia",
    "red.cardiovascular.cardiac_function_3_4",
    "red.obstetric.placental_abruption",
    "red.other.active_immune_disease",
)
PURPLE_FACTORS = ("purple.viral_hepatitis", "purple.viral_hepatitis", "purple.syphilis", "purple.tuberculosis")
AGE_35, AGE_40, TWINS, PRAEVIA = "yellow.1.1", "orange.1.age_40", "yellow.3.twin_pregnancy", RED_FACTORS[0]
#: The screening item (附件1) that already shows a grading factor at registration.
SCREENING_FOR = {
    AGE_35: "screening.1.1",
    AGE_40: "screening.1.1",
    "yellow.1.2": "screening.1.3",
    "orange.1.bmi_28": "screening.1.3",
    "yellow.1.5": "screening.2.4",
    "yellow.1.6": "screening.2.2",
    "orange.3.5": "screening.2.2",
    "orange.3.3": "screening.3.5",
    "yellow.1.7": "screening.3.2",
    "yellow.1.9": "screening.2.5",
    TWINS: "screening.2.5",
    "yellow.2.6.2": "screening.6.1",
    "orange.2.6": "screening.6.1",
    "yellow.2.5": "screening.6.6",
    "orange.2.5": "screening.6.6",
    "purple.syphilis": "screening.6.3",
    "red.cardiovascular.cardiac_function_3_4": "screening.5.1",
    "red.other.active_immune_disease": "screening.5.1",
}
GENERIC_SCREENING = ("screening.2.1", "screening.5.4", "screening.7.1", "screening.4.2")
#: Complications found at a re-grading in late pregnancy.
LATE_YELLOW = (
    "yellow.3.hypertensive_disorder_mild",
    "yellow.3.intrahepatic_cholestasis",
    "yellow.3.fetal_growth_restriction",
)
LATE_ORANGE = "orange.3.7"
REFERRAL_REASON = "妊娠风险筛查阳性，转诊至二级以上助产机构进行妊娠风险评估分级"

#: Extra antenatal visits in late pregnancy by colour (high-risk women are seen more often, domain.md §3.3).
EXTRA_VISITS: dict[str, int] = {Colour.YELLOW: 1, Colour.ORANGE: 2, Colour.RED: 3}
#: The four antenatal contacts after the first, in days of gestation (基本公卫 第三版; rules.antenatal_schedule).
#: The 28–36-week contact is split in two (late pregnancy is seen every two to four weeks in practice).
LATER_CONTACTS = ((112, 146), (147, 174), (196, 223), (224, 252), (259, 286))
#: Child health checks to five years (kind, age in days), each as it falls due until today.
CHILD_CHECKS = (
    (ChildCheckKind.MONTH_1, 30),
    (ChildCheckKind.MONTH_3, 91),
    (ChildCheckKind.MONTH_6, 182),
    (ChildCheckKind.MONTH_8, 243),
    (ChildCheckKind.MONTH_12, 365),
    (ChildCheckKind.MONTH_18, 547),
    (ChildCheckKind.MONTH_24, 730),
    (ChildCheckKind.MONTH_30, 912),
    (ChildCheckKind.MONTH_36, 1095),
    (ChildCheckKind.YEAR_4, 1461),
    (ChildCheckKind.YEAR_5, 1826),
)
#: Median weight (kg) and length (cm) by age in days, for plausible check values.
GROWTH = (
    (0, 3.3, 50.0),
    (30, 4.4, 54.5),
    (91, 6.2, 61.0),
    (182, 7.7, 66.5),
    (243, 8.4, 70.0),
    (365, 9.4, 75.0),
    (547, 10.7, 81.0),
    (730, 12.0, 86.5),
    (912, 13.1, 91.0),
    (1095, 14.2, 95.5),
    (1461, 16.1, 102.5),
    (1826, 18.2, 109.5),
)


def _growth(days: int) -> tuple[float, float]:
    for (d0, w0, l0), (d1, w1, l1) in pairwise(GROWTH):
        if days <= d1:
            share = max(days - d0, 0) / (d1 - d0)
            return w0 + (w1 - w0) * share, l0 + (l1 - l0) * share
    return GROWTH[-1][1], GROWTH[-1][2]


class Names:
    """Seeded women's and children's names, valid ID numbers and phones (the MCH demo's own RNG)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self._ids: set[str] = set()
        self._doctors: dict[int, list[str]] = {}

    def name(self, *, female: bool = True, surname: str | None = None) -> str:
        rng = self.rng
        pool = (GIVEN_FEMALE if female else GIVEN_MALE) + GIVEN_EITHER
        first = rng.choice(pool)
        given = first + (rng.choice([c for c in pool if c != first]) if rng.random() < 0.75 else "")
        return (surname or rng.choice(SURNAMES)) + given

    def id_number(self, county: str, born: date) -> str:
        """A valid 居民身份证 number (GB 11643 check digit) of a woman born in ``county`` (even sequence)."""
        while True:
            first = f"{county}{born:%Y%m%d}{self.rng.randrange(500) * 2:03d}"
            if first not in self._ids:
                self._ids.add(first)
                return first + check_digit(first)

    def phone(self) -> str:
        return self.rng.choice(PHONE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"

    def doctor(self, unit: OrgUnit) -> str:
        """One of the unit's three obstetricians (assessors, case managers)."""
        if unit.pk not in self._doctors:
            self._doctors[unit.pk] = [self.name() for _ in range(3)]
        return self.rng.choice(self._doctors[unit.pk])

    def born(self, lmp: date, youngest: int, oldest: int) -> date:
        """A date of birth making her ``youngest``–``oldest`` years old at her last menstrual period."""
        return lmp - timedelta(days=self.rng.randint(youngest * 365 + 1, oldest * 365 + 360))


# --- S4 · Baoji, in bulk ---------------------------------------------------------------------------------------------
@dataclass
class Area:
    """A street or town of Baoji and the institutions its women use."""

    township: OrgUnit
    county: str
    registers: list[OrgUnit]
    graders: list[OrgUnit]
    deliveries: list[OrgUnit]
    #: Postpartum visits and child checks: the community or township centre, else the county MCH hospital.
    primary: OrgUnit


@dataclass
class Plan:
    """What happens to one pregnancy, in days from the last menstrual period; drawn first, then recorded."""

    area: Area
    lmp: date
    registration_day: int
    colour: str = Colour.GREEN
    purple: bool = False
    delivery_day: int | None = None
    ended_day: int | None = None
    twins: bool = False
    stillbirth: bool = False
    place: str = DeliveryPlace.FACILITY
    other_county: bool = False
    #: "visited" within the window, "late" (after it), "none"; ignored for a maternal death.
    postpartum: str = "visited"
    dies: bool = False
    #: Days after birth that the (first) child dies, if it does.
    child_dies: int | None = None
    skip_chance: float = 0.07
    factors: list[str] = field(default_factory=list)
    regrade: list[str] = field(default_factory=list)


def baoji_areas(builder: DemoBuilder) -> list[Area]:
    """Every street and town of Baoji with where its women register, are graded, deliver and are visited."""
    b = builder
    city = [b.unit(name) for name in CITY_HOSPITALS]
    areas: list[Area] = []
    for code, county in BAOJI_COUNTIES:
        mch = b.unit(f"{county}妇幼保健计划生育服务中心" if county.endswith("区") else f"{county}妇幼保健院")
        county_level = [mch] if code in BAOJI_URBAN else [mch, b.unit(f"{county}人民医院")]
        for region in BAOJI_TOWNSHIPS[code]:
            centre = b.units.get(f"{county}{region.name}中心卫生院")
            community = b.units.get(f"{county}{region.name}社区卫生服务中心")
            local = [centre] * 4 if centre else []
            if code in BAOJI_URBAN:
                registers, graders, deliveries = [mch, mch, *city, *local], [mch, *city[:3]], [mch, mch, *city]
            else:
                registers = [*county_level, *county_level, *local]
                graders = county_level
                deliveries = [*county_level, *county_level, *county_level, city[0], *([centre] if centre else [])]
            areas.append(
                Area(
                    township=b.unit(region.code),
                    county=code,
                    registers=registers,
                    graders=graders,
                    deliveries=deliveries,
                    primary=community or centre or mch,
                )
            )
    return areas


class BaojiMch:
    """Draws the plans of S4's pregnancies and turns them into one ``maternal.bulk`` batch."""

    def __init__(self, builder: DemoBuilder, names: Names, today: date) -> None:
        self.b = builder
        self.names = names
        self.rng = names.rng
        self.today = today
        self.batch = bulk.MaternalBatch()
        self.areas = baoji_areas(builder)
        self._by_county: dict[str, list[Area]] = {}
        for area in self.areas:
            self._by_county.setdefault(area.county, []).append(area)
        self._plans: dict[int, Plan] = {}

    # --- drawing ----------------------------------------------------------------------------------
    def area(self) -> Area:
        county = self.rng.choices(list(S4_BIRTH_SHARES), weights=list(S4_BIRTH_SHARES.values()))[0]
        return self.rng.choice(self._by_county[county])

    def colour(self) -> tuple[str, bool]:
        roll, total = self.rng.random(), 0.0
        for colour, share in COLOUR_MIX:
            total += share
            if roll < total:
                return colour, self.rng.random() < PURPLE_SHARE
        return Colour.GREEN, self.rng.random() < PURPLE_SHARE

    def plan_year(self) -> None:
        """The 2021Oct cohort: exactly the counts above, the rest drawn."""
        rng = self.rng
        mothers = list(range(S4_MOTHERS))
        roles = rng.sample(mothers, S4_TWIN_DELIVERIES + S4_STILLBIRTH_DELIVERIES + 1 + 10)
        twins = set(roles[:S4_TWIN_DELIVERIES])
        stillbirths = set(roles[S4_TWIN_DELIVERIES : S4_TWIN_DELIVERIES + S4_STILLBIRTH_DELIVERIES])
        death = roles[S4_TWIN_DELIVERIES + S4_STILLBIRTH_DELIVERIES]
        outside = roles[-10:]
        home, en_route = set(outside[:S4_HOME_DELIVERIES]), set(outside[S4_HOME_DELIVERIES:])
        late_registered = set(rng.sample(mothers, S4_MOTHERS - S4_EARLY_REGISTERED))
        unvisited = rng.sample([m for m in mothers if m != death], S4_NOT_VISITED + S4_VISITED_LATE)
        postpartum = dict.fromkeys(unvisited[:S4_NOT_VISITED], "none") | dict.fromkeys(
            unvisited[S4_NOT_VISITED:], "late"
        )
        born_alive = [m for m in mothers if m not in stillbirths and m != death]
        dying = iter(rng.sample(born_alive, sum(count for _first, _last, count in S4_CHILD_DEATHS)))
        child_dies = {next(dying): (first, last) for first, last, count in S4_CHILD_DEATHS for _ in range(count)}
        days = (S4_END - S4_START).days + 1
        for mother in mothers:
            delivered_on = S4_START + timedelta(days=rng.randrange(days))
            if mother in twins:
                length = rng.randint(238, 268)
            else:
                length = rng.randint(240, 258) if rng.random() < 0.05 else rng.randint(259, 293)
            colour, purple = self.colour()
            if mother in twins and colour == Colour.GREEN:
                colour = Colour.YELLOW
            if mother in home or mother in en_route:
                colour, purple = Colour.GREEN, False
            plan = Plan(
                area=self.area(),
                lmp=delivered_on - timedelta(days=length),
                registration_day=rng.randint(92, 170) if mother in late_registered else rng.randint(42, 88),
                colour=Colour.RED if mother == death else colour,
                purple=purple and mother != death,
                delivery_day=length,
                twins=mother in twins,
                stillbirth=mother in stillbirths,
                place=DeliveryPlace.HOME
                if mother in home
                else DeliveryPlace.EN_ROUTE
                if mother in en_route
                else DeliveryPlace.FACILITY,
                other_county=rng.random() < 0.02,
                postpartum=postpartum.get(mother, "visited"),
                dies=mother == death,
                child_dies=rng.randint(*child_dies[mother]) if mother in child_dies else None,
            )
            self.add(plan)
        for _ in range(S4_ENDED_WITHOUT_DELIVERY):
            registration = rng.randint(42, 88)
            colour, purple = self.colour()
            self.add(
                Plan(
                    area=self.area(),
                    lmp=date(2021, 1, 1) + timedelta(days=rng.randrange(540)),
                    registration_day=registration,
                    colour=colour,
                    purple=purple,
                    ended_day=registration + rng.randint(5, 70),
                )
            )

    def plan_today(self) -> None:
        """Pregnancies of today: ongoing at every stage, just delivered, just ended."""
        rng, today = self.rng, self.today
        for _ in range(S4_ONGOING):
            length = rng.randint(45, 285)
            colour, purple = self.colour()
            late = rng.random() < 0.03 and length > 100
            self.add(
                Plan(
                    area=self.area(),
                    lmp=today - timedelta(days=length),
                    registration_day=rng.randint(92, min(length, 150)) if late else rng.randint(40, min(length, 88)),
                    colour=colour,
                    purple=purple,
                    skip_chance=0.18,
                )
            )
        for _ in range(S4_RECENTLY_DELIVERED):
            length = rng.randint(290, 320)
            colour, purple = self.colour()
            self.add(
                Plan(
                    area=self.area(),
                    lmp=today - timedelta(days=length),
                    registration_day=rng.randint(45, 88),
                    colour=colour,
                    purple=purple,
                    delivery_day=rng.randint(262, min(length - 2, 290)),
                    postpartum="visited" if rng.random() < 0.7 else "none",
                )
            )
        for _ in range(S4_RECENTLY_ENDED):
            length = rng.randint(70, 160)
            registration = rng.randint(42, 60)
            self.add(
                Plan(
                    area=self.area(),
                    lmp=today - timedelta(days=length),
                    registration_day=registration,
                    ended_day=rng.randint(registration + 3, length - 1),
                )
            )

    # --- recording ------------------------------------------------------------------------------------
    def factors(self, plan: Plan) -> tuple[int, int]:
        """Set the plan's grading factors (and a re-grading for some); return the age range they go with."""
        rng = self.rng
        factors: list[str] = [TWINS] if plan.twins else []
        ages = (21, 33)
        if plan.colour == Colour.YELLOW and (not factors or rng.random() < 0.3):
            if rng.random() < 0.3:
                factors.append(AGE_35)
                ages = (35, 38)
            else:
                factors.append(rng.choice(YELLOW_FACTORS))
        elif plan.colour == Colour.ORANGE:
            if rng.random() < 0.25:
                factors.append(AGE_40)
                ages = (40, 43)
            else:
                factors.append(rng.choice(ORANGE_FACTORS))
        elif plan.colour == Colour.RED:
            factors.append(PRAEVIA if plan.dies else rng.choice(RED_FACTORS))
            ages = (24, 36)
        purple = [rng.choice(PURPLE_FACTORS)] if plan.purple else []
        plan.factors = factors + purple
        roll = rng.random()
        if plan.colour == Colour.GREEN and roll < 0.04:
            plan.regrade = [rng.choice(LATE_YELLOW), *purple]
        elif plan.colour == Colour.YELLOW and roll < 0.06:
            plan.regrade = [*plan.factors, LATE_ORANGE]
        elif plan.colour == Colour.RED and roll < 0.15 and not plan.dies:
            plan.regrade = [*factors[:-1], rng.choice(YELLOW_FACTORS), *purple]  # treated: the colour goes down
        return ages

    def add(self, plan: Plan) -> None:
        rng, names = self.rng, self.names
        born = names.born(plan.lmp, *self.factors(plan))
        registered_at = rng.choice(plan.area.registers)
        woman = Woman(
            name=names.name(),
            id_number=names.id_number(plan.area.county, born),
            birth_date=born,
            phone=names.phone(),
            residence=plan.area.township,
            registered_at=registered_at,
        )
        parity = rng.choices((0, 1, 2), weights=(52, 43, 5))[0]
        pregnancy = Pregnancy(
            woman=woman,
            registered_on=plan.lmp + timedelta(days=plan.registration_day),
            registered_at=registered_at,
            last_menstrual_period_on=plan.lmp,
            gravidity=parity + 1 + (rng.random() < 0.2),
            parity=parity,
        )
        if plan.ended_day is not None:
            pregnancy.status = PregnancyStatus.ENDED
            pregnancy.ended_on = plan.lmp + timedelta(days=plan.ended_day)
            pregnancy.end_reason = rng.choices(
                (EndReason.MISCARRIAGE, EndReason.INDUCED, EndReason.ECTOPIC), (6, 3, 1)
            )[0]
        self.batch.women.append(woman)
        self.batch.pregnancies.append(pregnancy)
        self._plans[id(pregnancy)] = plan
        self.antenatal(pregnancy, plan, registered_at)
        if plan.delivery_day is not None:
            self.delivery(pregnancy, plan)

    def antenatal(self, pregnancy: Pregnancy, plan: Plan, registered_at: OrgUnit) -> None:
        """Screening at registration; grading at a level-2+ institution on a visit day (right after a
        referral when a township centre screened positive); the five contacts, more for high risk."""
        rng = self.rng
        end = plan.delivery_day if plan.delivery_day is not None else plan.ended_day
        last = end if end is not None else (self.today - plan.lmp).days + 1  # visits before this day
        items = list(dict.fromkeys(SCREENING_FOR[f] for f in plan.factors if f in SCREENING_FOR))
        risky = plan.colour != Colour.GREEN or plan.purple
        if not items and rng.random() < (0.5 if risky else 0.08):
            items = [rng.choice(GENERIC_SCREENING)]
        self.assessment(pregnancy, AssessmentKind.SCREENING, plan.registration_day, registered_at, items)
        visits: list[tuple[int, OrgUnit]] = [(plan.registration_day, registered_at)]
        grader = registered_at if can_grade(registered_at) else rng.choice(plan.area.graders)
        graded_on = plan.registration_day if grader is registered_at else None
        if graded_on is None and items and plan.registration_day + 3 < last:
            arrived = min(plan.registration_day + rng.randint(3, 10), last - 1)
            self.referral(pregnancy, plan, registered_at, grader, arrived)
            visits.append((arrived, grader))
            graded_on = arrived
        skipped = rng.randrange(len(LATER_CONTACTS)) if rng.random() < plan.skip_chance else -1
        for index, (first, final) in enumerate(LATER_CONTACTS):
            first = max(first, visits[-1][0] + 14)
            if first > final or index == skipped:
                continue
            day = rng.randint(first, final)
            if day >= last:
                break
            unit = grader if index >= 2 or rng.random() < 0.8 else registered_at
            visits.append((day, unit))
            if graded_on is None and unit is grader:
                graded_on = day
        for _ in range(EXTRA_VISITS.get(plan.colour, 0)):
            day = visits[-1][0] + rng.randint(10, 16)
            if day >= last or day < 196:
                break
            visits.append((day, grader))
        self.batch.antenatal_visits += [
            AntenatalVisit(pregnancy=pregnancy, visited_on=plan.lmp + timedelta(days=day), institution=unit)
            for day, unit in visits
        ]
        if graded_on is None:
            return  # not (yet) seen at a level-2+ institution
        self.assessment(pregnancy, AssessmentKind.GRADING, graded_on, grader, plan.factors)
        late = [day for day, unit in visits if unit is grader and 196 <= day <= 258 and day > graded_on]
        if plan.regrade and late:
            self.assessment(pregnancy, AssessmentKind.GRADING, late[0], grader, plan.regrade)

    def assessment(self, pregnancy: Pregnancy, kind: str, day: int, unit: OrgUnit, codes: list[str]) -> None:
        self.batch.assessments.append(
            RiskAssessment(
                pregnancy=pregnancy,
                kind=kind,
                assessed_on=pregnancy.last_menstrual_period_on + timedelta(days=day),
                institution=unit,
                assessor_name=self.names.doctor(unit),
                factor_codes=codes,
            )
        )

    def referral(self, pregnancy: Pregnancy, plan: Plan, from_unit: OrgUnit, to_unit: OrgUnit, arrived: int) -> None:
        """Township centre → level-2+ institution: arrived and graded; low risk referred back the next day."""
        now = timezone.now()
        requested = noon(pregnancy.registered_on) + timedelta(hours=self.rng.randint(1, 4))
        accepted = requested + timedelta(hours=self.rng.randint(1, 6))
        arrived_at = min(max(noon(plan.lmp + timedelta(days=arrived)), accepted + timedelta(hours=1)), now)
        returned_at = arrived_at + timedelta(days=1)
        back = plan.colour in (Colour.GREEN, Colour.YELLOW) and not plan.purple and returned_at <= now
        self.batch.referrals.append(
            Referral(
                pregnancy=pregnancy,
                from_unit=from_unit,
                to_unit=to_unit,
                reason=REFERRAL_REASON,
                status=ReferralStatus.RETURNED if back else ReferralStatus.ARRIVED,
                requested_at=requested,
                accepted_at=accepted,
                arrived_at=arrived_at,
                returned_at=returned_at if back else None,
            )
        )

    def delivery(self, pregnancy: Pregnancy, plan: Plan) -> None:
        rng, area = self.rng, plan.area
        assert plan.delivery_day is not None
        delivered_on = plan.lmp + timedelta(days=plan.delivery_day)
        institution: OrgUnit | None = None
        mode = DeliveryMode.VAGINAL
        if plan.place == DeliveryPlace.FACILITY:
            if plan.colour == Colour.RED:
                institution = self.b.unit(rng.choice(CITY_HOSPITALS[:2]))
            elif plan.other_county:
                institution = rng.choice([a.deliveries[0] for a in self.areas if a.county != area.county])
            else:
                institution = rng.choice(area.deliveries)
            caesarean = 0.6 if plan.twins or plan.colour in (Colour.ORANGE, Colour.RED) else 0.37
            if institution.kind == OrgUnitKind.TOWNSHIP_HEALTH_CENTRE:
                caesarean = 0.0
            roll = rng.random()
            if roll < caesarean:
                mode = DeliveryMode.CAESAREAN
            elif roll < caesarean + 0.03:
                mode = DeliveryMode.ASSISTED
        stay = rng.randint(4, 6) if mode == DeliveryMode.CAESAREAN else rng.randint(1, 3)
        discharged = delivered_on + timedelta(days=stay) if institution and not plan.dies else None
        if discharged is not None and discharged > self.today:
            discharged = None
        live = 0 if plan.stillbirth else 2 if plan.twins else 1
        delivery = Delivery(
            pregnancy=pregnancy,
            delivered_on=delivered_on,
            place=plan.place,
            institution=institution,
            mode=mode,
            live_births=live,
            stillbirths=1 if plan.stillbirth else 0,
            is_modern_method=plan.place != DeliveryPlace.HOME,
            discharged_on=discharged,
        )
        self.batch.deliveries.append(delivery)
        if plan.dies:
            self.batch.deaths.append(
                MaternalDeath(
                    pregnancy=pregnancy,
                    died_on=delivered_on + timedelta(days=1),
                    cause=DeathCause.HAEMORRHAGE,
                    place=institution,
                    reported_on=delivered_on + timedelta(days=2),
                )
            )
        else:
            self.postpartum(pregnancy, plan, discharged or delivered_on, institution)
        for index in range(live):
            self.child(pregnancy, plan, delivery, dies=plan.child_dies if index == 0 else None)

    def postpartum(self, pregnancy: Pregnancy, plan: Plan, start: date, institution: OrgUnit | None) -> None:
        """The home visit (within a week of discharge for most) and the 42-day check (abnormal ones back
        at the delivery hospital)."""
        rng, area = self.rng, plan.area
        visit_on: date | None = None
        if plan.postpartum == "visited":
            visit_on = start + timedelta(days=rng.randint(1, 7) if rng.random() < 0.93 else rng.randint(8, 26))
        elif plan.postpartum == "late":
            visit_on = start + timedelta(days=rng.randint(30, 40))
        if visit_on is not None and visit_on <= self.today:
            self.batch.postpartum_visits.append(
                PostpartumVisit(
                    pregnancy=pregnancy, kind=PostpartumKind.VISIT, visited_on=visit_on, institution=area.primary
                )
            )
        check_on = plan.lmp + timedelta(days=(plan.delivery_day or 0) + rng.randint(42, 50))
        if plan.postpartum != "none" and check_on <= self.today and rng.random() < 0.95:
            abnormal = plan.colour in (Colour.ORANGE, Colour.RED) and institution is not None
            self.batch.postpartum_visits.append(
                PostpartumVisit(
                    pregnancy=pregnancy,
                    kind=PostpartumKind.CHECK_42,
                    visited_on=check_on,
                    institution=institution if abnormal and institution else area.primary,
                )
            )

    def child(self, pregnancy: Pregnancy, plan: Plan, delivery: Delivery, *, dies: int | None) -> None:
        """A live-born child: newborn screening (most), hearing screening, the checks until today or death."""
        rng, area, today = self.rng, plan.area, self.today
        born = delivery.delivered_on
        weeks = (plan.delivery_day or 280) // 7
        female = rng.random() < 0.48
        mean = 2400 if plan.twins else 3300 if weeks >= 37 else 1700 + (weeks - 30) * 150
        weight = max(900, min(4700, int(rng.gauss(mean, 380))))
        died = born + timedelta(days=dies) if dies is not None else None
        if died is not None and died > today:
            died = None
        screened = born + timedelta(days=rng.randint(3, 7))
        hearing = born + timedelta(days=rng.randint(2, 5))
        child = Child(
            mother=pregnancy,
            name=self.names.name(female=female, surname=pregnancy.woman.name[0] if rng.random() < 0.4 else None)
            if rng.random() < 0.95
            else None,
            sex=Sex.FEMALE if female else Sex.MALE,
            birth_date=born,
            birth_weight_grams=weight,
            gestation_weeks=weeks,
            residence=area.township,
            registered_at=delivery.institution or pregnancy.registered_at,
            newborn_screened_on=screened if rng.random() < 0.988 and screened <= today else None,
            hearing_screened_on=hearing if rng.random() < 0.975 and hearing <= today else None,
            died_on=died,
        )
        if died is not None and child.newborn_screened_on is not None and child.newborn_screened_on >= died:
            child.newborn_screened_on = None
        if died is not None and child.hearing_screened_on is not None and child.hearing_screened_on >= died:
            child.hearing_screened_on = None
        self.batch.children.append(child)
        start = delivery.discharged_on or born
        checks = [(ChildCheckKind.NEWBORN_VISIT, (start - born).days + rng.randint(1, 7))]
        checks += [(kind, days + rng.randint(-3, 12)) for kind, days in CHILD_CHECKS]
        missed = 0.02
        ratio = weight / 3300
        for kind, age in checks:
            on = born + timedelta(days=age)
            if on > today or (died is not None and on >= died):
                break
            if rng.random() < missed:
                missed += 0.02  # a child who misses one check is likelier to miss the next
                continue
            median_weight, median_length = _growth(age)
            catch_up = 1 + (ratio - 1) * max(0.0, 1 - age / 365)
            self.batch.child_checks.append(
                ChildCheck(
                    child=child,
                    kind=kind,
                    checked_on=on,
                    institution=area.primary,
                    weight_grams=int(median_weight * 1000 * catch_up * rng.gauss(1, 0.05)),
                    length_cm=Decimal(f"{median_length * rng.gauss(1, 0.02):.1f}"),
                )
            )

    # --- cases and the load ------------------------------------------------------------------------------
    def cases(self) -> None:
        """Open the 专案 by the rules, report them within the deadline (but for two of today's, now
        overdue) and close them 42 days after the pregnancy ends."""
        rng, now = self.rng, timezone.now()
        bulk.grade_assessments(self.batch.assessments)
        opened = bulk.open_cases(self.batch)
        ongoing = [
            key
            for key, case in opened.items()
            if self._plans[key].delivery_day is None
            and self._plans[key].ended_day is None
            and case.report_due_at < now
            and case.opened_at > now - timedelta(days=30)
        ]
        overdue = set(rng.sample(ongoing, min(S4_OVERDUE_REPORTS, len(ongoing))))
        for key, case in opened.items():
            plan = self._plans[key]
            if key not in overdue:
                hours = (case.report_due_at - case.opened_at).total_seconds() / 3600
                case.reported_at = min(case.opened_at + timedelta(hours=rng.uniform(1, hours - 1)), now)
            end = plan.delivery_day if plan.delivery_day is not None else plan.ended_day
            closing = plan.lmp + timedelta(days=end + 42 + rng.randint(0, 4)) if end is not None else None
            if closing is not None and closing < self.today and case.reported_at is not None:
                case.status, case.closed_at = CaseStatus.CLOSED, noon(closing)
                case.close_note = (
                    "孕产妇死亡，专案结案并上报死亡个案"
                    if plan.dies
                    else "产后42天健康检查无异常，专案结案"
                    if plan.delivery_day is not None
                    else "妊娠终止，专案结案"
                )

    def load(self) -> dict[str, int]:
        self.cases()
        return bulk.bulk_load(actor=self.b.actor, batch=self.batch, org_unit=self.b.unit("610300"), note=S4_BULK_NOTE)


# --- through the services: a handful in Baoji, Qitai's women -------------------------------------------------------
class ServiceStories:
    """Women recorded one write at a time through ``maternal.services``, as a clerk would."""

    def __init__(self, builder: DemoBuilder, names: Names, today: date) -> None:
        self.b = builder
        self.names = names
        self.rng = names.rng
        self.today = today

    @property
    def actor(self) -> object:
        return self.b.actor

    def register(
        self,
        *,
        township: str,
        county: str,
        at: str,
        weeks_ago: int,
        first_week: int,
        screening: Sequence[str] = (),
        ages: tuple[int, int] = (22, 33),
    ) -> Pregnancy:
        """A woman registered at ``at`` in week ``first_week`` of a pregnancy now ``weeks_ago`` weeks from its
        LMP: her record, the pregnancy, the screening and the first antenatal visit."""
        lmp = self.today - timedelta(days=weeks_ago * 7 + self.rng.randint(0, 6))
        unit = self.b.unit(at)
        born = self.names.born(lmp, *ages)
        woman = services.woman_create(
            actor=self.actor,
            name=self.names.name(),
            id_number=self.names.id_number(county, born),
            residence=self.b.unit(township),
            registered_at=unit,
            phone=self.names.phone(),
        )
        registered_on = min(lmp + timedelta(days=first_week * 7 + 2), self.today)
        pregnancy = services.pregnancy_create(
            actor=self.actor,
            woman=woman,
            registered_on=registered_on,
            registered_at=unit,
            last_menstrual_period_on=lmp,
            gravidity=self.rng.randint(1, 3),
            parity=0,
        )
        services.assessment_create(
            actor=self.actor,
            pregnancy=pregnancy,
            kind=AssessmentKind.SCREENING,
            assessed_on=registered_on,
            institution=unit,
            factor_codes=list(screening),
            assessor_name=self.names.doctor(unit),
        )
        services.antenatal_visit_create(
            actor=self.actor, pregnancy=pregnancy, visited_on=registered_on, institution=unit
        )
        return pregnancy

    def day(self, pregnancy: Pregnancy, week: int) -> date:
        return min(pregnancy.last_menstrual_period_on + timedelta(days=week * 7 + 2), self.today)

    def visits(self, pregnancy: Pregnancy, at: str, weeks: Sequence[int]) -> None:
        for week in weeks:
            services.antenatal_visit_create(
                actor=self.actor, pregnancy=pregnancy, visited_on=self.day(pregnancy, week), institution=self.b.unit(at)
            )

    def grade(self, pregnancy: Pregnancy, at: str, week: int, factors: Sequence[str], *, report: bool = True) -> None:
        """A grading on a visit day; an orange, red or purple one opens the 专案, reported some hours later."""
        unit = self.b.unit(at)
        services.assessment_create(
            actor=self.actor,
            pregnancy=pregnancy,
            kind=AssessmentKind.GRADING,
            assessed_on=self.day(pregnancy, week),
            institution=unit,
            factor_codes=list(factors),
            confirmed_colour=risk.grade(catalogue_for(unit), factors).colour.value,
            assessor_name=self.names.doctor(unit),
        )
        case = RiskCase.objects.filter(pregnancy=pregnancy).first()
        if case is not None and report and case.reported_at is None:
            reported = min(case.opened_at + timedelta(hours=self.rng.randint(3, 20)), timezone.now())
            services.case_update(actor=self.actor, record=case, reported_at=reported)

    def refer(self, pregnancy: Pregnancy, to: str, *, accepted: bool = True, arrived_week: int | None = None) -> None:
        """A referral from the registering centre, accepted (or still requested), arrived in ``arrived_week``."""
        requested = min(noon(pregnancy.registered_on), timezone.now() - timedelta(hours=6))
        referral = services.referral_create(
            actor=self.actor,
            pregnancy=pregnancy,
            from_unit=pregnancy.registered_at,
            to_unit=self.b.unit(to),
            reason=REFERRAL_REASON,
            requested_at=requested,
        )
        if not accepted:
            return
        referral = services.referral_move(
            actor=self.actor, record=referral, status=ReferralStatus.ACCEPTED, at=requested + timedelta(hours=3)
        )
        if arrived_week is None:
            return
        services.referral_move(
            actor=self.actor,
            record=referral,
            status=ReferralStatus.ARRIVED,
            at=min(max(noon(self.day(pregnancy, arrived_week)), requested + timedelta(hours=4)), timezone.now()),
        )

    def deliver(
        self, pregnancy: Pregnancy, *, at: str, days_ago: int, mode: str, visited: bool, checks: Sequence[str] = ()
    ) -> None:
        """A delivery ``days_ago`` days ago, the postpartum visit and 42-day check when due, the child."""
        unit = self.b.unit(at)
        delivered_on = self.today - timedelta(days=days_ago)
        discharged_on = delivered_on + timedelta(days=4 if mode == DeliveryMode.CAESAREAN else 2)
        services.delivery_create(
            actor=self.actor,
            pregnancy=pregnancy,
            delivered_on=delivered_on,
            place=DeliveryPlace.FACILITY,
            institution=unit,
            mode=mode,
            live_births=1,
            discharged_on=discharged_on if discharged_on <= self.today else None,
        )
        woman = pregnancy.woman
        primary = woman.registered_at
        if visited and discharged_on + timedelta(days=3) <= self.today:
            services.postpartum_visit_create(
                actor=self.actor, pregnancy=pregnancy, visited_on=discharged_on + timedelta(days=3), institution=primary
            )
        if days_ago >= 45:
            services.postpartum_visit_create(
                actor=self.actor,
                pregnancy=pregnancy,
                kind=PostpartumKind.CHECK_42,
                visited_on=delivered_on + timedelta(days=43),
                institution=primary,
            )
        female = self.rng.random() < 0.5
        child = services.child_create(
            actor=self.actor,
            mother=pregnancy,
            name=self.names.name(female=female, surname=woman.name[0]),
            sex=Sex.FEMALE if female else Sex.MALE,
            birth_date=delivered_on,
            birth_weight_grams=self.rng.randint(2900, 3800),
            gestation_weeks=(delivered_on - pregnancy.last_menstrual_period_on).days // 7,
            residence=woman.residence,
            registered_at=unit,
            newborn_screened_on=delivered_on + timedelta(days=3) if days_ago >= 3 else None,
            hearing_screened_on=delivered_on + timedelta(days=2) if days_ago >= 2 else None,
        )
        ages = {ChildCheckKind.NEWBORN_VISIT: 7, ChildCheckKind.MONTH_1: 30, ChildCheckKind.MONTH_3: 92}
        for kind in checks:
            age = ages[ChildCheckKind(kind)]
            weight, length = _growth(age)
            services.child_check_create(
                actor=self.actor,
                child=child,
                kind=kind,
                checked_on=delivered_on + timedelta(days=age),
                institution=primary,
                weight_grams=int(weight * 1000),
                length_cm=Decimal(f"{length:.1f}"),
            )


def build_s4_services(stories: ServiceStories) -> None:
    """Three Baoji women of today through the services, from a township centre's positive screen on."""
    s = stories
    # 横渠镇 (眉县): aged 40, referred to the county MCH hospital, graded orange; the 专案 reported.
    first = s.register(
        township="610326101",
        county="610326",
        at="眉县横渠镇中心卫生院",
        weeks_ago=17,
        first_week=9,
        screening=["screening.1.1"],
        ages=(40, 42),
    )
    s.refer(first, "眉县妇幼保健院", arrived_week=10)
    s.visits(first, "眉县妇幼保健院", [10])
    s.grade(first, "眉县妇幼保健院", 10, [AGE_40])
    s.visits(first, "眉县妇幼保健院", [16])
    # 蔡家坡镇 (岐山县): placenta praevia found at 22 weeks, graded red at the city central hospital.
    second = s.register(
        township="610323101", county="610323", at="岐山县蔡家坡镇中心卫生院", weeks_ago=29, first_week=8
    )
    s.visits(second, "岐山县人民医院", [17])
    s.grade(second, "岐山县人民医院", 17, [])
    s.refer(second, CITY_CENTRAL, arrived_week=22)
    s.visits(second, CITY_CENTRAL, [22])
    s.grade(second, CITY_CENTRAL, 22, [PRAEVIA])
    s.visits(second, CITY_CENTRAL, [25, 28])
    # 法门镇 (扶风县): anaemia on screening two days ago; the referral is still waiting to be accepted.
    third = s.register(
        township="610324101",
        county="610324",
        at="扶风县法门镇中心卫生院",
        weeks_ago=10,
        first_week=10,
        screening=["screening.6.1"],
    )
    s.refer(third, "扶风县妇幼保健院", accepted=False)


QITAI_MCH, QITAI_GENERAL = "奇台县妇幼保健院", "奇台县总医院"


def build_s1_qitai(stories: ServiceStories) -> None:
    """Qitai's women through the services: what the 奇台县妇幼保健院 clerk and the township centres see today."""
    s = stories
    towns = {region.name: region.code for region in QITAI_TOWNSHIPS}

    def centre(town: str) -> str:
        return f"奇台县{town}卫生院"

    def register(
        town: str,
        at: str,
        weeks_ago: int,
        first_week: int,
        screening: Sequence[str] = (),
        ages: tuple[int, int] = (22, 33),
    ) -> Pregnancy:
        return s.register(
            township=towns[town],
            county="652325",
            at=at,
            weeks_ago=weeks_ago,
            first_week=first_week,
            screening=screening,
            ages=ages,
        )

    # Ongoing, low risk, at each stage of the schedule (one visit due now, some overdue).
    register("老奇台镇", centre("老奇台镇"), 9, 8)
    p = register("半截沟镇", QITAI_MCH, 18, 10)  # 16–20 weeks: a contact due
    p = register("吉布库镇", centre("吉布库镇"), 23, 11)
    s.visits(p, QITAI_MCH, [17])
    s.grade(p, QITAI_MCH, 17, [])
    p = register("西地镇", QITAI_MCH, 31, 8, screening=["screening.1.1"], ages=(35, 37))
    s.grade(p, QITAI_MCH, 8, [AGE_35])
    s.visits(p, QITAI_MCH, [17, 22])
    p = register("东湾镇", QITAI_MCH, 38, 9)  # last seen at 24 weeks: the 28–36 week contact overdue
    s.visits(p, QITAI_MCH, [18, 24])
    s.grade(p, QITAI_MCH, 18, [])
    # High risk, with 专案: orange (diabetes on insulin), red, purple; one orange report overdue.
    p = register("三个庄子镇", centre("三个庄子镇"), 34, 12, screening=["screening.6.6"])
    s.refer(p, QITAI_MCH, arrived_week=13)
    s.visits(p, QITAI_MCH, [13])
    s.grade(p, QITAI_MCH, 13, ["orange.2.5"])
    s.visits(p, QITAI_MCH, [18, 23, 29, 32])
    p = register("五马场乡", QITAI_GENERAL, 26, 10)
    s.grade(p, QITAI_GENERAL, 10, [])
    s.visits(p, QITAI_GENERAL, [17, 21])
    s.grade(p, QITAI_GENERAL, 21, ["red.cardiovascular.severe_hypertension"])
    s.visits(p, QITAI_GENERAL, [23])
    p = register("半截沟镇", QITAI_MCH, 20, 9, screening=["screening.6.3"])
    s.grade(p, QITAI_MCH, 9, ["purple.syphilis"])
    s.visits(p, QITAI_MCH, [17])
    p = register("老奇台镇", QITAI_MCH, 15, 14, screening=["screening.1.3"])
    s.grade(p, QITAI_MCH, 14, ["orange.1.bmi_28"], report=False)  # graded 5–11 days ago: the report is overdue
    # A positive screen last week: the referral to the MCH hospital is accepted, she has not arrived yet.
    p = register("吉布库镇", centre("吉布库镇"), 12, 11, screening=["screening.6.1"])
    s.refer(p, QITAI_MCH)
    # Delivered: five days ago (visit due), twelve days ago (visit overdue), three and five months ago.
    p = register("西地镇", centre("西地镇"), 41, 10)
    s.visits(p, QITAI_MCH, [17, 23, 30, 37])
    s.grade(p, QITAI_MCH, 17, [])
    s.deliver(p, at=QITAI_MCH, days_ago=5, mode=DeliveryMode.VAGINAL, visited=False)
    p = register("碧流河镇", QITAI_MCH, 41, 11)
    s.grade(p, QITAI_MCH, 11, [])
    s.visits(p, QITAI_MCH, [18, 24, 31])
    s.deliver(p, at=QITAI_GENERAL, days_ago=12, mode=DeliveryMode.CAESAREAN, visited=False)
    p = register("三个庄子镇", QITAI_MCH, 53, 9)
    s.grade(p, QITAI_MCH, 9, [])
    s.visits(p, QITAI_MCH, [18, 23, 31, 38])
    s.deliver(
        p,
        at=QITAI_MCH,
        days_ago=90,
        mode=DeliveryMode.VAGINAL,
        visited=True,
        checks=[ChildCheckKind.NEWBORN_VISIT, ChildCheckKind.MONTH_1],
    )
    p = register("东湾镇", QITAI_MCH, 62, 10, screening=["screening.1.1"], ages=(36, 38))
    s.grade(p, QITAI_MCH, 10, [AGE_35])
    s.visits(p, QITAI_MCH, [17, 22, 30, 37])
    s.deliver(
        p,
        at=QITAI_MCH,
        days_ago=150,
        mode=DeliveryMode.CAESAREAN,
        visited=True,
        checks=[ChildCheckKind.NEWBORN_VISIT, ChildCheckKind.MONTH_1, ChildCheckKind.MONTH_3],
    )
    # A miscarriage at 10 weeks, a fortnight ago.
    p = register("碧流河镇", centre("碧流河镇"), 12, 8)
    services.pregnancy_end(actor=s.actor, record=p, ended_on=s.day(p, 10), reason=EndReason.MISCARRIAGE)


def build_maternal_records(builder: DemoBuilder) -> dict[str, int]:
    """S4's bulk batch, then the women recorded through the services (S4's handful, S1 Qitai's)."""
    names = Names(random.Random(builder.rng.getrandbits(64)))  # noqa: S311 (demo data, not secrets)
    today = timezone.localdate()
    baoji = BaojiMch(builder, names, today)
    baoji.plan_year()
    baoji.plan_today()
    counts = baoji.load()
    stories = ServiceStories(builder, names, today)
    build_s4_services(stories)
    build_s1_qitai(stories)
    return counts
