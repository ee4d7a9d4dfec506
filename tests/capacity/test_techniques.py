import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from shanhai.analytics import facts
from shanhai.analytics.engine import Scope, evaluate
from shanhai.analytics.models import Fact
from shanhai.capacity import services
from shanhai.capacity.models import SpecialtyUnit, Technique, TechniqueMonth, TechniqueStatus
from shanhai.capacity.status import CaseMonth, status_from, technique_status
from shanhai.core.models import AuditEntry, Department
from shanhai.core.periods import parse_period
from shanhai.partnerships.services import partnership_update
from shanhai.records.kinds import kind_of
from shanhai.records.selectors import can_write_record, record_list
from shanhai.workforce.models import Posting
from tests.core.factories import PartnershipFactory

FACT_COLUMNS = ("metric", "org_unit_id", "anc_1", "anc_2", "anc_3", "programme_id", "partnership_id", "month", "value")


def fact_table():
    return sorted(Fact.objects.values_list(*FACT_COLUMNS))


def values(codes, scope, period):
    return {v.code: (v.numerator, v.denominator, v.value) for v in evaluate(codes, scope, parse_period(period))}


def assert_rebuild_matches():
    incremental = fact_table()
    facts.rebuild()
    assert fact_table() == incremental


S = TechniqueStatus


# --- the status rule ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("months", "left", "on", "expected"),
    [
        ([], None, dt.date(2022, 1, 31), S.INTRODUCED),
        ([CaseMonth(202106, 0, 0)], None, dt.date(2022, 1, 31), S.INTRODUCED),
        ([CaseMonth(202106, 2, 0)], None, dt.date(2022, 1, 31), S.TRANSFERRING),
        ([CaseMonth(202106, 2, 0), CaseMonth(202107, 1, 1)], None, dt.date(2022, 1, 31), S.TRANSFERRED),
        # cases after ``on`` are not looked at
        ([CaseMonth(202106, 2, 0), CaseMonth(202203, 0, 1)], None, dt.date(2022, 1, 31), S.TRANSFERRING),
        # experts left 2021-10: the threshold is 2022-04 (N = 6)
        ([CaseMonth(202109, 0, 3)], dt.date(2021, 10, 15), dt.date(2022, 3, 31), S.TRANSFERRED),
        ([CaseMonth(202109, 0, 3), CaseMonth(202204, 0, 1)], dt.date(2021, 10, 15), dt.date(2022, 4, 30), S.SUSTAINED),
        (
            [CaseMonth(202109, 0, 3), CaseMonth(202202, 0, 1)],
            dt.date(2021, 10, 15),
            dt.date(2022, 4, 30),
            S.TRANSFERRED,
        ),
        ([CaseMonth(202109, 0, 3)], dt.date(2021, 10, 15), dt.date(2022, 4, 30), S.LAPSED),
        # sustained once, then no independent case for six months: lapsed since
        ([CaseMonth(202109, 0, 3), CaseMonth(202204, 0, 1)], dt.date(2021, 10, 15), dt.date(2022, 10, 31), S.LAPSED),
        ([CaseMonth(202109, 0, 3), CaseMonth(202204, 0, 1)], dt.date(2021, 10, 15), dt.date(2022, 9, 30), S.SUSTAINED),
        # experts leave after ``on``: still on site
        ([CaseMonth(202109, 0, 3)], dt.date(2023, 1, 1), dt.date(2022, 10, 31), S.TRANSFERRED),
    ],
)
def test_status_rule(months, left, on, expected):
    assert status_from(months, left, on, n=6) == expected


def test_sustain_months_come_from_settings(settings):
    settings.SHANHAI_SUSTAIN_MONTHS = 3
    months = [CaseMonth(202109, 0, 3), CaseMonth(202201, 0, 1)]
    assert status_from(months, dt.date(2021, 10, 15), dt.date(2022, 1, 31)) == S.SUSTAINED


def test_status_uses_the_partnership_end_without_postings(world, admin, make_technique, add_month):
    technique = make_technique()
    add_month(technique, 202106, expert=3)
    add_month(technique, 202107, expert=1, supervised=2)
    assert technique_status(technique, on=dt.date(2021, 7, 31)) == S.TRANSFERRING
    add_month(technique, 202109, independent=2)
    assert technique_status(technique, on=dt.date(2021, 9, 30)) == S.TRANSFERRED
    partnership_update(actor=admin, partnership=world.partnership, ended_on=dt.date(2021, 12, 31))
    technique.refresh_from_db()
    assert technique_status(technique, on=dt.date(2022, 5, 31)) == S.TRANSFERRED  # gone 5 months only
    assert technique_status(technique, on=dt.date(2022, 6, 30)) == S.LAPSED  # gone 6, none since 2021-09
    add_month(technique, 202207, independent=1)
    assert technique_status(technique, on=dt.date(2022, 7, 31)) == S.SUSTAINED


def test_status_uses_the_last_posting_of_the_department(world, expert, make_technique, add_month, surgery):
    technique = make_technique()
    add_month(technique, 202106, independent=1)
    add_month(technique, 202203, independent=1)
    surgery_child = Department.objects.filter(parent=surgery).first() or surgery
    common = {"person": expert, "partnership": world.partnership, "host": world.qitai_hospital}
    Posting.objects.create(
        **common, department=surgery_child, started_on=dt.date(2021, 3, 1), ended_on=dt.date(2021, 8, 31)
    )
    Posting.objects.create(**common, department=surgery, started_on=dt.date(2021, 3, 1), ended_on=dt.date(2021, 9, 30))
    # another department's posting does not keep the experts "on site"
    Posting.objects.create(
        **common, department=Department.objects.get(code="03"), started_on=dt.date(2021, 3, 1), ended_on=None
    )
    assert technique_status(technique, on=dt.date(2022, 3, 31)) == S.SUSTAINED  # left 2021-09, threshold 2022-03
    assert technique_status(technique, on=dt.date(2022, 9, 30)) == S.LAPSED
    Posting.objects.create(**common, department=surgery, started_on=dt.date(2022, 5, 1), ended_on=None)
    assert technique_status(technique, on=dt.date(2022, 9, 30)) == S.TRANSFERRED  # an expert is back on site


# --- validation -------------------------------------------------------------------------------------
def test_technique_validation_messages(world, make_technique, expert):
    with pytest.raises(ValidationError) as error:
        make_technique(name=" ", host=world.haikou_hospital, approved_on=dt.date(2021, 1, 5))
    assert error.value.message_dict == {
        "name": ["Enter the technique's name."],
        "host": [
            "海口市人民医院 is not the partnership's recipient (奇台县人民医院) nor part of it; "
            "choose the recipient or one of its campuses."
        ],
        "approved_on": ["The date is before the partnership started (2021-03-01)."],
    }
    with pytest.raises(ValidationError) as error:
        make_technique(host=world.qitai, first_case_on=dt.date(2021, 6, 1), introducing_expert=None)
    assert error.value.message_dict == {
        "host": ["Choose an institution, not a region."],
        "first_case_on": ["The first case cannot be before the technique was approved (2021-06-10)."],
    }
    local = type(expert).objects.create(name="本地医生", gender="male", institution=world.qitai_hospital)
    with pytest.raises(ValidationError) as error:
        make_technique(introducing_expert=local)
    assert error.value.message_dict == {
        "introducing_expert": ["本地医生 does not work at the supporting side of this partnership (福清市医院)."]
    }
    assert Technique.objects.count() == 0
    assert Fact.objects.filter(metric__gte=401, metric__lte=499).count() == 0


def test_month_validation_messages(make_technique, add_month):
    technique = make_technique()
    add_month(technique, 202106, expert=1)
    with pytest.raises(ValidationError) as error:
        add_month(technique, 202106, expert=2)
    assert error.value.message_dict == {
        "month": ["Cases for 2021-06 are already recorded for this technique; change that month instead."]
    }
    with pytest.raises(ValidationError) as error:
        add_month(technique, 202105, expert=2)
    assert error.value.message_dict == {"month": ["2021-05 is before the technique was approved (2021-06-10)."]}
    assert TechniqueMonth.objects.count() == 1


# --- facts and indicators -------------------------------------------------------------------------------
TECHNIQUE_CODES = [
    "techniques_introduced",
    "techniques_gap_filled",
    "techniques_gap_county",
    "techniques_gap_prefecture",
    "technique_cases_independent",
    "technique_cases_local_share",
]


def test_technique_indicators_edit_delete_and_rebuild(world, admin, make_technique, add_month):
    first = make_technique(gap_level="county")
    second = make_technique(name="经皮冠状动脉介入治疗", gap_level="prefecture", approved_on=dt.date(2021, 9, 1))
    make_technique(name="无痛胃肠镜", surgical_grade="non_surgical", approved_on=dt.date(2022, 2, 1))
    add_month(first, 202107, expert=4, supervised=2, independent=0)
    add_month(first, 202108, expert=1, supervised=1, independent=2)
    scope = Scope(org_unit=world.qitai)
    assert values(TECHNIQUE_CODES, scope, "2021") == {
        "techniques_introduced": (2.0, None, 2.0),
        "techniques_gap_filled": (2.0, None, 2.0),
        "techniques_gap_county": (1.0, None, 1.0),
        "techniques_gap_prefecture": (1.0, None, 1.0),
        "technique_cases_independent": (2.0, None, 2.0),
        "technique_cases_local_share": (5.0, 10.0, 50.0),
    }
    assert values(TECHNIQUE_CODES, Scope(partnership=world.partnership), "2022")["techniques_introduced"] == (
        1.0,
        None,
        1.0,
    )
    assert values(["techniques_introduced"], Scope(org_unit=world.hainan), "2021") == {
        "techniques_introduced": (None, None, None)
    }
    assert_rebuild_matches()

    services.technique_update(actor=admin, record=second, gap_level="none", approved_on=dt.date(2022, 1, 5))
    assert values(["techniques_introduced", "techniques_gap_filled"], scope, "2021") == {
        "techniques_introduced": (1.0, None, 1.0),
        "techniques_gap_filled": (1.0, None, 1.0),
    }
    assert_rebuild_matches()

    services.technique_delete(actor=admin, record=first)
    assert TechniqueMonth.objects.count() == 0
    assert values(TECHNIQUE_CODES, scope, "2021") == {code: (None, None, None) for code in TECHNIQUE_CODES}
    assert_rebuild_matches()
    assert list(AuditEntry.objects.filter(object_type="capacity.technique").values_list("action", flat=True)) == [
        "delete",
        "update",
        "create",
        "create",
        "create",
    ]


def test_months_follow_their_technique_to_another_partnership(world, admin, make_technique, add_month):
    other = PartnershipFactory(supporter=world.haikou_hospital, recipient=world.qitai_hospital, programme=None)
    technique = make_technique()
    add_month(technique, 202107, expert=3, independent=1)
    services.technique_update(actor=admin, record=technique, partnership=other)
    assert values(["technique_cases_independent"], Scope(partnership=world.partnership), "2021") == {
        "technique_cases_independent": (None, None, None)
    }
    assert values(["technique_cases_independent"], Scope(partnership=other), "2021") == {
        "technique_cases_independent": (1.0, None, 1.0)
    }
    assert_rebuild_matches()


def test_status_measures_as_of_the_period_end(world, admin, make_technique, add_month):
    partnership_update(actor=admin, partnership=world.partnership, ended_on=dt.date(2021, 12, 31))
    sustained = make_technique(name="A")
    lapsed = make_technique(name="B")
    transferring = make_technique(name="C")
    make_technique(name="D")  # introduced only
    for technique in (sustained, lapsed):
        add_month(technique, 202107, expert=2, independent=1)
    add_month(sustained, 202208, independent=3)
    add_month(transferring, 202107, supervised=1)
    codes = ["techniques_transferred", "techniques_sustained", "techniques_lapsed"]
    assert values(codes, Scope(programme=world.programme), "2021") == {
        "techniques_transferred": (2.0, None, 2.0),
        "techniques_sustained": (0.0, None, 0.0),
        "techniques_lapsed": (0.0, None, 0.0),
    }
    assert values(codes, Scope(org_unit=world.changji), "2022") == {
        "techniques_transferred": (2.0, None, 2.0),
        "techniques_sustained": (1.0, None, 1.0),
        "techniques_lapsed": (1.0, None, 1.0),
    }
    assert values(codes, Scope(org_unit=world.fujian, side="supporter"), "2022")["techniques_sustained"] == (
        1.0,
        None,
        1.0,
    )
    assert values(codes, Scope(org_unit=world.hainan), "2022") == {c: (None, None, None) for c in codes}
    assert values(codes, Scope(org_unit=world.changji), "202101")["techniques_transferred"] == (None, None, None)
    services.technique_month_update(
        actor=admin, record=lapsed.months.get(month=202107), independent_cases=0, supervised_cases=1
    )
    assert values(codes, Scope(org_unit=world.changji), "2022")["techniques_lapsed"] == (0.0, None, 0.0)


def test_specialty_indicators(world, admin, surgery, expert):
    common = {"actor": admin, "partnership": world.partnership, "host": world.qitai_hospital}
    services.specialty_create(**common, name="重症医学科", kind="new_department", established_on=dt.date(2021, 5, 1))
    services.specialty_create(**common, name="普外科", kind="key_specialty", established_on=dt.date(2021, 8, 1))
    studio = services.specialty_create(
        **common, name="林专家工作室", kind="expert_studio", established_on=dt.date(2021, 9, 1), lead_expert=expert
    )
    services.specialty_create(**common, name="博士工作站", kind="workstation", established_on=dt.date(2022, 3, 1))
    codes = ["new_departments", "key_specialties", "expert_studios"]
    scope = Scope(programme=world.programme)
    assert values(codes, scope, "2021") == {
        "new_departments": (1.0, None, 1.0),
        "key_specialties": (1.0, None, 1.0),
        "expert_studios": (1.0, None, 1.0),
    }
    assert values(codes, scope, "2021..2022")["expert_studios"] == (2.0, None, 2.0)
    services.specialty_update(actor=admin, record=studio, established_on=dt.date(2022, 1, 1))
    # Moved to 2022: none established in 2021 — 0, as the programme keeps such records since 2021.
    assert values(codes, scope, "2021")["expert_studios"] == (0.0, None, 0.0)
    with pytest.raises(ValidationError) as error:
        services.specialty_create(**common, name=" ", kind="new_department", established_on=dt.date(2020, 1, 1))
    assert error.value.message_dict == {
        "name": ["Enter the name of the department, specialty or studio."],
        "established_on": ["The date is before the partnership started (2021-03-01)."],
    }
    assert SpecialtyUnit.objects.count() == 4
    assert_rebuild_matches()


# --- access --------------------------------------------------------------------------------------------
def test_access_follows_host_and_partnership(
    world, make_technique, hospital_admin, supporter_user, outsider, mch_worker
):
    technique = make_technique()
    kind = kind_of("techniques")
    assert list(record_list(kind, hospital_admin)) == [technique]
    assert list(record_list(kind, supporter_user)) == [technique]
    assert list(record_list(kind, outsider)) == []
    assert list(record_list(kind, mch_worker)) == []
    assert can_write_record(kind, hospital_admin, technique)
    assert not can_write_record(kind, outsider, technique)


def test_detail_page_and_api(client, world, hospital_admin, outsider, make_technique, add_month, surgery):
    technique = make_technique()
    add_month(technique, 202107, expert=2, supervised=1)
    client.force_login(hospital_admin)
    page = client.get(f"/records/techniques/{technique.public_id}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Transferring" in html
    assert f"/records/technique-cases/new/?technique={technique.public_id}" in html
    response = client.post(
        "/api/v1/records/techniques/",
        {
            "name": "无痛胃肠镜检查",
            "department": "03",
            "surgical_grade": "non_surgical",
            "partnership": str(world.partnership.pk),
            "host": world.qitai_hospital.code,
            "approved_on": "2022-03-01",
            "gap_level": "county",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert Technique.objects.filter(name="无痛胃肠镜检查", gap_level="county").count() == 1
    client.force_login(outsider)
    assert client.get(f"/records/techniques/{technique.public_id}/").status_code == 404
