"""The training demo records: the scenario figures through the engine (S1, S3, S5), on the demo."""

import pytest

from shanhai.analytics.engine import Scope, evaluate
from shanhai.core.periods import parse_period
from shanhai.demo import records_training as demo
from shanhai.demo.scenarios import S1_PROGRAMME, S3_PROGRAMME, S5_PROGRAMME_BEIJING
from shanhai.partnerships.models import Partnership, Programme
from shanhai.telehealth.models import DiscussionAttendance, DiscussionStatus, Side
from shanhai.training.models import Apprenticeship, Course, MentorshipHandover, SessionKind
from shanhai.workforce.models import Person


def _figures(scope, period, codes):
    return {v.code: v.value for v in evaluate(codes, scope, parse_period(period))}


pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo")]


def test_s1_study_course():
    partnership = Partnership.objects.get(supporter__name="福清市妇幼保健院", recipient__name="奇台县妇幼保健院")
    scope = Scope(partnership=partnership)
    assert _figures(scope, demo.S1_COURSE_PERIOD, ["training_person_times", "courses_held", "people_trained"]) == {
        "training_person_times": demo.S1_PERSON_TIMES,
        "courses_held": 1,
        "people_trained": demo.S1_PERSON_TIMES,
    }
    course = Course.objects.get(title=demo.S1_COURSE_TITLE)
    assert (course.started_on.isoformat(), course.ended_on.isoformat()) == ("2025-10-16", "2025-10-21")
    assert course.recipient.code == "652325"
    assert course.participants.count() == 16
    assert not course.participants.exclude(institution__path__startswith=course.recipient.path).exists()
    assert course.sessions.filter(kind=SessionKind.SITE_VISIT).count() == demo.S1_SITE_VISITS
    assert {s.kind for s in course.sessions.all()} == set(SessionKind.values)
    programme_scope = Scope(programme=Programme.objects.get(name=S1_PROGRAMME))
    # The programme's person-times also count its hospitals' weekly case discussions (recipient-side attendance).
    discussions = DiscussionAttendance.objects.filter(
        discussion__partnership__programme=programme_scope.programme,
        discussion__status=DiscussionStatus.HELD,
        discussion__scheduled_on__year=2025,
        attended=True,
        side=Side.RECIPIENT,
    ).count()
    assert _figures(programme_scope, "2025", ["training_person_times"]) == {"training_person_times": 16 + discussions}


def test_s3_short_term_training_in_fujian():
    scope = Scope(programme=Programme.objects.get(name=S3_PROGRAMME))
    assert _figures(scope, demo.S3_PERIOD, ["courses_held", "training_person_times"]) == {
        "courses_held": demo.S3_COURSES,
        "training_person_times": demo.S3_PERSON_TIMES,
    }


def test_s5_beijing_yushu():
    scope = Scope(programme=Programme.objects.get(name=S5_PROGRAMME_BEIJING))
    assert _figures(scope, demo.S5_PERIOD, ["backbones_trained", "training_person_times", "courses_held"]) == {
        "backbones_trained": demo.S5_BACKBONES,
        "training_person_times": demo.S5_PERSON_TIMES,
        "courses_held": demo.S5_COURSES,
    }
    assert _figures(scope, "2025", ["mentorships_active", "apprentices"]) == {
        "mentorships_active": demo.S5_APPRENTICES_IN_TRAINING,
        "apprentices": demo.S5_APPRENTICES_IN_TRAINING
        + Apprenticeship.objects.filter(
            backbone_on__year=2025, mentorship__partnership__programme=scope.programme
        ).count(),
    }
    assert MentorshipHandover.objects.count() == demo.S5_HANDOVERS
    apprentices = Person.objects.filter(apprenticeships__isnull=False).distinct()
    assert apprentices.count() == demo.S5_BACKBONES + demo.S5_APPRENTICES_IN_TRAINING
    assert set(apprentices.values_list("institution__name", flat=True)) == {"玉树州人民医院"}


def test_people_are_counted(demo_database):
    """The trainees and apprentices the training records add are counted in the loader's summary line."""
    assert f", {Person.objects.count()} people, " in demo_database.summary
