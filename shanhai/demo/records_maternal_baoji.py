"""S4 · Baoji, in bulk: every pregnancy of the 2021Oct cohort and today's, planned from the counts of
``records_maternal_plan`` and saved as one ``maternal.bulk`` batch (the services' rules, one audit entry)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from shanhai.core import clock
from shanhai.core.models import OrgUnit, OrgUnitKind
from shanhai.demo.builder import DemoBuilder
from shanhai.demo.records_maternal_plan import (
    AGE_35,
    AGE_40,
    CHILD_CHECKS,
    CITY_HOSPITALS,
    COLOUR_MIX,
    EXTRA_VISITS,
    GENERIC_SCREENING,
    LATE_ORANGE,
    LATE_YELLOW,
    LATER_CONTACTS,
    ORANGE_FACTORS,
    PRAEVIA,
    PURPLE_FACTORS,
    PURPLE_SHARE,
    RED_FACTORS,
    REFERRAL_REASON,
    S4_BIRTH_SHARES,
    S4_BULK_NOTE,
    S4_CHILD_DEATHS,
    S4_EARLY_REGISTERED,
    S4_END,
    S4_ENDED_WITHOUT_DELIVERY,
    S4_HOME_DELIVERIES,
    S4_MOTHERS,
    S4_NOT_VISITED,
    S4_ONGOING,
    S4_OVERDUE_REPORTS,
    S4_RECENTLY_DELIVERED,
    S4_RECENTLY_ENDED,
    S4_START,
    S4_STILLBIRTH_DELIVERIES,
    S4_TWIN_DELIVERIES,
    S4_VISITED_LATE,
    SCREENING_FOR,
    TWINS,
    YELLOW_FACTORS,
    Area,
    Names,
    Plan,
    baoji_areas,
    growth,
)
from shanhai.maternal import bulk
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
    Sex,
    Woman,
)
from shanhai.maternal.rules import can_grade, noon


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
        now = clock.now()
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
            median_weight, median_length = growth(age)
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
        rng, now = self.rng, clock.now()
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
