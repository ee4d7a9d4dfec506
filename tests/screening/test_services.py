"""The services' rules: a bad input is a message on its field, and nothing is saved (no record, fact or audit)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from shanhai.analytics.models import Fact
from shanhai.core.models import AuditEntry
from shanhai.screening import services as s
from shanhai.screening.models import (
    CancerScreening,
    CareCentre,
    NearMissCase,
    NutritionReport,
    PrenatalScreening,
    ScreeningTarget,
)
from tests.screening.conftest import D


def _refused(call, **values) -> dict[str, list[str]]:
    audit_before, facts_before = AuditEntry.objects.count(), Fact.objects.count()
    with pytest.raises(ValidationError) as error:
        call(actor=None, **values)
    assert AuditEntry.objects.count() == audit_before
    assert Fact.objects.count() == facts_before
    return error.value.message_dict


def _cancer(world, township, **changes):
    values = {
        "screened_on": D(2022, 5, 10),
        "institution": world.qitai_mch,
        "residence": township,
        "age": 45,
        "cervical_method": "hpv",
        "cervical_result": "normal",
    }
    return values | changes


def test_cancer_screening_needs_a_method(world, township):
    errors = _refused(s.cancer_screening_create, **_cancer(world, township, cervical_method="", cervical_result=""))
    assert errors == {"cervical_method": ["Give the cervical or the breast screening method (or both)."]}
    assert CancerScreening.objects.count() == 0


def test_cancer_screening_diagnosis_follows_an_abnormal_result_and_its_follow_up(world, township):
    errors = _refused(s.cancer_screening_create, **_cancer(world, township, cervical_diagnosis="precancer"))
    assert errors == {"cervical_diagnosis": ["A diagnosis follows an abnormal screening result."]}
    errors = _refused(
        s.cancer_screening_create,
        **_cancer(world, township, cervical_result="abnormal", cervical_diagnosis="precancer"),
    )
    assert errors == {"cervical_diagnosis": ["A diagnosis is made at the follow-up: mark the result followed up."]}
    errors = _refused(s.cancer_screening_create, **_cancer(world, township, is_followed_up=True, is_treated=True))
    assert errors == {
        "is_followed_up": ["Only an abnormal result is followed up."],
        "is_treated": ["Treatment is recorded for a precancerous lesion or a cancer found."],
    }
    assert CancerScreening.objects.count() == 0


def test_cancer_screening_places_dates_and_ages(world, township):
    errors = _refused(
        s.cancer_screening_create,
        **_cancer(
            world, township, institution=world.qitai, residence=world.qitai_mch, age=12, screened_on=D(2099, 1, 1)
        ),
    )
    assert errors == {
        "screened_on": ["The date cannot be in the future."],
        "institution": ["Choose an institution, not a region."],
        "residence": ["The residence is a county or a township, not an institution."],
        "age": ["Enter an age from 18 to 99."],
    }


def test_a_campaign_screens_in_the_recipients_area_within_the_partnership(world, township):
    errors = _refused(
        s.cancer_screening_create, **_cancer(world, township, partnership=world.partnership, screened_on=D(2021, 1, 5))
    )
    assert errors == {"partnership": ["The screening date falls outside the partnership's period."]}
    errors = _refused(s.cancer_screening_create, **_cancer(world, world.fuqing, partnership=world.partnership))
    assert errors == {"partnership": ["福清市 is outside 奇台县, the area of the partnership's recipient."]}
    record = s.cancer_screening_create(actor=None, **_cancer(world, township, partnership=world.partnership))
    assert record.partnership == world.partnership
    assert AuditEntry.objects.filter(object_id=str(record.public_id), action="create").count() == 1


def test_update_is_checked_like_create(world, township):
    record = s.cancer_screening_create(actor=None, **_cancer(world, township))
    with pytest.raises(ValidationError) as error:
        s.cancer_screening_update(actor=None, record=record, cervical_method="")
    assert error.value.message_dict == {
        "cervical_result": ["Give the screening method before its result."],
        "cervical_method": ["Give the cervical or the breast screening method (or both)."],
    }
    record.refresh_from_db()
    assert record.cervical_method == "hpv"


def test_prenatal_diagnosis_follows_a_high_risk_result(world, township):
    values = {
        "screened_on": D(2022, 3, 1),
        "institution": world.qitai_mch,
        "residence": township,
        "gestation_weeks": 16,
        "method": "serum_second",
        "result": "low",
        "diagnosed_on": D(2022, 3, 20),
        "diagnosis_result": "normal",
    }
    errors = _refused(s.prenatal_screening_create, **values)
    assert errors == {"diagnosed_on": ["A prenatal diagnosis follows a high-risk screening result."]}
    errors = _refused(s.prenatal_screening_create, **(values | {"result": "high", "diagnosed_on": D(2022, 2, 1)}))
    assert errors == {"diagnosed_on": ["The diagnosis cannot come before the screening."]}
    errors = _refused(s.prenatal_screening_create, **(values | {"gestation_weeks": 50, "result": "high"}))
    assert errors == {"gestation_weeks": ["Enter the weeks of gestation, from 6 to 42."]}
    assert PrenatalScreening.objects.count() == 0


def test_folic_acid_follow_up_needs_folic_acid(world, township):
    errors = _refused(
        s.preconception_check_create,
        checked_on=D(2022, 4, 1),
        institution=world.qitai_mch,
        residence=township,
        folic_acid_compliance="compliant",
    )
    assert errors == {"folic_acid_compliance": ["Folic acid is followed up only where it was given."]}


def test_nutrition_report_once_a_month_and_effective_among_followed(world):
    values = {"month": 202203, "institution": world.qitai_mch, "children_served": 100, "packs_issued": 3000}
    errors = _refused(s.nutrition_report_create, **(values | {"children_surveyed": 10, "children_effective": 12}))
    assert errors == {"children_effective": ["Cannot be more than the children followed up (10)."]}
    s.nutrition_report_create(actor=None, **values)
    errors = _refused(s.nutrition_report_create, **values)
    assert errors == {"month": ["奇台县妇幼保健院 has already reported this month."]}
    errors = _refused(s.nutrition_report_create, **(values | {"month": 209901}))
    assert errors == {"month": ["The month cannot be in the future."]}
    assert NutritionReport.objects.count() == 1


def test_near_miss_treated_at_a_centre_in_force(world, township):
    values = {
        "occurred_on": D(2022, 6, 1),
        "institution": world.qitai_mch,
        "residence": township,
        "treated_at": world.qitai_hospital,
        "cause": "haemorrhage",
        "outcome": "recovered",
    }
    errors = _refused(s.near_miss_case_create, **values)
    assert errors == {
        "treated_at": ["奇台县人民医院 was not a designated critical maternal care centre on 2022-06-01."]
    }
    s.care_centre_create(
        actor=None, institution=world.qitai_hospital, kind="maternal", level="county", designated_on=D(2022, 7, 1)
    )
    assert _refused(s.near_miss_case_create, **values) == errors
    assert NearMissCase.objects.count() == 0
    case = s.near_miss_case_create(actor=None, **(values | {"occurred_on": D(2022, 7, 1)}))
    assert case.treated_at == world.qitai_hospital


def test_a_centre_is_designated_once_at_a_time(world):
    s.care_centre_create(
        actor=None, institution=world.qitai_hospital, kind="maternal", level="county", designated_on=D(2020, 1, 1)
    )
    errors = _refused(
        s.care_centre_create,
        institution=world.qitai_hospital,
        kind="maternal",
        level="county",
        designated_on=D(2022, 1, 1),
    )
    assert errors == {"kind": ["奇台县人民医院 is already designated as this kind of centre for that time."]}
    assert CareCentre.objects.count() == 1


def test_targets_belong_to_a_region_once_a_year(world):
    s.screening_target_create(actor=None, region=world.qitai, year=2022, population="cervical", size=5000)
    errors = _refused(s.screening_target_create, region=world.qitai, year=2022, population="cervical", size=10)
    assert errors == {"population": ["This region already has this target population for 2022."]}
    errors = _refused(s.screening_target_create, region=world.qitai_mch, year=2022, population="breast", size=0)
    assert errors == {
        "region": ["A target population belongs to a region, not an institution."],
        "size": ["Enter a number not below 1."],
    }
    assert ScreeningTarget.objects.count() == 1
