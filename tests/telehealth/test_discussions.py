"""Case discussions: recurrence, facts (attendance as training person-times), minutes and follow-ups, access
(outsiders 404 on every URL) and the all-or-nothing import."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from shanhai.analytics import facts
from shanhai.analytics.engine import Scope, evaluate
from shanhai.analytics.models import Fact
from shanhai.core import clock
from shanhai.core.periods import parse_period
from shanhai.records.imports import import_rows
from shanhai.records.kinds import kind_of
from shanhai.telehealth import discussions as s
from shanhai.telehealth.models import (
    CaseDiscussion,
    DiscussedCase,
    DiscussionAttendance,
    DiscussionSeries,
    DiscussionStatus,
    FollowUpAction,
    Recurrence,
    Side,
    Weekday,
)
from tests.core.factories import PersonFactory

D = dt.date
T = dt.time
TODAY = D(2025, 3, 5)  # a Wednesday


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: TODAY)


@pytest.fixture
def session(world, admin):
    return s.discussion_create(
        actor=admin,
        partnership=world.partnership,
        scheduled_on=D(2025, 2, 27),
        start_time=T(16, 0),
        end_time=T(17, 30),
        topic="妊娠期高血压疾病病例讨论",
    )


@pytest.fixture
def staff(world):
    recipient = [PersonFactory(institution=world.qitai_hospital, name=f"奇台{n}") for n in range(4)]
    supporting = [PersonFactory(institution=world.fuqing_hospital, name=f"福清{n}") for n in range(2)]
    return recipient, supporting


def discussion_facts():
    return Fact.objects.filter(metric__in=[1151, 1152, 1153, 1154])


def figures(scope, period, codes):
    return {v.code: v.value for v in evaluate(codes, scope, parse_period(period))}


CODES = ["discussions_held", "cases_discussed", "discussion_attendance", "training_person_times"]


# --- recurrence -----------------------------------------------------------------------------------------
def _series(world, recurrence, weekday, starts_on, ends_on=None):
    return DiscussionSeries(
        title="t",
        partnership=world.partnership,
        host=world.fuqing_hospital,
        recipient=world.qitai_hospital,
        recurrence=recurrence,
        weekday=weekday,
        start_time=T(16),
        end_time=T(17),
        starts_on=starts_on,
        ends_on=ends_on,
    )


def test_occurrences_weekly_biweekly_monthly(world):
    weekly = _series(world, Recurrence.WEEKLY, Weekday.THURSDAY, D(2025, 3, 1))
    assert s.occurrences(weekly, after=D(2025, 3, 4), count=3) == [D(2025, 3, 6), D(2025, 3, 13), D(2025, 3, 20)]
    assert s.occurrences(weekly, after=D(2025, 3, 6), count=1) == [D(2025, 3, 13)]
    biweekly = _series(world, Recurrence.BIWEEKLY, Weekday.THURSDAY, D(2025, 3, 1))
    # The fortnight keeps its rhythm from the first session day (6 March), whatever day one asks from.
    assert s.occurrences(biweekly, after=D(2025, 3, 10), count=3) == [D(2025, 3, 20), D(2025, 4, 3), D(2025, 4, 17)]
    monthly = _series(world, Recurrence.MONTHLY, Weekday.TUESDAY, D(2025, 1, 8))  # 2nd Tuesday: 14 January
    assert s.occurrences(monthly, after=D(2025, 1, 1), count=4) == [
        D(2025, 1, 14),
        D(2025, 2, 11),
        D(2025, 3, 11),
        D(2025, 4, 8),
    ]
    ending = _series(world, Recurrence.WEEKLY, Weekday.MONDAY, D(2025, 3, 1), ends_on=D(2025, 3, 17))
    assert s.occurrences(ending, after=D(2025, 3, 1), count=4) == [D(2025, 3, 3), D(2025, 3, 10), D(2025, 3, 17)]


def test_a_new_series_schedules_its_next_four_sessions_and_the_button_four_more(world, admin, client):
    series = s.series_create(
        actor=admin,
        title="福清—奇台病例讨论",
        partnership=world.partnership,
        recurrence=Recurrence.WEEKLY,
        weekday=Weekday.THURSDAY,
        start_time=T(16),
        end_time=T(17, 30),
        starts_on=D(2024, 1, 1),
    )
    days = list(series.sessions.order_by("scheduled_on").values_list("scheduled_on", flat=True))
    assert days == [D(2025, 3, 6), D(2025, 3, 13), D(2025, 3, 20), D(2025, 3, 27)]
    assert set(series.sessions.values_list("status", "host", "recipient", "start_time")) == {
        (DiscussionStatus.SCHEDULED, world.fuqing_hospital.pk, world.qitai_hospital.pk, T(16))
    }
    client.force_login(admin)
    response = client.post(reverse("telehealth:discussion_series_schedule", args=[series.public_id]))
    assert response.status_code == 302
    days = list(series.sessions.order_by("scheduled_on").values_list("scheduled_on", flat=True))
    assert days[4:] == [D(2025, 4, 3), D(2025, 4, 10), D(2025, 4, 17), D(2025, 4, 24)]
    # Scheduled sessions are no facts: nothing was held.
    assert not discussion_facts().exists()


def test_a_session_outside_its_partnership_or_with_the_wrong_sides_is_refused(world, admin):
    with pytest.raises(ValidationError) as refused:
        s.discussion_create(
            actor=admin,
            partnership=world.partnership,
            scheduled_on=D(2021, 2, 1),
            start_time=T(16),
            end_time=T(15),
            host=world.qitai_hospital,
            status=DiscussionStatus.HELD,
        )
    assert refused.value.message_dict == {
        "host": ["The host must be 福清市医院, the partnership's supporting side, or one of its units."],
        "end_time": ["The end time must be after the start time."],
        "scheduled_on": ["The partnership starts on 2021-03-01; the date cannot be earlier."],
    }
    with pytest.raises(ValidationError) as refused:
        s.discussion_create(
            actor=admin,
            partnership=world.partnership,
            scheduled_on=D(2025, 3, 6),
            start_time=T(16),
            end_time=T(17),
            status=DiscussionStatus.HELD,
        )
    assert refused.value.message_dict == {"status": ["A session on a later day cannot have been held yet."]}
    assert not CaseDiscussion.objects.exists()


# --- facts: attendance as training person-times ------------------------------------------------------
def test_attendance_of_the_recipient_side_counts_as_training_person_times(world, admin, session, staff):
    recipient, supporting = staff
    for person in [*recipient[:3], *supporting]:
        s.attendance_create(actor=admin, discussion=session, person=person)
    s.attendance_create(actor=admin, discussion=session, person=recipient[3], attended=False)
    for summary in ("女，32岁，G2P1，孕34周，血压160/110mmHg。", "男，58岁，急性胸痛3小时。"):
        s.discussed_case_create(actor=admin, discussion=session, summary=summary, presenter=recipient[0])
    scope = Scope(partnership=world.partnership)
    # Scheduled, not held: nothing counts yet.
    assert discussion_facts().count() == 0
    s.discussion_update(actor=admin, record=session, status=DiscussionStatus.HELD)
    hand_count = DiscussionAttendance.objects.filter(attended=True, side=Side.RECIPIENT).count()
    assert hand_count == 3
    assert set(DiscussionAttendance.objects.filter(person__in=supporting).values_list("side", flat=True)) == {
        Side.SUPPORTING
    }
    assert figures(scope, "202502", CODES) == {
        "discussions_held": 1,
        "cases_discussed": 2,
        "discussion_attendance": 5,
        "training_person_times": hand_count,
    }
    # The whole region of the recipient and the programme see the same; the month before nothing.
    assert figures(Scope(org_unit=world.qitai), "2025", CODES) == figures(scope, "202502", CODES)
    assert figures(Scope(programme=world.programme), "2025", ["training_person_times"]) == {"training_person_times": 3}
    # Rebuilding the facts from the records gives the same table.
    incremental = sorted(Fact.objects.values_list("metric", "org_unit_id", "partnership_id", "month", "value"))
    facts.rebuild()
    assert sorted(Fact.objects.values_list("metric", "org_unit_id", "partnership_id", "month", "value")) == incremental
    # A person marked absent afterwards, then the session cancelled: the figures follow.
    row = DiscussionAttendance.objects.get(person=recipient[0])
    s.attendance_update(actor=admin, record=row, attended=False)
    assert figures(scope, "202502", ["training_person_times"]) == {"training_person_times": 2}
    s.discussion_update(actor=admin, record=session, status=DiscussionStatus.CANCELLED)
    assert discussion_facts().count() == 0


def test_the_training_indicator_says_it_counts_discussions():
    from shanhai.analytics.registry import registry

    indicator = registry.get("training_person_times")
    assert indicator.definition_en.endswith(
        "Recipient-side staff attending case discussions and remote teaching ward rounds count as well."
    )
    assert "病例讨论" in indicator.definition_zh


def test_taking_attendance_on_the_session_page(world, admin, hospital_admin, session, staff, client):
    recipient, supporting = staff
    client.force_login(hospital_admin)
    url = reverse("telehealth:discussion_attendance", args=[session.public_id])
    ticked = [recipient[0], recipient[1], supporting[0]]
    response = client.post(url, {"present": [str(p.public_id) for p in ticked]})
    assert response.status_code == 302
    assert response.url.endswith("#attendance")
    assert set(DiscussionAttendance.objects.filter(attended=True).values_list("person__name", "side")) == {
        ("奇台0", Side.RECIPIENT),
        ("奇台1", Side.RECIPIENT),
        ("福清0", Side.SUPPORTING),
    }
    # Unticking marks absent (the row stays: they were expected).
    client.post(url, {"present": [str(recipient[0].public_id)]})
    assert list(DiscussionAttendance.objects.filter(attended=True).values_list("person__name", flat=True)) == ["奇台0"]
    assert DiscussionAttendance.objects.filter(attended=False).count() == 2
    page = client.get(reverse("records:detail", args=["case-discussions", session.public_id]))
    assert page.status_code == 200
    assert page.content.decode().count('name="present"') == 6


# --- minutes and follow-ups ------------------------------------------------------------------------------
def test_minutes_and_follow_up_actions(world, admin, hospital_admin, session, client, monkeypatch):
    s.discussion_update(
        actor=admin, record=session, status=DiscussionStatus.HELD, minutes="结论：建议终止妊娠，术前评估。"
    )
    session.refresh_from_db()
    assert session.minutes == "结论：建议终止妊娠，术前评估。"
    client.force_login(hospital_admin)
    add = reverse("telehealth:discussion_follow_up_add", args=[session.public_id])
    response = client.post(
        add, {"description": "整理高危孕产妇转诊流程", "owner": str(hospital_admin.pk), "due_on": "2025-03-20"}
    )
    assert response.status_code == 302
    response = client.post(add, {"description": "复核影像", "owner_name": "李医生"})
    action = FollowUpAction.objects.get(description="整理高危孕产妇转诊流程")
    assert (action.owner, action.due_on, action.done_at) == (hospital_admin, D(2025, 3, 20), None)
    assert FollowUpAction.objects.get(description="复核影像").owner_label == "李医生"
    # Without an owner: refused with a message, nothing added.
    client.post(add, {"description": "无人负责"})
    assert FollowUpAction.objects.count() == 2
    done = reverse("telehealth:discussion_follow_up_done", args=[action.public_id])
    moment = dt.datetime(2025, 3, 5, 2, 30, tzinfo=dt.UTC)
    monkeypatch.setattr(clock, "now", lambda: moment)
    client.post(done, {"done": "1"})
    action.refresh_from_db()
    assert action.done_at == moment
    client.post(done, {"done": "0"})
    action.refresh_from_db()
    assert action.done_at is None
    page = client.get(reverse("records:detail", args=["case-discussions", session.public_id])).content.decode()
    assert "结论：建议终止妊娠，术前评估。" in page
    assert "整理高危孕产妇转诊流程" in page


# --- access -------------------------------------------------------------------------------------------------
def test_outsiders_get_404_on_every_discussion_url(world, admin, outsider, session, staff, client):
    recipient, _supporting = staff
    series = s.series_create(
        actor=admin,
        title="t",
        partnership=world.partnership,
        recurrence=Recurrence.WEEKLY,
        weekday=Weekday.THURSDAY,
        start_time=T(16),
        end_time=T(17),
        starts_on=D(2025, 1, 1),
        schedule=0,
    )
    case = s.discussed_case_create(actor=admin, discussion=session, summary="女，30岁。", presenter_name="王医生")
    row = s.attendance_create(actor=admin, discussion=session, person=recipient[0])
    action = s.follow_up_create(actor=admin, discussion=session, description="随访", owner_name="王医生")
    records = {
        "discussion-series": series,
        "case-discussions": session,
        "discussed-cases": case,
        "discussion-attendance": row,
        "follow-up-actions": action,
    }
    client.force_login(outsider)
    api = APIClient()
    api.force_authenticate(outsider)
    for kind, record in records.items():
        for name in ("records:detail", "records:edit"):
            assert client.get(reverse(name, args=[kind, record.public_id])).status_code == 404, (kind, name)
        assert client.post(reverse("records:delete", args=[kind, record.public_id])).status_code == 404, kind
        assert api.get(f"/api/v1/records/{kind}/{record.public_id}/").status_code == 404, kind
        assert api.get(f"/api/v1/records/{kind}/").json()["count"] == 0, kind
    posts = [
        reverse("telehealth:discussion_attendance", args=[session.public_id]),
        reverse("telehealth:discussion_follow_up_add", args=[session.public_id]),
        reverse("telehealth:discussion_follow_up_done", args=[action.public_id]),
        reverse("telehealth:discussion_series_schedule", args=[series.public_id]),
    ]
    for url in posts:
        assert client.post(url, {"present": [str(recipient[0].public_id)], "done": "1"}).status_code == 404, url
    listing = client.get(reverse("telehealth:discussion_list"), {"when": "all"})
    assert listing.status_code == 200
    assert str(session.public_id) not in listing.content.decode()
    # Nothing changed.
    action.refresh_from_db()
    assert action.done_at is None
    assert series.sessions.count() == 0
    assert DiscussionAttendance.objects.count() == 1


def test_the_supporting_side_sees_and_lists_the_session(world, supporter_user, session, client):
    client.force_login(supporter_user)
    response = client.get(reverse("telehealth:discussion_list"), {"when": "upcoming"})
    assert response.status_code == 200
    assert list(response.context["page"].object_list) == []
    response = client.get(reverse("telehealth:discussion_list"), {"when": "all", "partnership": world.partnership.pk})
    assert [d.pk for d in response.context["page"].object_list] == [session.pk]
    assert client.get(reverse("records:detail", args=["case-discussions", session.public_id])).status_code == 200


# --- import ---------------------------------------------------------------------------------------------------
def test_attendance_import_is_all_or_nothing(world, hospital_admin, session, staff):
    _recipient, supporting = staff
    headers = ["Case discussion (record number)", "Person (record number or name)", "Attended"]
    good = [str(session.public_id), "奇台0", "是"]
    other = [str(session.public_id), str(supporting[0].public_id), "yes"]
    unknown = [str(session.public_id), "无此人", "是"]
    result = import_rows(kind_of("discussion-attendance"), hospital_admin, headers, [good, other, unknown])
    assert [(e.row, e.column, e.message) for e in result.errors] == [
        (4, "Person (record number or name)", "“无此人” was not found among the records you can see.")
    ]
    assert not DiscussionAttendance.objects.exists()
    duplicate = import_rows(kind_of("discussion-attendance"), hospital_admin, headers, [good, good])
    assert [(e.row, e.message) for e in duplicate.errors] == [
        (3, "奇台0 is already on this session's attendance list.")
    ]
    assert not DiscussionAttendance.objects.exists()
    result = import_rows(kind_of("discussion-attendance"), hospital_admin, headers, [good, other])
    assert result.ok and result.created == 2
    assert dict(DiscussionAttendance.objects.values_list("person__name", "side")) == {
        "奇台0": Side.RECIPIENT,
        "福清0": Side.SUPPORTING,
    }


def test_sessions_import_and_export_round_trip(world, hospital_admin):
    headers = ["Partnership (number)", "Kind", "Date", "Start time", "End time", "Status", "Topic"]
    rows = [
        [world.partnership.pk, "Case discussion", "2025-02-20", "16:00", "17:30", "Held", "产后出血"],
        [world.partnership.pk, "Remote teaching ward round", "2025-02-27", "16:00", "17:00", "Scheduled", ""],
    ]
    result = import_rows(kind_of("case-discussions"), hospital_admin, headers, rows)
    assert result.ok and result.created == 2, result.errors
    held = CaseDiscussion.objects.get(scheduled_on=D(2025, 2, 20))
    assert (held.host, held.recipient, held.start_time, held.status) == (
        world.fuqing_hospital,
        world.qitai_hospital,
        T(16),
        DiscussionStatus.HELD,
    )
    bad = [[world.partnership.pk, "Case discussion", "2025-02-21", "25:00", "17:30", "Held", ""]]
    result = import_rows(kind_of("case-discussions"), hospital_admin, headers, [rows[0], *bad])
    assert not result.ok
    assert CaseDiscussion.objects.count() == 2
    assert DiscussedCase.objects.count() == 0


def test_the_sessions_list_and_page_take_a_fixed_number_of_queries(world, admin, session, staff, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    recipient, _supporting = staff
    client.force_login(admin)
    url = reverse("telehealth:discussion_list")

    def queries(path, params=None):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(path, params or {}).status_code == 200
        return len(captured)

    page = reverse("records:detail", args=["case-discussions", session.public_id])
    queries(url)  # the first request of a session reads a few things once
    before = (queries(url, {"when": "all"}), queries(page))
    for day in (6, 13, 20):
        other = s.discussion_create(
            actor=admin, partnership=world.partnership, scheduled_on=D(2025, 2, day), start_time=T(9), end_time=T(10)
        )
        s.discussed_case_create(actor=admin, discussion=other, summary="女，30岁。", presenter=recipient[0])
    for person in recipient:
        s.attendance_create(actor=admin, discussion=session, person=person)
    s.discussed_case_create(actor=admin, discussion=session, summary="男，60岁。", presenter=recipient[1])
    s.follow_up_create(actor=admin, discussion=session, description="随访", owner=admin)
    assert (queries(url, {"when": "all"}), queries(page)) == before
