"""Courses: services, validation, facts (rebuild == incremental) and the four training indicators."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from shanhai.analytics import engine
from shanhai.analytics.models import Fact
from shanhai.core.models import AuditEntry
from shanhai.core.periods import parse_period
from shanhai.training import services
from shanhai.training.models import Course, CourseGroup
from tests.core.factories import PartnershipFactory, PersonFactory

CODES = ["courses_held", "training_person_times", "people_trained", "training_hours"]
FACT_COLUMNS = ("metric", "org_unit_id", "anc_1", "anc_2", "anc_3", "anc_4", "anc_5", "anc_6", "programme_id",
                "partnership_id", "month", "value", "record_count")  # fmt: skip


def fact_table():
    return sorted(Fact.objects.values_list(*FACT_COLUMNS))


def figures(scope, period="2024"):
    return {v.code: v.value for v in engine.evaluate(CODES, scope, parse_period(period))}


@pytest.fixture
def people(world):
    trainees = [PersonFactory(name=f"学员{i}", institution=world.qitai_hospital) for i in range(4)]
    trainer = PersonFactory(name="林医生", institution=world.fuqing_hospital)
    return trainees, trainer


def make_course(world, people, **overrides):
    trainees, trainer = people
    values = {
        "actor": None,
        "title": "急诊急救技能培训班",
        "kind": "training_course",
        "started_on": dt.date(2024, 5, 10),
        "ended_on": dt.date(2024, 5, 12),
        "organiser": world.fuqing_hospital,
        "partnership": world.partnership,
        "hours": Decimal("18"),
        "trainers": [trainer],
        "participants": trainees[:3],
        "place": "奇台县人民医院",
    } | overrides
    return services.course_create(**values)


def test_course_counts_on_the_recipient_with_partnership_and_programme(world, people):
    course = make_course(world, people)
    assert course.recipient == world.qitai_hospital  # defaults to the partnership's recipient
    assert figures(engine.Scope(partnership=world.partnership)) == {
        "courses_held": 1,
        "training_person_times": 3,
        "people_trained": 3,
        "training_hours": 18.0,
    }
    assert figures(engine.Scope(programme=world.programme))["training_person_times"] == 3
    assert figures(engine.Scope(org_unit=world.fujian, side="supporter"))["people_trained"] == 3
    assert figures(engine.Scope(org_unit=world.qitai))["courses_held"] == 1
    assert figures(engine.Scope(org_unit=world.hainan)) == dict.fromkeys(CODES)  # not reported, not zero
    assert figures(engine.Scope(partnership=world.partnership), period="2023") == dict.fromkeys(CODES)
    assert AuditEntry.objects.filter(object_type__icontains="course", action="create").count() == 1


def test_counted_groups_add_person_times_but_not_distinct_people(world, people):
    course = make_course(world, people)
    services.course_group_create(actor=None, course=course, institution=world.qitai_mch, count=12)
    second = make_course(world, people, title="第二期", started_on=dt.date(2024, 9, 2), ended_on=None,
                         participants=people[0][1:4], hours=6)  # fmt: skip
    assert figures(engine.Scope(partnership=world.partnership)) == {
        "courses_held": 2,
        "training_person_times": 3 + 12 + 3,
        "people_trained": 4,
        "training_hours": 24.0,
    }
    assert second.ended_on == second.started_on


def test_edits_and_deletes_move_the_figures(world, people, rebuild_facts):
    course = make_course(world, people)
    group = services.course_group_create(actor=None, course=course, institution=world.qitai_mch, count=5)
    services.course_update(actor=None, record=course, participants=people[0][:1], hours=Decimal("7.5"))
    assert figures(engine.Scope(partnership=world.partnership)) == {
        "courses_held": 1,
        "training_person_times": 6,
        "people_trained": 1,
        "training_hours": 7.5,
    }
    # moving the course to 2025 moves its counted group with it (dependents)
    services.course_update(actor=None, record=course, started_on=dt.date(2025, 1, 5), ended_on=dt.date(2025, 1, 6))
    assert figures(engine.Scope(partnership=world.partnership)) == dict.fromkeys(CODES)
    assert figures(engine.Scope(partnership=world.partnership), "2025")["training_person_times"] == 6
    services.course_group_update(actor=None, record=group, count=9)
    assert figures(engine.Scope(partnership=world.partnership), "2025")["training_person_times"] == 10
    incremental = fact_table()
    rebuild_facts()
    assert fact_table() == incremental
    services.course_delete(actor=None, record=course)
    assert Fact.objects.count() == 1  # only the partnership's own start remains
    assert not CourseGroup.objects.exists()


def test_rebuild_equals_incremental(world, people, rebuild_facts):
    other = PartnershipFactory(supporter=world.fuqing_hospital, recipient=world.qitai_mch, mode="pairing",
                               started_on=dt.date(2020, 6, 1), programme=world.programme)  # fmt: skip
    a = make_course(world, people)
    b = make_course(world, people, partnership=other, participants=people[0], hours=0)
    c = make_course(world, people, partnership=None, recipient=world.qitai, started_on=dt.date(2023, 11, 30),
                    ended_on=dt.date(2023, 12, 1))  # fmt: skip
    services.course_group_create(actor=None, course=a, institution=world.qitai_mch, count=7)
    services.course_group_create(actor=None, course=b, institution=world.qitai_hospital, count=3)
    services.course_group_create(actor=None, course=c, institution=world.qitai_hospital, count=20)
    services.course_update(actor=None, record=b, partnership=world.partnership)
    incremental = fact_table()
    rebuild_facts()
    assert fact_table() == incremental
    assert figures(engine.Scope(org_unit=world.qitai), "2023")["training_person_times"] == 23


def test_validation_messages(world, people):
    with pytest.raises(ValidationError) as error:
        make_course(world, people, title=" ", ended_on=dt.date(2024, 5, 1), trainers=people[0][:1])
    assert error.value.message_dict == {
        "title": ["Enter the course's title."],
        "ended_on": ["The course ends (2024-05-01) before it starts (2024-05-10)."],
        "participants": ["学员0 cannot be both a trainer and a participant."],
    }
    with pytest.raises(ValidationError) as error:
        make_course(world, people, started_on=dt.date(2020, 1, 1), ended_on=dt.date(2020, 1, 2))
    assert error.value.message_dict == {"started_on": ["This is before the partnership started (2021-03-01)."]}
    with pytest.raises(ValidationError) as error:
        make_course(world, people, partnership=None)
    assert error.value.message_dict == {
        "recipient": ["Choose the trainees' organisation, or a partnership whose recipient it is."]
    }
    assert not Course.objects.exists()
    assert not Fact.objects.exclude(metric__in=[101, 102, 103]).exists()


def test_sessions_stay_within_the_course(world, people):
    course = make_course(world, people)
    session = services.course_session_create(actor=None, course=course, on=dt.date(2024, 5, 11), kind="hands_on",
                                             topic="心肺复苏实操", hours=3)  # fmt: skip
    with pytest.raises(ValidationError) as error:
        services.course_session_create(actor=None, course=course, on=dt.date(2024, 5, 20), kind="lecture", topic="")
    assert error.value.message_dict == {
        "topic": ["Enter the session's topic."],
        "on": ["The session must be within the course's dates (2024-05-10 – 2024-05-12)."],
    }
    with pytest.raises(ValidationError) as error:
        services.course_update(actor=None, record=course, started_on=dt.date(2024, 5, 12))
    assert error.value.message_dict == {
        "started_on": ["The session “心肺复苏实操” on 2024-05-11 would fall outside the course's dates; move it first."]
    }
    course.refresh_from_db()
    assert course.started_on == dt.date(2024, 5, 10)
    assert list(course.sessions.all()) == [session]


def test_group_validation(world, people):
    course = make_course(world, people)
    services.course_group_create(actor=None, course=course, institution=world.qitai_mch, count=4)
    with pytest.raises(ValidationError) as error:
        services.course_group_create(actor=None, course=course, institution=world.qitai_mch, count=0)
    assert error.value.message_dict == {
        "count": ["Enter how many participants came from this institution (at least 1)."],
        "institution": ["This course already has a group from 奇台县妇幼保健院; change its count instead."],
    }
    assert figures(engine.Scope(partnership=world.partnership))["training_person_times"] == 7
