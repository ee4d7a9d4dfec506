"""The MCH indicators (docs/domain.md §3.2) on a small cohort whose numbers are counted by hand.

Places: Qitai county (most women live in its township 半截沟镇) and Jimsar county, both in Changji
prefecture; one Qitai woman delivers in Fuqing (Fujian). Period ``2021Oct`` is the MCH statistical
year 2021-10-01 … 2022-09-30 (domain.md §3.1). Facts sit at the woman's residence in her delivery
month (deaths: in the month of death); children at their residence.

Women delivered in 2021Oct, living in Qitai (17 产妇, 17 live births):

==  =========  ===========================================  =====  ====  ===  =====  ===  ====  ====  ====
..  delivered  what the case tests                          live   early  ≥1   ≥5     sys  pp    high  mgd
==  =========  ===========================================  =====  ====  ===  =====  ===  ====  ====  ====
A   2022-03-15 standard                                     1      ✓     ✓    ✓      ✓    ✓
B   2022-01-10 registered at 13+0 (day 91): not early       1            ✓    ✓           ✓
C   2022-03-20 registered at 12+6 (day 90): early           1      ✓     ✓    ✓      ✓    ✓
D   2022-05-05 4 antenatal visits                           1      ✓     ✓           ✓(no) ✓
E   2022-06-01 twins: 2 live births, 1 产妇                 2      ✓     ✓    ✓      ✓    ✓
F   2022-02-10 stillbirth only: a 产妇, no live birth      0      ✓     ✓    ✓      ✓    ✓
G   2022-04-12 home delivery, not the modern method         1 home ✓     ✓    ✓           ✓
H   2022-07-01 postpartum visit on day 28 after discharge   1      ✓     ✓    ✓      ✓    ✓
I   2022-07-02 postpartum visit on day 29; accident death   1      ✓     ✓    ✓
J   2022-08-08 delivered in Fuqing (another county)         1      ✓     ✓    ✓      ✓    ✓
K   2022-09-10 yellow, followed up                          1      ✓     ✓    ✓      ✓    ✓     ✓     ✓
L   2021-12-01 orange with its case, followed up            1      ✓     ✓    ✓      ✓    ✓     ✓     ✓
M   2022-09-20 orange after the last visit, no follow-up    1      ✓     ✓    ✓                 ✓
N   2022-02-20 red, its case withdrawn                      1      ✓     ✓    ✓      ✓    ✓     ✓
O   2022-04-20 red then yellow (a colour that goes down)    1      ✓     ✓    ✓      ✓    ✓     ✓     ✓
P   2022-05-20 purple only, home delivery                   1 home ✓     ✓    ✓      ✓    ✓     ✓     ✓
S   2022-03-05 maternal death (haemorrhage) 2022-03-25      1      ✓     ✓    ✓      ✓    ✓
==  =========  ===========================================  =====  ====  ===  =====  ===  ====  ====  ====

Totals: live births 17 (facility 15: not G, P), early 16, ≥1 visit 17, ≥5 visits 16, system 12, postpartum
15, high-risk 6 (K L M N O P; in a facility 5: not P), managed 4 (K L O P). Not in 2021Oct: Q (ended
without delivery), R (delivered 2021-09-25). Jimsar: V (standard, 2022-03-25), W (registered day 100,
no visit, no postpartum visit, 2021-11-11) and U (died in pregnancy 2022-08-15, no delivery).
"""

from datetime import date as D
from datetime import timedelta

import pytest

from shanhai.analytics import facts
from shanhai.analytics.engine import Scope, evaluate
from shanhai.analytics.models import Fact
from shanhai.core.periods import parse_period
from shanhai.maternal import services
from shanhai.maternal.models import Child, ChildCheck, Delivery, MaternalDeath, PostpartumVisit, RiskCase
from tests.maternal.factories import grade, make_child, make_mother, make_pregnancy, mch_places, on_day

CODES = [
    "mch.early_registration_rate",
    "mch.antenatal_rate",
    "mch.system_management_rate",
    "mch.high_risk_proportion",
    "mch.high_risk_management_rate",
    "mch.high_risk_facility_rate",
    "mch.postpartum_visit_rate",
    "mch.facility_delivery_rate",
    "mch.maternal_mortality",
    "mch.neonatal_mortality",
    "mch.infant_mortality",
    "mch.under_five_mortality",
    "mch.newborn_screening_rate",
    "mch.under_three_management_rate",
]
FACT_COLUMNS = ("metric", "org_unit_id", "anc_3", "partnership_id", "month", "value", "record_count")


def values(unit, period):
    found = evaluate(CODES, Scope(org_unit=unit), parse_period(period))
    return {v.code.removeprefix("mch."): (v.numerator, v.denominator, v.value) for v in found}


def fact_table():
    return sorted(Fact.objects.values_list(*FACT_COLUMNS))


def mch_fact_table():
    return sorted(Fact.objects.filter(metric__gte=600, metric__lt=700).values_list(*FACT_COLUMNS))


def build_cohort(world, places):
    """The cohort of the module docstring, written one record at a time through the services."""
    qitai = {
        "residence": places.township,
        "institution": places.township_centre,
        "delivered_at": world.qitai_hospital,
        "grading_at": world.qitai_hospital,
    }

    def mother(delivered, **kw):
        return make_mother(lmp=delivered - timedelta(days=273), **(qitai | kw))

    c = {}
    c["A"] = mother(D(2022, 3, 15))
    c["B"] = mother(D(2022, 1, 10), registered_day=91, visit_days=(91, 126, 154, 224, 266))
    c["C"] = mother(D(2022, 3, 20), registered_day=90, visit_days=(90, 126, 154, 224, 266))
    c["D"] = mother(D(2022, 5, 5), visit_days=(84, 126, 154, 224))
    c["E"] = mother(D(2022, 6, 1), live_births=2)
    c["F"] = mother(D(2022, 2, 10), live_births=0, stillbirths=1)
    c["G"] = mother(D(2022, 4, 12), place="home", is_modern_method=False, discharged_after=None)
    c["H"] = mother(D(2022, 7, 1), postpartum_after=(28,))
    c["I"] = mother(D(2022, 7, 2), postpartum_after=(29,))
    c["J"] = mother(D(2022, 8, 8), delivered_at=world.fuqing_hospital)
    c["K"] = mother(D(2022, 9, 10), gradings=[(62, ["yellow.1.2"])])
    c["L"] = mother(D(2021, 12, 1), gradings=[(62, ["orange.1.bmi_28"])])
    c["M"] = mother(D(2022, 9, 20), gradings=[(270, ["orange.3.7"])], postpartum_after=())
    c["N"] = mother(D(2022, 2, 20), gradings=[(62, ["red.1.1.1"])])
    with services.tracking(pregnancy=c["N"]):  # a case withdrawn: the woman is not under management
        RiskCase.objects.filter(pregnancy=c["N"]).delete()
    c["O"] = mother(D(2022, 4, 20), gradings=[(62, ["red.blood.severe_anaemia"]), (150, ["yellow.2.6.2"])])
    c["P"] = mother(D(2022, 5, 20), gradings=[(62, ["purple.syphilis"])], place="home", discharged_after=None)
    c["S"] = mother(D(2022, 3, 5))
    services.maternal_death_create(actor=None, pregnancy=c["S"], died_on=D(2022, 3, 25), cause="haemorrhage")
    services.maternal_death_create(actor=None, pregnancy=c["I"], died_on=D(2022, 7, 20), cause="accident")
    c["Q"] = make_pregnancy(registered_at=places.township_centre, residence=places.township, lmp=D(2021, 12, 1))
    services.pregnancy_end(actor=None, record=c["Q"], ended_on=D(2022, 3, 1), reason="miscarriage")
    c["R"] = mother(D(2021, 9, 25))

    jimsar = {"residence": places.jimsar, "institution": places.jimsar_hospital, "delivered_at": places.jimsar_hospital}
    c["V"] = make_mother(lmp=D(2022, 3, 25) - timedelta(days=273), **jimsar)
    c["W"] = make_mother(
        lmp=D(2021, 11, 11) - timedelta(days=273), registered_day=100, visit_days=(), postpartum_after=(), **jimsar
    )
    c["U"] = make_mother(lmp=D(2022, 2, 1), visit_days=(84,), delivered_day=None, **jimsar)
    services.maternal_death_create(actor=None, pregnancy=c["U"], died_on=D(2022, 8, 15), cause="hypertensive")

    def child(name, born, *, at=places.township, checks=(), **kw):
        c[name] = make_child(residence=at, registered_at=places.township_centre, born=born, **kw)
        for kind, day in checks:
            services.child_check_create(
                actor=None, child=c[name], kind=kind, checked_on=day, institution=places.township_centre
            )

    child("c1", D(2022, 3, 15), mother=c["A"], newborn_screened_on=D(2022, 3, 18), died_on=D(2022, 4, 11))  # day 27
    child("c2", D(2022, 3, 20), mother=c["C"], newborn_screened_on=D(2022, 3, 22), died_on=D(2022, 4, 17))  # day 28
    child("c3", D(2020, 5, 10), died_on=D(2022, 1, 15))  # 1 year 8 months
    child("c4", D(2016, 1, 1), died_on=D(2022, 2, 1))  # 6 years: no child rate
    child("c5", D(2021, 6, 1), newborn_screened_on=D(2021, 6, 3), died_on=D(2022, 5, 31))  # day 364: infant
    child("c6", D(2022, 6, 1), mother=c["E"], newborn_screened_on=D(2022, 6, 3), checks=[("m3", D(2022, 9, 3))])
    child("c7", D(2022, 6, 1), mother=c["E"])  # twin, not screened, 3-month check missing
    child("c8", D(2021, 1, 15), checks=[("m12", D(2022, 1, 20)), ("m18", D(2022, 7, 20))])
    child("c9", D(2020, 8, 20), checks=[("m18", D(2022, 2, 22)), ("m24", D(2022, 10, 10))])  # m24 after the year
    child("c10", D(2019, 9, 30))  # turns 3 on 2022-09-30: not under 3 at the year's end
    child("c11", D(2019, 10, 1), checks=[("m24", D(2021, 10, 5)), ("m30", D(2022, 4, 2))])
    child("c12", D(2022, 8, 15))  # first check (3 months) due after the year
    child(
        "c13",
        D(2021, 12, 1),
        at=places.jimsar,
        newborn_screened_on=D(2021, 12, 3),
        checks=[("m3", D(2022, 3, 2)), ("m6", D(2022, 6, 3))],
    )
    child("c14", D(2022, 5, 1), at=places.jimsar, died_on=D(2022, 5, 10))
    return c


@pytest.fixture
def places(world):
    return mch_places(world)


@pytest.fixture
def cohort(world, places):
    return build_cohort(world, places)


def check_stored_flags_of_the_boundary_cases(cohort):
    """13+0 weeks is not early, 12+6 is; day 28 after discharge is in time, day 29 is not; a colour that
    goes down stays high-risk; a case withdrawn or no follow-up is not management (domain.md §3.2)."""
    pregnancies = {name: p for name, p in cohort.items() if len(name) == 1}
    for pregnancy in pregnancies.values():
        pregnancy.refresh_from_db()
    flags = {
        name: (
            p.is_early_registered,
            p.is_postpartum_visited,
            p.is_high_risk,
            p.is_high_risk_managed,
            p.is_system_managed,
        )
        for name, p in pregnancies.items()
        if name in "BCHIMNOP"
    }
    assert flags == {
        "B": (False, True, False, False, False),
        "C": (True, True, False, False, True),
        "H": (True, True, False, False, True),
        "I": (True, False, False, False, False),
        "M": (True, False, True, False, False),
        "N": (True, True, True, False, True),
        "O": (True, True, True, True, True),
        "P": (True, True, True, True, True),
    }
    assert (cohort["O"].current_colour, cohort["O"].highest_colour) == ("yellow", "red")
    assert (cohort["Q"].status, cohort["S"].status, cohort["I"].status) == ("ended", "maternal_death", "maternal_death")


def check_county_indicators_for_the_mch_year(world, places):
    """Qitai, 2021Oct: the totals of the module docstring."""
    assert values(world.qitai, "2021Oct") == {
        "early_registration_rate": (16.0, 17.0, 94.12),
        "antenatal_rate": (17.0, 17.0, 100.0),
        "system_management_rate": (12.0, 17.0, 70.59),
        "high_risk_proportion": (6.0, 17.0, 35.29),
        "high_risk_management_rate": (4.0, 6.0, 66.67),
        "high_risk_facility_rate": (5.0, 6.0, 83.33),
        "postpartum_visit_rate": (15.0, 17.0, 88.24),
        "facility_delivery_rate": (15.0, 17.0, 88.24),
        "maternal_mortality": (1.0, 17.0, 5882.35),  # S; I's accident is not counted
        "neonatal_mortality": (1.0, 17.0, 58.82),  # c1 (day 27); c2 died on day 28
        "infant_mortality": (3.0, 17.0, 176.47),  # c1, c2, c5
        "under_five_mortality": (4.0, 17.0, 235.29),  # c1, c2, c5, c3; not c4 (6 years)
        "newborn_screening_rate": (3.0, 17.0, 17.65),  # c1, c2, c6 born in the year; c5 born before
        "under_three_management_rate": (3.0, 5.0, 60.0),  # c6 c8 c11 of c6 c7 c8 c9 c11
    }
    assert values(places.jimsar, "2021Oct") == {
        "early_registration_rate": (1.0, 2.0, 50.0),
        "antenatal_rate": (1.0, 2.0, 50.0),
        "system_management_rate": (1.0, 2.0, 50.0),
        "high_risk_proportion": (0.0, 2.0, 0.0),
        # No high-risk woman: 0 of 0 (pregnancies are kept here, so the counts are 0), and no rate — not 0 %.
        "high_risk_management_rate": (0.0, 0.0, None),
        "high_risk_facility_rate": (0.0, 0.0, None),
        "postpartum_visit_rate": (1.0, 2.0, 50.0),
        "facility_delivery_rate": (2.0, 2.0, 100.0),
        "maternal_mortality": (1.0, 2.0, 50000.0),  # U died in pregnancy, without a delivery
        "neonatal_mortality": (1.0, 2.0, 500.0),  # c14
        "infant_mortality": (1.0, 2.0, 500.0),
        "under_five_mortality": (1.0, 2.0, 500.0),
        "newborn_screening_rate": (1.0, 2.0, 50.0),  # c13
        "under_three_management_rate": (0.0, 1.0, 0.0),  # c13 missed the 8-month check
    }


def check_prefecture_indicators_add_up_the_counties(world):
    """Changji = Qitai + Jimsar (the facts roll up the region tree)."""
    assert values(world.changji, "2021Oct") == {
        "early_registration_rate": (17.0, 19.0, 89.47),
        "antenatal_rate": (18.0, 19.0, 94.74),
        "system_management_rate": (13.0, 19.0, 68.42),
        "high_risk_proportion": (6.0, 19.0, 31.58),
        "high_risk_management_rate": (4.0, 6.0, 66.67),
        "high_risk_facility_rate": (5.0, 6.0, 83.33),
        "postpartum_visit_rate": (16.0, 19.0, 84.21),
        "facility_delivery_rate": (17.0, 19.0, 89.47),
        "maternal_mortality": (2.0, 19.0, 10526.32),
        "neonatal_mortality": (2.0, 19.0, 105.26),
        "infant_mortality": (4.0, 19.0, 210.53),
        "under_five_mortality": (5.0, 19.0, 263.16),
        "newborn_screening_rate": (4.0, 19.0, 21.05),
        "under_three_management_rate": (3.0, 6.0, 50.0),
    }


def check_delivery_elsewhere_counts_at_the_residence(world):
    """J delivered at Fuqing's hospital: she counts in Qitai (above), and Fuqing reports nothing."""
    fuqing = values(world.fuqing, "2021Oct")
    assert fuqing["early_registration_rate"] == (None, None, None)
    assert fuqing["facility_delivery_rate"] == (None, None, None)
    assert Fact.objects.filter(metric__gte=600, metric__lt=700, anc_1=world.fujian.pk).count() == 0


def check_month_indicators(world):
    """March 2022: A, C and S delivered in Qitai (V in Jimsar); S died on 25 March."""
    march = values(world.qitai, "202203")
    assert {
        code: march[code] for code in ("early_registration_rate", "system_management_rate", "postpartum_visit_rate")
    } == {
        "early_registration_rate": (3.0, 3.0, 100.0),
        "system_management_rate": (3.0, 3.0, 100.0),
        "postpartum_visit_rate": (3.0, 3.0, 100.0),
    }
    assert march["maternal_mortality"] == (1.0, 3.0, 33333.33)
    assert march["high_risk_proportion"] == (0.0, 3.0, 0.0)
    assert march["neonatal_mortality"] == (0.0, 3.0, 0.0)  # c1 died in April
    assert march["under_three_management_rate"] == (0.0, 1.0, 0.0)  # c10 missed the 30-month check (30 March)
    assert values(world.changji, "202203")["maternal_mortality"] == (1.0, 4.0, 25000.0)
    april = values(world.qitai, "202204")
    assert april["neonatal_mortality"] == (1.0, 2.0, 500.0)  # c1; live births of April: G (home) and O
    assert april["under_three_management_rate"] == (1.0, 1.0, 100.0)  # c11's 30-month check
    assert values(world.qitai, "202109")["early_registration_rate"] == (1.0, 1.0, 100.0)  # R, before the year


def test_indicators_on_the_hand_counted_cohort(world, places, cohort):
    """One build of the cohort (about 150 service writes), checked five ways."""
    check_stored_flags_of_the_boundary_cases(cohort)
    check_county_indicators_for_the_mch_year(world, places)
    check_prefecture_indicators_add_up_the_counties(world)
    check_delivery_elsewhere_counts_at_the_residence(world)
    check_month_indicators(world)


def test_incremental_equals_rebuild_after_creates_updates_and_deletes(world, places, cohort):
    incremental = fact_table()
    facts.rebuild()
    assert fact_table() == incremental

    c = cohort
    services.woman_update(actor=None, record=c["W"].woman, residence=places.township)  # moves to Qitai
    services.delivery_update(actor=None, record=c["D"].delivery, delivered_on=on_day(c["D"], 268))  # to April
    services.postpartum_visit_delete(actor=None, record=c["H"].postpartum_visits.get())
    services.maternal_death_delete(actor=None, record=c["S"].death)
    services.maternal_death_update(actor=None, record=MaternalDeath.objects.get(pregnancy=c["I"]), cause="heart")
    services.child_update(actor=None, record=c["c5"], died_on=None)
    services.child_update(actor=None, record=c["c7"], newborn_screened_on=D(2022, 6, 5))
    services.child_update(actor=None, record=c["c3"], residence=places.jimsar)
    services.child_delete(actor=None, record=c["c12"])
    grade(c["K"], world.qitai_hospital, ["red.1.1.1"], on=on_day(c["K"], 200))
    services.antenatal_visit_delete(actor=None, record=c["B"].antenatal_visits.order_by("visited_on").first())
    services.pregnancy_update(actor=None, record=c["C"], registered_on=on_day(c["C"], 95))
    incremental = fact_table()
    assert values(world.qitai, "2021Oct")["maternal_mortality"] == (1.0, 18.0, 5555.56)  # I (heart); W moved in
    facts.rebuild()
    assert fact_table() == incremental

    for check in ChildCheck.objects.all():
        services.child_check_delete(actor=None, record=check)
    for child in Child.objects.all():
        services.child_delete(actor=None, record=child)
    for visit in PostpartumVisit.objects.all():
        services.postpartum_visit_delete(actor=None, record=visit)
    for death in MaternalDeath.objects.all():
        services.maternal_death_delete(actor=None, record=death)
    for delivery in Delivery.objects.all():
        services.delivery_delete(actor=None, record=delivery)
    assert mch_fact_table() == []
    facts.rebuild()
    assert mch_fact_table() == []
