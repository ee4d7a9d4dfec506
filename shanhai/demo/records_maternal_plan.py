"""The S4 cohort's plan: the counts behind Baoji's 2021Oct figures, the risk factors the women carry,
when they are seen, how children grow, and seeded names and ID numbers (``records_maternal`` builds it)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import pairwise

from shanhai.core.models import OrgUnit
from shanhai.demo.builder import DemoBuilder
from shanhai.demo.people import GIVEN_EITHER, GIVEN_FEMALE, GIVEN_MALE, PHONE_PREFIXES, SURNAMES
from shanhai.demo.regions import BAOJI_TOWNSHIPS
from shanhai.demo.scenarios import BAOJI_COUNTIES, BAOJI_URBAN
from shanhai.maternal.identity import check_digit
from shanhai.maternal.models import ChildCheckKind, Colour, DeliveryPlace

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


def growth(days: int) -> tuple[float, float]:
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


# --- where Baoji's women go, and what happens to each pregnancy -------------------------------------------------
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
