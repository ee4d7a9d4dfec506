"""S1's weekly Fuqing–Qitai case discussions on the demo: the figures through the engine equal a hand count of the
records, and the training person-times of the S1 programme are the course's plus the discussions'."""

from __future__ import annotations

import pytest

from shanhai.analytics.engine import Scope, evaluate
from shanhai.core.periods import parse_period
from shanhai.demo import records_discussions as demo
from shanhai.demo.scenarios import S1_PROGRAMME
from shanhai.partnerships.models import Partnership, Programme
from shanhai.telehealth.models import CaseDiscussion, DiscussedCase, DiscussionAttendance, DiscussionStatus, Side
from shanhai.training.models import Course

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo")]


def test_s1_weekly_case_discussions_through_the_engine():
    partnership = Partnership.objects.get(
        supporter__name=demo.S1_HOST, programme__name=S1_PROGRAMME, recipient__name="奇台县总医院人民医院院区"
    )
    held = CaseDiscussion.objects.filter(partnership=partnership, status=DiscussionStatus.HELD, scheduled_on__year=2025)
    # 52 Thursdays in 2025, two of them holidays (劳动节 1 May, 国庆 2 October): cancelled.
    assert held.count() == 50
    assert set(held.values_list("scheduled_on__week_day", flat=True)) == {5}  # Thursdays (Sunday is 1)
    attended = DiscussionAttendance.objects.filter(discussion__in=held, attended=True)
    values = {
        v.code: v.value
        for v in evaluate(
            ["discussions_held", "cases_discussed", "discussion_attendance"],
            Scope(partnership=partnership),
            parse_period("2025"),
        )
    }
    assert values == {
        "discussions_held": held.count(),
        "cases_discussed": DiscussedCase.objects.filter(discussion__in=held).count(),
        "discussion_attendance": attended.count(),
    }
    cases_per_session = [s.cases.count() for s in held]
    assert set(cases_per_session) == {1, 2, 3}
    assert set(attended.values_list("side", flat=True)) == {Side.SUPPORTING, Side.RECIPIENT}
    assert CaseDiscussion.objects.filter(partnership=partnership, status=DiscussionStatus.SCHEDULED).count() == 4


def test_s1_programme_person_times_are_the_course_and_the_discussions():
    programme = Programme.objects.get(name=S1_PROGRAMME)
    course = Course.objects.get(partnership__programme=programme, started_on__year=2025)
    trainees = DiscussionAttendance.objects.filter(
        discussion__partnership__programme=programme,
        discussion__status=DiscussionStatus.HELD,
        discussion__scheduled_on__year=2025,
        attended=True,
        side=Side.RECIPIENT,
    ).count()
    (value,) = evaluate(["training_person_times"], Scope(programme=programme), parse_period("2025"))
    assert value.value == course.participants.count() + trainees
