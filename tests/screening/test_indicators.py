"""Every screening indicator against a hand count on a small Qitai fixture, and the facts equal a rebuild."""

from __future__ import annotations

import pytest

from shanhai.analytics import engine, facts
from shanhai.analytics.registry import registry
from shanhai.screening import services as s
from tests.maternal.factories import make_mother, mch_places
from tests.outreach.conftest import fact_table
from tests.screening.conftest import D, figures, values


@pytest.fixture
def cohort(world):
    places = mch_places(world)
    town = places.township
    mch, hospital = world.qitai_mch, world.qitai_hospital

    def cancer(day, **fields):
        return s.cancer_screening_create(actor=None, screened_on=day, institution=mch, residence=town, age=45, **fields)

    cancer(
        D(2022, 3, 1),
        cervical_method="hpv",
        cervical_result="normal",
        breast_method="ultrasound",
        breast_result="normal",
    )
    cancer(
        D(2022, 4, 1),
        cervical_method="cytology",
        cervical_result="abnormal",
        is_followed_up=True,
        cervical_diagnosis="precancer",
        is_treated=True,
    )
    cancer(D(2022, 5, 1), cervical_method="visual", cervical_result="abnormal")
    cancer(
        D(2022, 6, 1),
        breast_method="mammography",
        breast_result="abnormal",
        is_followed_up=True,
        breast_diagnosis="late_cancer",
    )
    cancer(
        D(2022, 7, 1),
        cervical_method="hpv",
        cervical_result="abnormal",
        is_followed_up=True,
        cervical_diagnosis="early_cancer",
        is_treated=True,
        partnership=world.partnership,
    )
    cancer(D(2021, 12, 1), cervical_method="hpv", cervical_result="normal")  # another year
    for population, size in (("cervical", 40), ("breast", 20), ("preconception", 6), ("marriages", 8)):
        s.screening_target_create(actor=None, region=world.qitai, year=2022, population=population, size=size)

    # Two women of the township delivered in 2022: three live births (twins).
    make_mother(residence=town, institution=mch, lmp=D(2021, 8, 1))
    make_mother(residence=town, institution=mch, lmp=D(2021, 9, 1), live_births=2)
    prenatal = {"institution": mch, "residence": town, "gestation_weeks": 16, "method": "serum_second"}
    s.prenatal_screening_create(actor=None, screened_on=D(2022, 1, 10), result="low", **prenatal)
    s.prenatal_screening_create(
        actor=None,
        screened_on=D(2022, 2, 10),
        result="high",
        diagnosed_on=D(2022, 3, 1),
        diagnosis_result="abnormal",
        **prenatal,
    )
    s.prenatal_screening_create(actor=None, screened_on=D(2021, 9, 10), result="high", **prenatal)

    check = {"institution": mch, "residence": town}
    s.preconception_check_create(
        actor=None,
        checked_on=D(2022, 2, 1),
        is_risk_found=True,
        is_folic_acid_given=True,
        folic_acid_compliance="compliant",
        **check,
    )
    s.preconception_check_create(
        actor=None,
        checked_on=D(2022, 3, 1),
        is_couple=False,
        is_folic_acid_given=True,
        folic_acid_compliance="not_compliant",
        **check,
    )
    s.preconception_check_create(actor=None, checked_on=D(2022, 4, 1), is_folic_acid_given=True, **check)
    for i, sex in enumerate(("female", "male", "female", "male")):
        s.premarital_check_create(actor=None, checked_on=D(2022, 5, 1 + i), sex=sex, is_condition_found=i == 0, **check)

    s.nutrition_report_create(
        actor=None,
        month=202201,
        institution=mch,
        children_served=10,
        packs_issued=300,
        children_surveyed=5,
        children_effective=4,
    )
    s.nutrition_report_create(
        actor=None,
        month=202202,
        institution=mch,
        children_served=12,
        packs_issued=360,
        children_surveyed=5,
        children_effective=3,
    )

    s.care_centre_create(actor=None, institution=hospital, kind="maternal", level="county", designated_on=D(2020, 1, 1))
    s.care_centre_create(
        actor=None,
        institution=mch,
        kind="newborn",
        level="county",
        designated_on=D(2021, 6, 1),
        revoked_on=D(2022, 3, 15),
    )
    near = {"institution": mch, "residence": town, "cause": "haemorrhage"}
    s.near_miss_case_create(actor=None, occurred_on=D(2022, 5, 20), treated_at=hospital, outcome="recovered", **near)
    s.near_miss_case_create(actor=None, occurred_on=D(2022, 6, 20), outcome="died", **near)
    return places


EXPECTED_2022 = {
    "screening.cervical_screened": (4, None),
    "screening.cervical_screening_rate": (4, 40),
    "screening.cervical_follow_up_rate": (2, 3),
    "screening.cervical_early_diagnosis_rate": (2, 2),
    "screening.cervical_treatment_rate": (2, 2),
    "screening.breast_screened": (2, None),
    "screening.breast_screening_rate": (2, 20),
    "screening.breast_follow_up_rate": (1, 1),
    "screening.breast_early_diagnosis_rate": (0, 1),
    "screening.breast_treatment_rate": (0, 1),
    "screening.prenatal_screening_rate": (2, 2),
    "screening.prenatal_high_risk_rate": (1, 2),
    "screening.prenatal_diagnosis_rate": (1, 1),
    "screening.preconception_coverage": (3, 6),
    "screening.preconception_persons": (5, None),
    "screening.preconception_risk_share": (1, 3),
    "screening.folic_acid_compliance_rate": (1, 2),
    "screening.premarital_check_rate": (4, 8),
    "screening.premarital_condition_rate": (1, 4),
    "screening.nutrition_packs": (660, None),
    "screening.nutrition_person_times": (22, None),
    "screening.nutrition_effective_rate": (7, 10),
    "screening.near_miss_cases": (2, None),
    "screening.near_miss_ratio": (2, 3),
    "screening.near_miss_centre_share": (1, 2),
    "screening.near_miss_survival_rate": (1, 2),
    "screening.maternal_care_centres": (1, None),
    "screening.newborn_care_centres": (0, None),
}


def test_every_indicator_is_hand_counted(world, cohort):
    codes = [code for code, indicator in registry.indicators.items() if indicator.app == "screening"]
    assert sorted(codes) == sorted(EXPECTED_2022)
    for org in (world.qitai, world.changji):
        assert values(codes, engine.Scope(org_unit=org), "2022") == EXPECTED_2022, org.name


def test_rates_values_and_periods(world, cohort):
    scope = engine.Scope(org_unit=world.qitai)
    got = figures(
        [
            "screening.cervical_screening_rate",
            "screening.cervical_follow_up_rate",
            "screening.near_miss_ratio",
            "screening.nutrition_effective_rate",
            "screening.preconception_risk_share",
        ],
        scope,
        "2022",
    )
    assert got == {
        "screening.cervical_screening_rate": 10.0,
        "screening.cervical_follow_up_rate": 66.67,
        "screening.near_miss_ratio": 666.67,
        "screening.nutrition_effective_rate": 70.0,
        "screening.preconception_risk_share": 33.33,
    }
    # The newborn centre was in force until its revocation in March 2022.
    assert values(["screening.newborn_care_centres"], scope, "2022Q1")["screening.newborn_care_centres"] == (1, None)
    # A month without a nutrition report is not reported, never 0.
    [packs] = engine.evaluate(["screening.nutrition_packs"], scope, engine.parse_period("202203"))
    assert (packs.is_reported, packs.value) == (False, None)
    # The MCH year 2021Oct holds the 2022 targets (January) and the September 2021 screening is outside it.
    assert values(["screening.prenatal_high_risk_rate"], scope, "2021Oct") == {
        "screening.prenatal_high_risk_rate": (1, 2)
    }


def test_a_campaign_counts_for_its_partnership(world, cohort):
    scope = engine.Scope(partnership=world.partnership)
    assert values(["screening.cervical_screened", "screening.cervical_early_diagnosis_rate"], scope, "2022") == {
        "screening.cervical_screened": (1, None),
        "screening.cervical_early_diagnosis_rate": (1, 1),
    }
    supporter = engine.Scope(org_unit=world.fuqing, side="supporter")
    assert values(["screening.cervical_screened"], supporter, "2022") == {"screening.cervical_screened": (1, None)}


def test_facts_equal_a_rebuild_after_changes(world, cohort):
    from shanhai.screening.models import CancerScreening, CareCentre, NutritionReport, PreconceptionCheck

    record = CancerScreening.objects.get(screened_on=D(2022, 5, 1))
    s.cancer_screening_update(
        actor=None, record=record, screened_on=D(2022, 8, 1), is_followed_up=True, cervical_diagnosis="negative"
    )
    s.cancer_screening_delete(actor=None, record=CancerScreening.objects.get(screened_on=D(2022, 3, 1)))
    s.preconception_check_update(
        actor=None, record=PreconceptionCheck.objects.get(checked_on=D(2022, 3, 1)), is_couple=True
    )
    s.nutrition_report_update(actor=None, record=NutritionReport.objects.get(month=202202), packs_issued=400)
    s.care_centre_update(actor=None, record=CareCentre.objects.get(kind="maternal"), revoked_on=D(2022, 10, 1))
    incremental = fact_table()
    facts.rebuild()
    assert fact_table() == incremental
    assert values(
        ["screening.nutrition_packs", "screening.maternal_care_centres"], engine.Scope(org_unit=world.qitai), "2022"
    ) == {
        "screening.nutrition_packs": (700, None),
        "screening.maternal_care_centres": (0, None),
    }


def test_an_institution_that_reported_packs_owes_the_following_months(world):
    from shanhai.analytics.engine import Scope
    from shanhai.portal.reporting import completeness

    s.nutrition_report_create(
        actor=None, month=202401, institution=world.qitai_mch, children_served=5, packs_issued=150
    )
    rows = {c.report.code: c for c in completeness(Scope(org_unit=world.changji), 202402)}
    assert [(d.reporter, d.received) for d in rows["nutrition-reports"].due] == [("奇台县妇幼保健院", False)]
    assert "nutrition-reports" not in {c.report.code for c in completeness(Scope(org_unit=world.changji), 202502)}
    assert completeness(Scope(org_unit=world.fuqing, side="supporter"), 202402) == []
