"""Women recorded one write at a time through ``maternal.services``, as a clerk would: a handful in
Baoji (S4) and Qitai's women (S1)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal

from shanhai.accounts.models import User
from shanhai.core import clock
from shanhai.demo.builder import DemoBuilder
from shanhai.demo.records_maternal_plan import AGE_35, AGE_40, CITY_CENTRAL, PRAEVIA, REFERRAL_REASON, Names, growth
from shanhai.demo.regions import QITAI_TOWNSHIPS
from shanhai.maternal import risk, services
from shanhai.maternal.models import (
    AssessmentKind,
    ChildCheckKind,
    DeliveryMode,
    DeliveryPlace,
    EndReason,
    PostpartumKind,
    Pregnancy,
    ReferralStatus,
    RiskCase,
    Sex,
)
from shanhai.maternal.rules import catalogue_for, noon


# --- through the services: a handful in Baoji, Qitai's women -------------------------------------------------------
class ServiceStories:
    """Women recorded one write at a time through ``maternal.services``, as a clerk would."""

    def __init__(self, builder: DemoBuilder, names: Names, today: date) -> None:
        self.b = builder
        self.names = names
        self.rng = names.rng
        self.today = today

    @property
    def actor(self) -> User:
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
            reported = min(case.opened_at + timedelta(hours=self.rng.randint(3, 20)), clock.now())
            services.case_update(actor=self.actor, record=case, reported_at=reported)

    def refer(self, pregnancy: Pregnancy, to: str, *, accepted: bool = True, arrived_week: int | None = None) -> None:
        """A referral from the registering centre, accepted (or still requested), arrived in ``arrived_week``."""
        requested = min(noon(pregnancy.registered_on), clock.now() - timedelta(hours=6))
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
            at=min(max(noon(self.day(pregnancy, arrived_week)), requested + timedelta(hours=4)), clock.now()),
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
            weight, length = growth(age)
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
