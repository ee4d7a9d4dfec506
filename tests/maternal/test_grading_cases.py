"""Grading through ``assessment_create`` and the 专案 it opens (国卫办妇幼发〔2017〕35号; docs/domain.md §1).

Item numbers are those of domain.md §1.4 (附件2 评估表) and the codes of data/risk_catalogue_cn_2017.json.
"""

from datetime import date as D
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from shanhai.core import clock
from shanhai.core.models import AuditEntry
from shanhai.maternal import services
from shanhai.maternal.models import CaseStatus, Pregnancy, RiskAssessment, RiskCase
from tests.core.factories import make_user
from tests.maternal.factories import ASSESSOR, make_mother, make_pregnancy, make_woman, mch_places

SHANGHAI = ZoneInfo("Asia/Shanghai")
LMP = D(2022, 1, 3)  # registered on day 60: 2022-03-04
ON = D(2022, 3, 10)
NOON = datetime(2022, 3, 10, 12, 0, tzinfo=SHANGHAI)
BORN_1980 = D(1980, 3, 1)


@pytest.fixture
def places(world):
    return mch_places(world)


@pytest.fixture
def pregnancy(world, places):
    """Her age fits every age factor (41 in 2022: ≥35 and ≥40)."""
    woman = make_woman(residence=places.township, registered_at=places.township_centre, born=BORN_1980)
    return make_pregnancy(registered_at=places.township_centre, woman=woman, lmp=LMP)


def assess(pregnancy, institution, codes, confirmed="", *, kind="grading", on=ON, assessor=ASSESSOR, actor=None):
    return services.assessment_create(
        actor=actor,
        pregnancy=pregnancy,
        kind=kind,
        assessed_on=on,
        institution=institution,
        factor_codes=codes,
        confirmed_colour=confirmed,
        assessor_name=assessor,
    )


def state(pregnancy):
    p = Pregnancy.objects.get(pk=pregnancy.pk)
    return (p.current_colour, p.is_purple, p.highest_colour, p.was_ever_purple, p.is_high_risk)


def case_of(pregnancy):
    return RiskCase.objects.filter(pregnancy=pregnancy).first()


# --- colours (§1.2, §1.4) ----------------------------------------------------------------------------------
def test_green_no_factor_grades_green_and_opens_no_case(world, pregnancy):
    """§1.2 green: no comorbidity or complication found."""
    assessment = assess(pregnancy, world.qitai_hospital, [], "green")
    assert (assessment.colour, assessment.is_purple, assessment.catalogue_version) == ("green", False, "cn-2017")
    assert assessment.confirmed_at is not None
    assert state(pregnancy) == ("green", False, "green", False, False)
    assert case_of(pregnancy) is None


@pytest.mark.parametrize(
    "code",
    ["yellow.1.1", "yellow.1.2", "yellow.2.6.2"],
    ids=["1.1-age-35-or-over", "1.2-bmi-over-25", "2.6.2-anaemia-hb-60-110"],
)
def test_yellow_item_grades_yellow_is_high_risk_without_a_case(world, pregnancy, code):
    """§1.4 yellow 1.1 (age ≥35 or ≤18), 1.2 (BMI >25 or <18.5), 2.6.2 (Hb 60–110 g/L); §1.5: no 专案 for yellow."""
    assessment = assess(pregnancy, world.qitai_hospital, [code], "yellow")
    assert (assessment.colour, assessment.factor_codes) == ("yellow", [code])
    assert state(pregnancy) == ("yellow", False, "yellow", False, True)
    assert case_of(pregnancy) is None


@pytest.mark.parametrize(
    "code",
    ["orange.1.age_40", "orange.1.bmi_28", "orange.3.5", "orange.3.6", "orange.3.7"],
    ids=["1-age-40", "1-bmi-28", "3.5-two-uterine-operations", "3.6-twins", "3.7-severe-pre-eclampsia"],
)
def test_orange_item_grades_orange_and_opens_a_case(world, pregnancy, code):
    """§1.4 orange: age ≥40, BMI ≥28, 3.5–3.7; §1.6 rule 5: orange opens a 专案."""
    assess(pregnancy, world.qitai_hospital, [code], "orange")
    assert state(pregnancy) == ("orange", False, "orange", False, True)
    case = case_of(pregnancy)
    assert (case.colour, case.is_purple, case.status, case.responsible_name) == ("orange", False, "open", ASSESSOR)


@pytest.mark.parametrize(
    "code", ["red.1.1.1", "red.obstetric.pernicious_placenta_praevia"], ids=["1.1.1-pulmonary-hypertension", "placenta"]
)
def test_red_item_grades_red_and_opens_a_case(world, pregnancy, code):
    """§1.4 red 1.1.1 (pulmonary hypertension ≥50 mmHg) and 凶险性前置胎盘."""
    assess(pregnancy, world.qitai_hospital, [code], "red")
    assert state(pregnancy) == ("red", False, "red", False, True)
    assert case_of(pregnancy).colour == "red"


def test_highest_colour_wins_yellow_orange_red_is_red(world, pregnancy):
    """附件2 footnote (§1.2): a woman meeting several colours gets the highest one."""
    assessment = assess(pregnancy, world.qitai_hospital, ["yellow.1.1", "orange.3.6", "red.1.1.1"], "red")
    assert (assessment.colour, assessment.is_purple) == ("red", False)
    assert assessment.factor_codes == ["yellow.1.1", "orange.3.6", "red.1.1.1"]
    assert state(pregnancy) == ("red", False, "red", False, True)


def test_purple_co_exists_with_yellow(world, pregnancy):
    """§1.2: purple (传染病) co-exists with another colour: syphilis + yellow 1.1 → yellow and the purple flag."""
    assessment = assess(pregnancy, world.qitai_hospital, ["purple.syphilis", "yellow.1.1"], "yellow")
    assert (assessment.colour, assessment.is_purple) == ("yellow", True)
    assert state(pregnancy) == ("yellow", True, "yellow", True, True)
    case = case_of(pregnancy)
    assert (case.colour, case.is_purple) == ("", True)  # §1.5: purple → 专案


def test_purple_alone_is_green_with_the_purple_flag_and_a_case(world, pregnancy):
    assessment = assess(pregnancy, world.qitai_hospital, ["purple.hiv_aids"], "green")
    assert (assessment.colour, assessment.is_purple) == ("green", True)
    assert state(pregnancy) == ("green", True, "green", True, True)
    assert (case_of(pregnancy).colour, case_of(pregnancy).is_purple) == ("", True)


def test_confirmed_colour_must_be_the_computed_one(world, pregnancy):
    """The assessor confirms the colour the factors give (§1.6 rule 1); a mismatch changes nothing."""
    audits = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as error:
        assess(pregnancy, world.qitai_hospital, ["yellow.1.1", "orange.3.7"], "yellow")
    assert error.value.message_dict == {
        "confirmed_colour": [
            "The factors give Orange (higher risk). Check the factors, or confirm Orange (higher risk)."
        ]
    }
    with pytest.raises(ValidationError) as error:
        assess(pregnancy, world.qitai_hospital, [], "")
    assert error.value.message_dict == {
        "confirmed_colour": ["The factors give Green (low risk). Check the factors, or confirm Green (low risk)."]
    }
    assert RiskAssessment.objects.count() == 0
    assert RiskCase.objects.count() == 0
    assert AuditEntry.objects.count() == audits
    assert state(pregnancy) == ("", False, "", False, False)


def test_unknown_factor_and_missing_assessor_are_refused(world, pregnancy):
    with pytest.raises(ValidationError) as error:
        assess(pregnancy, world.qitai_hospital, ["yellow.1.1", "yellow.9.9"], "yellow")
    assert error.value.message_dict == {"factor_codes": ["Unknown risk factors: yellow.9.9"]}
    with pytest.raises(ValidationError) as error:
        assess(pregnancy, world.qitai_hospital, [], "green", assessor=" — ")
    assert error.value.message_dict == {"assessor_name": ["Name the assessor."]}
    with pytest.raises(ValidationError) as error:
        assess(pregnancy, world.qitai_hospital, [], "green", kind="guess")
    assert error.value.message_dict == {"kind": ["Choose a screening, a grading or a postpartum assessment."]}
    assert RiskAssessment.objects.count() == 0


def test_assessor_defaults_to_the_acting_user(world, pregnancy):
    doctor = make_user("qitai-obstetrician", unit=world.qitai_hospital, role="data_clerk")
    doctor.full_name = "马丽"
    doctor.save()
    assessment = assess(pregnancy, world.qitai_hospital, ["orange.3.8"], "orange", assessor="", actor=doctor)
    assert (assessment.assessor, assessment.assessor_name) == (doctor, "马丽")
    case = case_of(pregnancy)
    assert (case.responsible, case.responsible_name) == (doctor, "马丽")


GRADING_REFUSED = (
    "Grading is done at level-2 or higher institutions with midwifery services (国卫办妇幼发〔2017〕35号); "
    "screen here and refer the woman."
)


@pytest.mark.parametrize("where", ["township_centre", "grade_1_hospital", "ungraded_hospital", "qitai_mch"])
def test_grading_is_refused_below_level_2_but_screening_is_allowed(world, places, pregnancy, where):
    """§1.1: grading at 二级以上 facilities; a 基层 centre, a grade-1 or ungraded hospital screens and refers."""
    unit = world.qitai_mch if where == "qitai_mch" else getattr(places, where)  # Qitai MCH hospital has no grade
    with pytest.raises(ValidationError) as error:
        assess(pregnancy, unit, ["yellow.1.1"], "yellow")
    assert error.value.message_dict == {"institution": [GRADING_REFUSED]}
    assert RiskAssessment.objects.count() == 0
    screening = assess(pregnancy, unit, ["screening.1.1", "screening.6.1"], kind="screening")
    assert (screening.screening_result, screening.colour, screening.is_purple) == ("positive", "", False)
    assert Pregnancy.objects.get(pk=pregnancy.pk).screening_result == "positive"


def test_screening_positive_negative_and_latest_counts(world, places, pregnancy):
    """附件1: any positive item makes the screen positive; none is negative; the latest screen is current."""
    negative = assess(pregnancy, places.township_centre, [], kind="screening", on=D(2022, 3, 4))
    assert (negative.screening_result, negative.factor_codes) == ("negative", [])
    assert Pregnancy.objects.get(pk=pregnancy.pk).screening_result == "negative"
    assess(pregnancy, places.township_centre, ["screening.2.2"], kind="screening", on=D(2022, 3, 20))
    p = Pregnancy.objects.get(pk=pregnancy.pk)
    assert (p.screening_result, p.current_colour, p.is_high_risk) == ("positive", "", False)
    with pytest.raises(ValidationError) as error:
        assess(pregnancy, places.township_centre, ["yellow.1.1"], kind="screening")
    assert error.value.message_dict == {"factor_codes": ["Unknown screening items: yellow.1.1"]}


def test_assessment_dates(world, places, pregnancy):
    with pytest.raises(ValidationError) as error:
        assess(pregnancy, world.qitai_hospital, [], "green", on=D(2022, 3, 3))
    assert error.value.message_dict == {"assessed_on": ["The assessment is before the pregnancy was registered."]}
    with pytest.raises(ValidationError) as error:
        assess(pregnancy, world.qitai_hospital, [], "green", on=clock.today() + timedelta(days=1))
    assert error.value.message_dict == {"assessed_on": ["This date is in the future."]}
    with pytest.raises(ValidationError) as error:
        assess(pregnancy, places.township_centre, ["orange.3.9"], "orange", kind="postpartum")
    assert error.value.message_dict == {
        "kind": ["Record the delivery or the end of the pregnancy before a postpartum assessment."]
    }


def test_postpartum_assessment_at_a_township_centre_grades_and_opens_a_case(world, places):
    """§1.1: 基层 centres assess women within 42 days postpartum; orange 3.9 (postpartum depression)."""
    mother = make_mother(
        residence=places.township, institution=places.township_centre, lmp=LMP, delivered_at=world.qitai_hospital
    )
    delivered = mother.delivery.delivered_on
    with pytest.raises(ValidationError) as error:
        assess(mother, world.qitai_hospital, ["yellow.1.1"], "yellow", on=delivered + timedelta(days=1))
    assert error.value.message_dict == {
        "kind": ["The pregnancy ended before this date: record a postpartum assessment instead."]
    }
    with pytest.raises(ValidationError) as error:
        assess(mother, places.township_centre, [], "green", kind="postpartum", on=delivered + timedelta(days=43))
    assert error.value.message_dict == {
        "assessed_on": ["A postpartum assessment is made within 42 days after the pregnancy ends."]
    }
    assess(
        mother, places.township_centre, ["orange.3.9"], "orange", kind="postpartum", on=delivered + timedelta(days=42)
    )
    assert state(mother) == ("orange", False, "orange", False, True)
    assert case_of(mother).colour == "orange"


# --- current vs highest colour (§1.6 rules 2–3) ---------------------------------------------------------------
def test_colour_that_goes_down_keeps_highest_high_risk_and_the_open_case(world, pregnancy):
    """§1.6: re-assessment moves the grade up or down; current = the latest, highest kept; the case stays open."""
    assess(pregnancy, world.qitai_hospital, ["red.blood.severe_anaemia"], "red", on=D(2022, 3, 10))
    assess(pregnancy, world.qitai_hospital, ["yellow.2.6.2"], "yellow", on=D(2022, 4, 20))
    p = Pregnancy.objects.get(pk=pregnancy.pk)
    assert state(pregnancy) == ("yellow", False, "red", False, True)
    assert p.high_risk_since == D(2022, 3, 10)
    case = case_of(pregnancy)
    assert (case.colour, case.status, case.report_due_at) == ("red", "open", NOON + timedelta(hours=24))
    assess(pregnancy, world.qitai_hospital, [], "green", on=D(2022, 5, 20))
    assert state(pregnancy) == ("green", False, "red", False, True)
    assert case_of(pregnancy).status == "open"


def test_purple_then_cleared_keeps_was_ever_purple(world, pregnancy):
    assess(pregnancy, world.qitai_hospital, ["purple.tuberculosis"], "green", on=D(2022, 3, 10))
    assess(pregnancy, world.qitai_hospital, [], "green", on=D(2022, 4, 10))
    assert state(pregnancy) == ("green", False, "green", True, True)


def test_same_day_gradings_order_by_entry(world, pregnancy):
    assess(pregnancy, world.qitai_hospital, ["orange.3.8"], "orange", on=ON)
    assess(pregnancy, world.qitai_hospital, ["yellow.1.1"], "yellow", on=ON)
    assert state(pregnancy)[:3] == ("yellow", False, "orange")


# --- 专案 and reporting deadlines (§1.5; §1.6 rules 4–5) ---------------------------------------------------------
def test_orange_case_is_due_72_hours_after_the_assessment(world, pregnancy):
    """§1.5 [P]: orange reported within 3 days. A past-dated assessment counts from noon (local time) of its date."""
    assessment = assess(pregnancy, world.qitai_hospital, ["orange.3.7"], "orange")
    case = case_of(pregnancy)
    assert (case.opened_by, case.opened_at, case.report_due_at) == (assessment, NOON, NOON + timedelta(hours=72))
    assert case.report_due_at == datetime(2022, 3, 13, 4, 0, tzinfo=ZoneInfo("UTC"))


def test_red_case_is_due_24_hours_after_the_assessment(world, pregnancy):
    """§1.5 [P]: red reported within 24 hours."""
    assess(pregnancy, world.qitai_hospital, ["red.1.1.1"], "red")
    assert case_of(pregnancy).report_due_at == datetime(2022, 3, 11, 12, 0, tzinfo=SHANGHAI)


def test_an_assessment_made_today_counts_from_its_confirmation(world, places):
    today = clock.today()
    pregnancy = make_pregnancy(
        registered_at=places.township_centre, residence=places.township, lmp=today - timedelta(days=70)
    )
    assessment = assess(pregnancy, world.qitai_hospital, ["orange.3.7"], "orange", on=today)
    case = case_of(pregnancy)
    assert case.opened_at == assessment.confirmed_at
    assert case.report_due_at - case.opened_at == timedelta(hours=72)


@pytest.mark.parametrize(("codes", "colour"), [([], "green"), (["yellow.1.9"], "yellow")])
def test_green_and_yellow_open_no_case(world, pregnancy, codes, colour):
    assess(pregnancy, world.qitai_hospital, codes, colour)
    assert RiskCase.objects.count() == 0


def test_orange_then_red_before_reporting_moves_the_deadline_earlier(world, pregnancy):
    """Orange on 10 March (due 13 March noon), red on 11 March (due 12 March noon): one case, red, due earlier."""
    first = assess(pregnancy, world.qitai_hospital, ["orange.3.7"], "orange", on=D(2022, 3, 10))
    assess(pregnancy, world.qitai_hospital, ["red.cardiovascular.severe_hypertension"], "red", on=D(2022, 3, 11))
    case = RiskCase.objects.get(pregnancy=pregnancy)
    assert (case.colour, case.opened_by, case.opened_at) == ("red", first, NOON)
    assert case.report_due_at == datetime(2022, 3, 12, 12, 0, tzinfo=SHANGHAI)
    # a red graded late on a near-due orange never pushes the deadline later
    other = make_pregnancy(registered_at=world.qitai_hospital, residence=world.qitai, lmp=LMP)
    assess(other, world.qitai_hospital, ["orange.3.7"], "orange", on=D(2022, 3, 10))
    assess(other, world.qitai_hospital, ["red.1.1.1"], "red", on=D(2022, 3, 13))
    assert case_of(other).report_due_at == datetime(2022, 3, 13, 12, 0, tzinfo=SHANGHAI)


def test_a_higher_colour_after_reporting_is_a_new_report(world, pregnancy):
    assess(pregnancy, world.qitai_hospital, ["orange.3.7"], "orange", on=D(2022, 3, 10))
    case = case_of(pregnancy)
    services.case_update(actor=None, record=case, reported_at=datetime(2022, 3, 11, 9, 0, tzinfo=SHANGHAI))
    assess(pregnancy, world.qitai_hospital, ["red.1.1.1"], "red", on=D(2022, 3, 20))
    case.refresh_from_db()
    assert (case.colour, case.reported_at) == ("red", None)
    assert case.report_due_at == datetime(2022, 3, 21, 12, 0, tzinfo=SHANGHAI)


def test_deadlines_are_configurable(world, pregnancy, places, settings):
    """rules.report_hours through settings.SHANHAI_MCH_RULES; a partial dict keeps the other defaults."""
    settings.SHANHAI_MCH_RULES = {"report_hours": {"orange": 48}}
    assess(pregnancy, world.qitai_hospital, ["orange.3.7"], "orange")
    assert case_of(pregnancy).report_due_at == NOON + timedelta(hours=48)
    other = make_pregnancy(registered_at=places.township_centre, residence=places.township, lmp=LMP)
    assess(other, world.qitai_hospital, ["red.1.1.1"], "red")
    assert case_of(other).report_due_at == NOON + timedelta(hours=24)


def test_unknown_rule_name_is_a_configuration_error(settings):
    from django.core.exceptions import ImproperlyConfigured

    from shanhai.maternal.rules import mch_rules

    settings.SHANHAI_MCH_RULES = {"report_hour": {"red": 12}}
    with pytest.raises(ImproperlyConfigured, match=r"^SHANHAI_MCH_RULES names unknown rules: report_hour$"):
        mch_rules()


def test_overdue_detection(world, pregnancy):
    assess(pregnancy, world.qitai_hospital, ["red.1.1.1"], "red")  # due 2022-03-11 12:00 +08:00
    case = case_of(pregnancy)
    due = datetime(2022, 3, 11, 12, 0, tzinfo=SHANGHAI)
    assert case.is_report_overdue(due - timedelta(minutes=1)) is False
    assert case.is_report_overdue(due + timedelta(minutes=1)) is True
    assert list(RiskCase.objects.report_overdue(due + timedelta(minutes=1))) == [case]
    assert list(RiskCase.objects.report_overdue(due)) == []
    assert list(RiskCase.objects.report_overdue()) == [case]  # now, years later
    services.case_update(actor=None, record=case, reported_at=due + timedelta(hours=2))
    case.refresh_from_db()
    assert (case.is_report_overdue(), case.was_reported_late) == (False, True)
    assert list(RiskCase.objects.report_overdue()) == []


def test_reporting_and_closing_through_case_update(world, pregnancy):
    assess(pregnancy, world.qitai_hospital, ["orange.3.7"], "orange")
    case = case_of(pregnancy)
    with pytest.raises(ValidationError) as error:
        services.case_update(actor=None, record=case, status=CaseStatus.CLOSED, close_note="分娩后42天")
    assert error.value.message_dict == {"status": ["Report the case to the MCH institution before closing it."]}
    reported = datetime(2022, 3, 11, 9, 30, tzinfo=SHANGHAI)
    case = services.case_update(actor=None, record=case, reported_at=reported)
    assert (case.reported_at, case.was_reported_late) == (reported, False)
    with pytest.raises(ValidationError) as error:
        services.case_update(actor=None, record=case, status=CaseStatus.CLOSED, close_note=" ")
    assert error.value.message_dict == {"close_note": ["Say why the case is closed."]}
    case = services.case_update(actor=None, record=case, status=CaseStatus.CLOSED, close_note="产后42天，结案")
    assert (case.status, case.close_note) == ("closed", "产后42天，结案")
    assert case.closed_at is not None
    case = services.case_update(actor=None, record=case, status=CaseStatus.OPEN)
    assert (case.status, case.closed_at, case.close_note) == ("open", None, "")


def test_a_new_orange_grading_reopens_a_closed_case(world, pregnancy):
    assess(pregnancy, world.qitai_hospital, ["orange.3.7"], "orange", on=D(2022, 3, 10))
    case = case_of(pregnancy)
    services.case_update(actor=None, record=case, reported_at=datetime(2022, 3, 11, 9, 0, tzinfo=SHANGHAI))
    closed = datetime(2022, 4, 1, 10, 0, tzinfo=SHANGHAI)  # the case's own closing time (entered afterwards)
    services.case_update(actor=None, record=case, status=CaseStatus.CLOSED, close_note="病情稳定", closed_at=closed)
    assess(pregnancy, world.qitai_hospital, ["orange.3.8"], "orange", on=D(2022, 5, 2))
    case.refresh_from_db()
    assert (case.status, case.closed_at, case.reported_at) == ("open", None, None)
    assert case.report_due_at == datetime(2022, 5, 5, 12, 0, tzinfo=SHANGHAI)


def test_case_needs_a_named_responsible_person(world, pregnancy):
    assess(pregnancy, world.qitai_hospital, ["orange.3.7"], "orange")
    case = case_of(pregnancy)
    for blank in ("", "  ", "—"):
        with pytest.raises(ValidationError) as error:
            services.case_update(actor=None, record=case, responsible_name=blank)
        assert error.value.message_dict == {"responsible_name": ["A case needs a named responsible person."]}
    assert RiskCase.objects.get(pk=case.pk).responsible_name == ASSESSOR
    manager = make_user("case-manager", unit=world.qitai_mch, role="data_clerk")
    manager.full_name = "阿依古丽"
    manager.save()
    case = services.case_update(actor=None, record=case, responsible=manager)
    assert (case.responsible, case.responsible_name) == (manager, "阿依古丽")
    case = services.case_update(actor=None, record=case, responsible_name="王护士长")
    assert (case.responsible, case.responsible_name) == (None, "王护士长")


def test_case_report_time_rules(world, pregnancy):
    assess(pregnancy, world.qitai_hospital, ["orange.3.7"], "orange")
    case = case_of(pregnancy)
    with pytest.raises(ValidationError) as error:
        services.case_update(actor=None, record=case, reported_at=datetime(2022, 3, 9, 23, 0, tzinfo=SHANGHAI))
    assert error.value.message_dict == {"reported_at": ["The report cannot be before the case was opened."]}
    with pytest.raises(ValidationError) as error:
        services.case_update(actor=None, record=case, reported_at=timezone.now() + timedelta(hours=1))
    assert error.value.message_dict == {"reported_at": ["This time is in the future."]}
    # a time typed without a zone is local (Asia/Shanghai), not UTC; the morning of the opening day is fine
    case = services.case_update(actor=None, record=case, reported_at=datetime(2022, 3, 10, 8, 0))
    assert case.reported_at == datetime(2022, 3, 10, 8, 0, tzinfo=SHANGHAI)


def test_cases_are_not_created_or_deleted_by_hand():
    with pytest.raises(ValidationError) as error:
        services.case_create_refused()
    assert error.value.messages == ["A case opens by itself when a grading is orange, red or purple."]
    with pytest.raises(ValidationError) as error:
        services.case_delete_refused()
    assert error.value.messages == ["A case is closed, not deleted."]
    with pytest.raises(ValidationError) as error:
        services.assessment_change_refused()
    assert error.value.messages == ["Assessments are not changed or deleted; record a new assessment instead."]
