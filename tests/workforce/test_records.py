"""Batches, postings with monthly work logs, visiting trips and placements: services, facts, indicators."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from shanhai.analytics import engine, facts
from shanhai.analytics.models import Fact
from shanhai.core.models import Department, ProfessionalTitle
from shanhai.core.periods import parse_period
from shanhai.workforce import services as s
from shanhai.workforce.indicators import months_within
from shanhai.workforce.models import Posting, PostingLog, PostType
from shanhai.workforce.services import person_create
from tests.core.factories import OrgUnitFactory, PartnershipFactory, ProgrammeFactory

D = dt.date
FACT_COLUMNS = ("metric", "org_unit_id", "anc_1", "anc_2", "anc_3", "anc_4", "anc_5", "anc_6", "programme_id")
FACT_COLUMNS += ("partnership_id", "month", "value", "record_count")


def fact_table() -> list[tuple]:
    return sorted(Fact.objects.values_list(*FACT_COLUMNS))


def values(codes, period, **scope):
    return {v.code: v for v in engine.evaluate(codes, engine.Scope(**scope), parse_period(period))}


def value(code, period, **scope):
    result = values([code], period, **scope)[code]
    return result.value if result.is_reported else None


def person(unit, name, title="233"):
    return person_create(
        actor=None,
        name=name,
        gender="male",
        institution=unit,
        title=ProfessionalTitle.objects.get(code=title),
        department=Department.objects.get(code="04"),
    )


@pytest.fixture
def experts(world):
    return (person(world.fuqing_hospital, "林建国", "231"), person(world.fuqing_hospital, "陈晓明", "233"))


def post(world, who, start, end=None, **kwargs):
    kwargs.setdefault("host", world.qitai_hospital)
    return s.posting_create(
        actor=None, person=who, partnership=world.partnership, started_on=start, ended_on=end, **kwargs
    )


@pytest.fixture
def postings(world, experts):
    lin, chen = experts
    a = post(world, lin, D(2021, 4, 10), D(2021, 9, 30), post=PostType.DEPARTMENT_HEAD)
    b = post(world, chen, D(2021, 6, 1), None, term="short")
    c = post(world, lin, D(2022, 1, 1), D(2022, 3, 31), term="short")
    s.posting_log_create(actor=None, posting=a, month=202104, patients=100, operations_grade_1=2, operations_grade_3=4)
    s.posting_log_create(
        actor=None, posting=a, month=202105, patients=50, operations_grade_4=1, teaching_sessions=3, consultations=2
    )
    return a, b, c


POSTING_CODES = [
    "experts_dispatched",
    "postings_started",
    "experts_on_post",
    "expert_months",
    "experts_senior_share",
    "leadership_posts_held",
    "expert_patient_visits",
    "expert_operations",
    "expert_operations_grade_3_4",
    "expert_teaching_sessions",
    "expert_consultations",
]


def figures(period, **scope):
    return {code: (v.value if v.is_reported else None) for code, v in values(POSTING_CODES, period, **scope).items()}


# --- indicators on a hand-made set ------------------------------------------------------------------
def test_posting_indicators_for_a_year(world, postings):
    assert figures("2021", programme=world.programme) == {
        "experts_dispatched": 2,  # 林建国 and 陈晓明
        "postings_started": 2,
        "experts_on_post": 1,  # 林 left after September; 陈 is open-ended
        "expert_months": 13,  # 林 Apr–Sep 6 + 陈 Jun–Dec 7
        "experts_senior_share": 50,  # 林 is 主任医师
        "leadership_posts_held": 1,
        "expert_patient_visits": 150,
        "expert_operations": 7,
        "expert_operations_grade_3_4": 5,
        "expert_teaching_sessions": 3,
        "expert_consultations": 2,
    }


def test_posting_indicators_next_year_and_not_reported(world, postings):
    second = figures("2022", partnership=world.partnership)
    assert (second["experts_dispatched"], second["postings_started"], second["experts_on_post"]) == (2, 1, 1)
    assert second["expert_months"] == 12 + 3
    assert second["leadership_posts_held"] == 0
    assert second["expert_patient_visits"] is None  # no work log in 2022: not reported, not zero
    assert figures("2019", programme=world.programme) == dict.fromkeys(POSTING_CODES)


def test_posting_scopes(world, postings):
    assert value("experts_dispatched", "2021", org_unit=world.qitai) == 2
    assert value("experts_dispatched", "2021", org_unit=world.fujian, side="supporter") == 2
    assert value("experts_dispatched", "2021", org_unit=world.fujian) is None  # nothing hosted in Fujian
    assert value("expert_patient_visits", "2021", org_unit=world.changji) == 150
    assert value("expert_patient_visits", "2021", org_unit=world.hainan) is None
    other = ProgrammeFactory(owner=world.fujian)
    assert value("experts_dispatched", "2021", programme=other) is None


def test_months_within_counts_whole_calendar_months():
    period = parse_period("2021")
    assert months_within(D(2021, 4, 30), D(2021, 5, 1), period) == 2
    assert months_within(D(2020, 1, 1), None, period, today=D(2021, 3, 15)) == 3
    assert months_within(D(2020, 1, 1), D(2020, 12, 31), period) == 0


def test_edit_and_delete_change_the_indicators(world, postings):
    a, b, _c = postings
    s.posting_update(actor=None, record=b, ended_on=D(2021, 7, 31))
    assert value("experts_on_post", "2021", programme=world.programme) == 0
    assert value("expert_months", "2021", programme=world.programme) == 6 + 2
    log = a.logs.get(month=202105)
    s.posting_log_update(actor=None, record=log, patients=80)
    assert value("expert_patient_visits", "2021", programme=world.programme) == 180
    s.posting_delete(actor=None, record=a)
    assert not PostingLog.objects.exists()
    assert value("expert_patient_visits", "2021", programme=world.programme) is None
    assert value("experts_dispatched", "2021", programme=world.programme) == 1


def test_changing_the_host_moves_the_logs_facts(world, postings):
    a, _b, _c = postings
    campus = OrgUnitFactory(name="奇台县人民医院西院区", kind="campus", parent=world.qitai_hospital)
    s.posting_update(actor=None, record=a, host=campus)
    assert Fact.objects.filter(org_unit_id=campus.id, metric=203).count() == 2
    assert not Fact.objects.filter(org_unit_id=world.qitai_hospital.id, metric=203).exists()


# --- validation ------------------------------------------------------------------------------------------
def errors_of(call, *args, **kwargs) -> dict:
    with pytest.raises(ValidationError) as caught:
        call(*args, **kwargs)
    return caught.value.message_dict


def test_overlapping_postings_are_refused(world, postings, experts):
    lin, _chen = experts
    assert errors_of(post, world, lin, D(2021, 9, 1), D(2021, 12, 31)) == {
        "started_on": [
            "林建国 is already posted to 奇台县人民医院 from 2021-04-10 to 2021-09-30; "
            "postings of one person cannot overlap."
        ]
    }
    assert Posting.objects.count() == 3
    assert post(world, lin, D(2021, 10, 1), D(2021, 12, 31)).pk  # the day after is fine


def test_posting_validation_messages(world, experts):
    lin, _chen = experts
    assert errors_of(post, world, lin, D(2021, 5, 1), D(2021, 4, 1)) == {
        "ended_on": ["The end date (2021-04-01) is before the start date (2021-05-01)."]
    }
    assert errors_of(post, world, lin, D(2021, 1, 1)) == {
        "started_on": ["The start date (2021-01-01) is outside the partnership's period (2021-03-01 to open end)."]
    }
    assert errors_of(post, world, lin, D(2021, 5, 1), host=world.qitai_mch) == {
        "host": [
            "奇台县妇幼保健院 is not on the receiving side of this partnership (奇台县人民医院 or one of its units)."
        ]
    }
    assert errors_of(post, world, lin, D(2021, 5, 1), host=world.qitai) == {
        "host": ["Choose an institution, not a region."]
    }
    other = s.batch_create(
        actor=None, programme=ProgrammeFactory(owner=world.fujian), number=1, started_on=D(2020, 1, 1)
    )
    assert errors_of(post, world, lin, D(2021, 5, 1), batch=other) == {
        "batch": [f"Batch 1 belongs to {other.programme.name}, not to this partnership's programme."]
    }
    assert not Posting.objects.exists()


def test_short_long_term_posting_is_flagged_not_refused(world, experts, settings):
    lin, chen = experts
    short = post(world, lin, D(2021, 4, 1), D(2021, 9, 29))
    six = post(world, chen, D(2021, 4, 1), D(2021, 9, 30))
    assert s.posting_is_short(short) and not s.posting_is_short(six)
    settings.SHANHAI_MIN_LONG_POSTING_MONTHS = 12
    assert s.posting_is_short(six)
    s.posting_update(actor=None, record=six, term="short")
    six.refresh_from_db()
    assert not s.posting_is_short(six)


def test_work_log_validation(world, postings):
    a, _b, _c = postings
    assert errors_of(s.posting_log_create, actor=None, posting=a, month=202110) == {
        "month": ["2021-10 is outside the posting (2021-04 to 2021-09)."]
    }
    assert errors_of(s.posting_log_create, actor=None, posting=a, month=202104, patients=5) == {
        "month": ["This posting already has a work log for 2021-04; edit that one instead."]
    }
    assert errors_of(s.posting_update, actor=None, record=a, started_on=D(2021, 5, 1)) == {
        "started_on": ["Work logs exist for months outside these dates (2021-04); delete those logs first."]
    }
    a.refresh_from_db()
    assert a.started_on == D(2021, 4, 10)
    assert PostingLog.objects.count() == 2


# --- batches -----------------------------------------------------------------------------------------
def test_batches(world, experts):
    lin, chen = experts
    first = s.batch_create(actor=None, programme=world.programme, number=1, started_on=D(2021, 3, 1), name="第一批")
    assert errors_of(s.batch_create, actor=None, programme=world.programme, number=1, started_on=D(2022, 3, 1)) == {
        "number": ["福清—奇台对口支援 already has batch 1."]
    }
    assert errors_of(s.batch_create, actor=None, programme=world.programme, number=2, started_on=D(2019, 3, 1)) == {
        "started_on": ["The batch starts before its programme (2020-01-01)."]
    }
    second = s.batch_create(actor=None, programme=world.programme, number=2, started_on=D(2022, 3, 1))
    post(world, lin, D(2021, 4, 1), D(2022, 2, 28), batch=first)
    post(world, chen, D(2022, 3, 1), D(2023, 2, 28), batch=second)
    assert value("expert_batches", "2021", programme=world.programme) == 1
    assert value("expert_batches", "2021..2022", programme=world.programme) == 2
    assert errors_of(s.batch_delete, actor=None, record=first) == {
        "__all__": ["1 posting belongs to this batch; move or delete it first."]
    }


# --- visiting trips ----------------------------------------------------------------------------------
def test_visiting_trips(world, experts):
    lin, chen = experts
    wang = person(world.fuqing_hospital, "王志强", "232")
    trip = s.visiting_trip_create(
        actor=None,
        partnership=world.partnership,
        host=world.qitai_hospital,
        started_on=D(2021, 7, 12),
        ended_on=D(2021, 7, 16),
        experts=[lin, chen],
        purpose="普外科巡诊与教学查房",
    )
    s.visiting_trip_create(
        actor=None,
        partnership=world.partnership,
        host=world.qitai_hospital,
        started_on=D(2021, 10, 8),
        experts=[chen, wang, chen],
        purpose="影像诊断培训",
    )
    assert value("visiting_trips", "2021", programme=world.programme) == 2
    assert value("visiting_experts", "2021", programme=world.programme) == 3
    assert value("visiting_experts", "2021Q3", programme=world.programme) == 2
    assert value("visiting_trips", "2022", programme=world.programme) == 0  # trips kept since 2021: none is 0
    assert value("visiting_trips", "2020", programme=world.programme) is None  # before the first: unknown
    s.visiting_trip_update(actor=None, record=trip, experts=[wang], started_on=D(2022, 1, 5), ended_on=D(2022, 1, 6))
    assert value("visiting_trips", "2021", programme=world.programme) == 1
    assert value("visiting_experts", "2021", programme=world.programme) == 2
    assert value("visiting_experts", "2022", programme=world.programme) == 1
    assert errors_of(
        s.visiting_trip_create,
        actor=None,
        partnership=world.partnership,
        host=world.qitai_hospital,
        started_on=D(2021, 7, 12),
        experts=[],
        purpose=" ",
    ) == {
        "experts": ["Name at least one visiting expert."],
        "purpose": ["Say what the trip was for (e.g. ward rounds and teaching in cardiology)."],
    }


# --- placements ---------------------------------------------------------------------------------------
def test_placements(world):
    ma = person(world.qitai_hospital, "马玉兰")
    li = person(world.qitai_hospital, "李春华")

    def place(who, start, end=None, **kwargs):
        kwargs.setdefault("host", world.fuqing_hospital)
        return s.placement_create(
            actor=None,
            person=who,
            partnership=world.partnership,
            kind="study",
            started_on=start,
            ended_on=end,
            **kwargs,
        )

    first = place(ma, D(2021, 5, 1), D(2021, 10, 31), after_return="回院开展腹腔镜手术", new_post="department_head")
    place(li, D(2021, 11, 15))
    assert first.home == world.qitai_hospital
    assert value("staff_placed", "2021", programme=world.programme) == 2
    assert value("placement_person_months", "2021", programme=world.programme) == 6 + 2
    assert value("staff_on_placement", "2021", programme=world.programme) == 1
    assert value("staff_placed", "2021", org_unit=world.qitai) == 2
    assert value("staff_placed", "2021", org_unit=world.fuqing, side="supporter") == 2
    assert value("staff_placed", "2020", programme=world.programme) is None
    assert errors_of(place, ma, D(2021, 10, 1), D(2021, 12, 31)) == {
        "started_on": [
            "马玉兰 is already placed at 福清市医院 from 2021-05-01 to 2021-10-31; placements of one person cannot overlap."
        ]
    }
    outsider = person(world.haikou_hospital, "海口医生")
    assert errors_of(place, outsider, D(2021, 5, 1), host=world.qitai_hospital) == {
        "person": ["海口医生 works at 海口市人民医院, not on the receiving side of this partnership (奇台县人民医院)."],
        "host": ["奇台县人民医院 is not on the supporting side of this partnership (福清市医院 or one of its units)."],
    }
    s.placement_delete(actor=None, record=first)
    assert value("staff_placed", "2021", programme=world.programme) == 1


# --- rebuild == incremental -------------------------------------------------------------------------------
def test_rebuild_equals_incremental(world, postings, experts):
    _a, b, c = postings
    lin, chen = experts
    mch = PartnershipFactory(
        supporter=world.fuqing_hospital, recipient=world.qitai_mch, started_on=D(2020, 6, 1), programme=None
    )
    trip = s.visiting_trip_create(
        actor=None, partnership=mch, host=world.qitai_mch, started_on=D(2021, 3, 3), experts=[lin], purpose="产科巡诊"
    )
    s.visiting_trip_update(actor=None, record=trip, experts=[lin, chen])
    staff = person(world.qitai_mch, "张秀英")
    placement = s.placement_create(
        actor=None,
        person=staff,
        partnership=mch,
        host=world.fuqing_hospital,
        kind="attachment",
        started_on=D(2021, 1, 4),
    )
    s.placement_update(actor=None, record=placement, ended_on=D(2021, 6, 30))
    s.posting_update(actor=None, record=b, ended_on=D(2022, 6, 30))
    s.posting_log_create(actor=None, posting=b, month=202107, patients=0, consultations=9)
    s.posting_delete(actor=None, record=c)
    incremental = fact_table()
    mine = [row for row in incremental if row[0] > 200]
    assert len(mine) == 2 * 7 + 7 + 2 + 2 + 1 + 2  # logs, starts/lefts of a and b, trip, placement
    facts.rebuild()
    assert fact_table() == incremental


def test_a_posted_expert_comes_from_the_supporting_side(world):
    """Issue 14: an expert of the receiving side (or anywhere else) cannot be posted on the partnership."""
    local = person(world.qitai_hospital, "本地医生")
    with pytest.raises(ValidationError) as error:
        s.posting_create(
            actor=None, person=local, partnership=world.partnership, host=world.qitai_hospital, started_on=D(2021, 4, 1)
        )
    assert error.value.message_dict["person"] == [
        "本地医生 works at 奇台县人民医院, which is not on the supporting side of this partnership (福清市医院 or one "
        "of its units)."
    ]
    assert Posting.objects.count() == 0
    expert = person(world.fuqing_hospital, "福清专家")
    s.posting_create(
        actor=None, person=expert, partnership=world.partnership, host=world.qitai_hospital, started_on=D(2021, 4, 1)
    )
