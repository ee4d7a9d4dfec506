"""A 专案 entered afterwards is judged by its own dates (``rules.case_escalation``, ``services.case_update``): a
grading dated before the case opened opens it from then; one dated within a closed case's episode raises its colour
but neither reopens it nor asks for a new report; a later one reopens it; a case is closed when it was closed."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from conftest import World
from shanhai.core import clock
from shanhai.maternal import services
from shanhai.maternal.models import CaseStatus, Colour, Pregnancy, RiskCase
from shanhai.maternal.rules import noon
from tests.maternal.factories import Places, grade, make_pregnancy

ORANGE = ["orange.3.6"]
RED = ["red.blood.leukaemia"]


def _at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()).replace(hour=hour))


@pytest.fixture
def pregnancy(world: World, places: Places) -> Pregnancy:
    lmp = clock.today() - timedelta(days=200)
    return make_pregnancy(residence=places.township, registered_at=world.qitai_mch, lmp=lmp, registered_day=60)


def test_a_grading_dated_before_the_case_opens_it_from_then(pregnancy: Pregnancy, world: World) -> None:
    later, earlier = clock.today() - timedelta(days=20), clock.today() - timedelta(days=40)
    grade(pregnancy, world.qitai_hospital, ORANGE, on=later)
    back = grade(pregnancy, world.qitai_hospital, ORANGE, on=earlier)  # entered afterwards, dated before
    case = RiskCase.objects.get(pregnancy=pregnancy)
    assert (case.opened_at, case.opened_by_id) == (noon(earlier), back.pk)
    assert case.report_due_at == noon(earlier) + timedelta(hours=72)  # orange: 72 h from the first orange
    assert case.colour == Colour.ORANGE


def test_a_grading_within_a_closed_episode_raises_the_colour_only(pregnancy: Pregnancy, world: World) -> None:
    first = clock.today() - timedelta(days=60)
    grade(pregnancy, world.qitai_hospital, ORANGE, on=first)
    case = RiskCase.objects.get(pregnancy=pregnancy)
    reported, closed = _at(first + timedelta(days=1), 9), _at(first + timedelta(days=30), 10)
    services.case_update(actor=None, record=case, reported_at=reported)
    services.case_update(actor=None, record=case, status=CaseStatus.CLOSED, close_note="产后无异常", closed_at=closed)
    case.refresh_from_db()
    assert (case.status, case.closed_at) == (CaseStatus.CLOSED, closed)

    grade(pregnancy, world.qitai_hospital, RED, on=first + timedelta(days=10))  # back-entered, inside the episode
    case.refresh_from_db()
    assert (case.status, case.colour, case.reported_at, case.closed_at) == (
        CaseStatus.CLOSED,
        Colour.RED,
        reported,
        closed,
    )

    grade(pregnancy, world.qitai_hospital, RED, on=first + timedelta(days=40))  # after the closing: a new episode
    case.refresh_from_db()
    assert (case.status, case.reported_at, case.closed_at) == (CaseStatus.OPEN, None, None)
    assert case.report_due_at == noon(first + timedelta(days=40)) + timedelta(hours=24)


def test_a_case_is_closed_when_it_was_closed_never_before_its_report_nor_in_the_future(
    pregnancy: Pregnancy, world: World
) -> None:
    first = clock.today() - timedelta(days=60)
    grade(pregnancy, world.qitai_hospital, ORANGE, on=first)
    case = RiskCase.objects.get(pregnancy=pregnancy)
    reported = _at(first + timedelta(days=2), 9)
    services.case_update(actor=None, record=case, reported_at=reported)
    for when, field in ((reported - timedelta(hours=1), "closed_at"), (clock.now() + timedelta(days=1), "closed_at")):
        with pytest.raises(ValidationError) as error:
            services.case_update(actor=None, record=case, status=CaseStatus.CLOSED, close_note="无", closed_at=when)
        assert field in error.value.message_dict
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN
    services.case_update(actor=None, record=case, status=CaseStatus.CLOSED, close_note="无")  # no time: now
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED and clock.now() - case.closed_at < timedelta(minutes=5)
