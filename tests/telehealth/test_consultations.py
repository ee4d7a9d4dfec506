"""Consultations (issue 12): asked by the recipient side, answered by the supporting side's pool or expert, decided by
the treating hospital; due times by the partnership's response rules in working hours; reminders and escalation;
turnaround figures through the engine equal to a hand count; outsiders see nothing."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from conftest import World
from shanhai.accounts.models import Role, User
from shanhai.analytics.engine import Scope, evaluate
from shanhai.core import working_time as clocks
from shanhai.core.models import Notice
from shanhai.core.periods import parse_period
from shanhai.telehealth import services
from shanhai.telehealth.models import Consultation, ConsultationPool, EventAction, Priority, ResponseRule, Status
from tests.core.factories import make_user

Z = clocks.ZONE


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=Z)


@pytest.fixture(autouse=True)
def rules(settings: object) -> None:
    settings.SHANHAI_WORKING_HOURS = "08:30-12:00,14:30-18:00"  # type: ignore[attr-defined]
    settings.SHANHAI_CONSULT_RESPONSE = {  # type: ignore[attr-defined]
        "emergency": (2, False),
        "urgent": (4, True),
        "routine": (16, True),
    }


@pytest.fixture
def clinician(world: World) -> User:
    return make_user("qitai-doctor", unit=world.qitai_hospital, role=Role.DATA_CLERK)


@pytest.fixture
def expert(world: World) -> User:
    return make_user("fuqing-expert", unit=world.fuqing_hospital, role=Role.EXPERT)


@pytest.fixture
def head(world: World) -> User:
    return make_user("fuqing-head", unit=world.fuqing_hospital, role=Role.EXPERT)


@pytest.fixture
def pool(world: World, expert: User, head: User) -> ConsultationPool:
    pool = ConsultationPool.objects.create(institution=world.fuqing_hospital, name="福清市医院妇产科会诊组", head=head)
    pool.members.add(expert)
    return pool


@pytest.fixture
def outsider_user(world: World) -> User:
    return make_user("hainan-viewer", unit=world.hainan, role=Role.VIEWER)


def _ask(world: World, clinician: User, pool: ConsultationPool, **kwargs: object) -> Consultation:
    values: dict[str, object] = {
        "partnership": world.partnership,
        "requesting_unit": world.qitai_hospital,
        "question": "孕32周，血压160/110，是否需要转诊？",
        "pool": pool,
    }
    return services.consultation_create(actor=clinician, **(values | kwargs))  # type: ignore[arg-type]


def _page(consultation: Consultation) -> str:
    return reverse("records:detail", kwargs={"kind": "consultations", "public_id": consultation.public_id})


def _action(consultation: Consultation, action: str) -> str:
    return reverse("telehealth:consultation_action", kwargs={"public_id": consultation.public_id, "action": action})


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- the whole way, through the pages ------------------------------------------------------------------
def test_asked_accepted_answered_and_decided_through_the_pages(
    world: World, clinician: User, expert: User, head: User, pool: ConsultationPool
) -> None:
    asking, answering = _client(clinician), _client(expert)
    created = asking.post(
        reverse("records:create", kwargs={"kind": "consultations"}),
        {
            "partnership": world.partnership.pk,
            "requesting_unit": world.qitai_hospital.pk,
            "priority": "urgent",
            "pool": pool.pk,
            "question": "孕32周，血压160/110，是否需要转诊？",
            "summary": "G2P1，既往剖宫产。",
        },
    )
    assert created.status_code == 302, created.content.decode()[-2000:]
    consultation = Consultation.objects.get()
    assert consultation.number.startswith(f"HZ-{consultation.requested_at.astimezone(Z).year}-")
    assert (consultation.status, consultation.requested_by, consultation.pool) == (Status.REQUESTED, clinician, pool)
    assert set(Notice.objects.filter(kind="consultation.requested").values_list("user__username", flat=True)) == {
        "fuqing-expert",
        "fuqing-head",
    }

    inbox = answering.get(reverse("telehealth:inbox")).content.decode()
    assert consultation.number in inbox
    assert answering.post(_action(consultation, "accept")).status_code == 302
    answered = answering.post(_action(consultation, "answer"), {"answer-answer": "建议立即转诊至州医院，硫酸镁解痉。"})
    assert answered.status_code == 302
    consultation.refresh_from_db()
    assert (consultation.status, consultation.expert, consultation.answered_by) == (Status.ANSWERED, expert, expert)
    assert consultation.turnaround_hours is not None and consultation.answered_in_time is True

    decided = asking.post(_action(consultation, "decide"), {"decide-decision": "adopted", "decide-note": ""})
    assert decided.status_code == 302
    consultation.refresh_from_db()
    assert (consultation.status, consultation.decision) == (Status.DECIDED, "adopted")
    assert [e.action for e in consultation.events.all()] == [
        EventAction.REQUEST,
        EventAction.ACCEPT,
        EventAction.ANSWER,
        EventAction.DECIDE,
    ]
    page = asking.get(_page(consultation)).content.decode()
    assert "建议立即转诊至州医院" in page and "data-decision" in page
    assert Notice.objects.filter(user=clinician, kind="consultation.answered").count() == 1


def test_an_empty_answer_shows_the_form_again_with_the_error_and_changes_nothing(
    world: World, clinician: User, expert: User, pool: ConsultationPool
) -> None:
    consultation = _ask(world, clinician, pool)
    response = _client(expert).post(_action(consultation, "answer"), {"answer-answer": " "})
    assert response.status_code == 400
    assert 'id="answer-form"' in response.content.decode()
    consultation.refresh_from_db()
    assert consultation.status == Status.REQUESTED and consultation.events.count() == 1


def test_each_side_may_only_do_its_own_part(
    world: World, clinician: User, expert: User, pool: ConsultationPool
) -> None:
    consultation = _ask(world, clinician, pool)
    with pytest.raises(PermissionDenied):
        services.consultation_answer(actor=clinician, consultation=consultation, answer="自问自答")
    assert _client(clinician).post(_action(consultation, "answer"), {"answer-answer": "自问自答"}).status_code == 403
    with pytest.raises(ValidationError):  # nothing to decide before an answer
        services.consultation_decide(actor=clinician, consultation=consultation, decision="adopted")
    services.consultation_answer(actor=expert, consultation=consultation, answer="建议转诊")
    with pytest.raises(PermissionDenied):
        services.consultation_decide(actor=expert, consultation=consultation, decision="adopted")
    with pytest.raises(ValidationError) as refused:
        services.consultation_decide(actor=clinician, consultation=consultation, decision="not_adopted")
    assert "note" in refused.value.message_dict


def test_reassigning_keeps_who_had_it(
    world: World, clinician: User, expert: User, head: User, pool: ConsultationPool
) -> None:
    other = make_user("fuqing-other", unit=world.fuqing_hospital, role=Role.EXPERT)
    consultation = _ask(world, clinician, pool, expert=expert)
    services.consultation_accept(actor=expert, consultation=consultation)
    moved = services.consultation_reassign(actor=head, consultation=consultation, expert=other, note="专科更对口")
    assert (moved.status, moved.expert, moved.accepted_at) == (Status.REQUESTED, other, None)
    history = [(e.action, e.expert.username if e.expert else None) for e in moved.events.all()]
    assert history == [
        (EventAction.REQUEST, "fuqing-expert"),
        (EventAction.ACCEPT, "fuqing-expert"),
        (EventAction.REASSIGN, "fuqing-other"),
    ]
    assert Notice.objects.filter(user=other, kind="consultation.reassigned").count() == 1


def test_a_request_nears_its_due_time_then_is_escalated_to_the_pools_head_once(
    world: World, clinician: User, expert: User, head: User, pool: ConsultationPool
) -> None:
    asked = at("2024-03-04 09:00")  # a Monday; urgent: 4 working hours: 3 h to 12:00, 1 h after lunch → 15:30
    consultation = _ask(world, clinician, pool, priority=Priority.URGENT, requested_at=asked)
    assert consultation.due_at == at("2024-03-04 15:30")

    assert services.sweep(at("2024-03-04 11:00")) == {"reminded": 0, "escalated": 0}
    assert services.sweep(at("2024-03-04 14:45")) == {"reminded": 1, "escalated": 0}  # 3 of 4 hours gone at 12:00
    assert services.sweep(at("2024-03-04 14:50")) == {"reminded": 0, "escalated": 0}
    assert services.sweep(at("2024-03-04 15:31")) == {"reminded": 0, "escalated": 1}
    assert services.sweep(at("2024-03-04 16:00")) == {"reminded": 0, "escalated": 0}
    # Nobody took it up: its pool's head is told (the members had the reminder).
    assert list(Notice.objects.filter(kind="consultation.overdue").values_list("user__username", flat=True)) == [
        "fuqing-head"
    ]
    assert consultation.events.filter(action=EventAction.ESCALATE).count() == 1


def test_a_partnerships_own_response_rule_decides_the_due_time(
    world: World, clinician: User, pool: ConsultationPool
) -> None:
    ResponseRule.objects.create(partnership=world.partnership, priority=Priority.ROUTINE, hours=3, working_hours=False)
    consultation = _ask(world, clinician, pool, requested_at=at("2024-10-01 10:00"))
    assert consultation.due_at == at("2024-10-01 13:00")


# --- turnaround through the engine, across a holiday and a 调休 Saturday -------------------------------
def test_turnaround_figures_on_the_partnership_page_equal_a_hand_count(
    world: World, clinician: User, expert: User, pool: ConsultationPool
) -> None:
    cases = [
        # (asked, answered, priority): working hours 08:30–12:00, 14:30–18:00
        ("2024-09-30 17:00", "2024-10-08 10:30", Priority.ROUTINE),  # 1 h + (holiday 10/1–10/7) + 2 h = 3 h
        ("2024-10-11 17:00", "2024-10-12 09:30", Priority.URGENT),  # 1 h Friday + 1 h on the 调休 Saturday = 2 h
        ("2024-10-14 09:00", "2024-10-15 09:00", Priority.URGENT),  # 6.5 h Monday + 0.5 h Tuesday = 7 h: late (due 4 h)
        ("2024-10-02 10:00", "2024-10-02 11:30", Priority.EMERGENCY),  # round the clock: 1.5 h
    ]
    for asked, answered, priority in cases:
        consultation = _ask(world, clinician, pool, priority=priority, requested_at=at(asked))
        services.consultation_answer(actor=expert, consultation=consultation, answer="建议", at=at(answered))
    hours = sorted(Consultation.objects.values_list("turnaround_hours", flat=True))
    assert hours == [1.5, 2.0, 3.0, 7.0]

    period = parse_period("202410")
    values = {
        v.code: v
        for v in evaluate(
            [
                "consultations_requested",
                "consultations_answered_in_time",
                "consultations_turnaround_median",
                "consultations_turnaround_p90",
            ],
            Scope(partnership=world.partnership),
            period,
        )
    }
    # Requests in October: three (the first was asked on 9/30). Answered in October: four, three in time.
    assert values["consultations_requested"].value == 3
    assert values["consultations_answered_in_time"].value == pytest.approx(75.0)
    # Median of [1.5, 2, 3, 7] by nearest rank: the 2nd value; 90th percentile: the 4th.
    assert values["consultations_turnaround_median"].value == 2.0
    assert values["consultations_turnaround_p90"].value == 7.0

    page = _client(clinician).get(
        reverse("partnerships:partnership_detail", kwargs={"pk": world.partnership.pk}), {"period": "202410"}
    )
    content = page.content.decode()
    for name in ("Median consultation turnaround", "Consultations answered in time"):
        assert name in content
    assert "75.0" in content


# --- outsiders -----------------------------------------------------------------------------------------
def test_outsiders_get_404_on_every_consultation_address(
    world: World, clinician: User, outsider_user: User, pool: ConsultationPool
) -> None:
    consultation = _ask(world, clinician, pool)
    client = _client(outsider_user)
    assert client.get(_page(consultation)).status_code == 404
    for action in ("accept", "answer", "decide", "cancel", "reassign"):
        assert client.post(_action(consultation, action), {}).status_code == 404
    api = APIClient()
    api.force_authenticate(outsider_user)
    assert api.get(f"/api/v1/records/consultations/{consultation.public_id}/").status_code == 404
    assert api.get("/api/v1/records/consultations/").json()["count"] == 0
    assert consultation.number not in client.get(reverse("telehealth:inbox")).content.decode()


def test_an_import_with_one_bad_row_writes_nothing(world: World, clinician: User, pool: ConsultationPool) -> None:
    from shanhai.records.imports import import_rows
    from shanhai.records.kinds import kind_of

    headers = [
        "Partnership (number)",
        "Asking institution (code or name)",
        "Priority",
        "Consultation pool",
        "Question",
        "Asked at",
    ]
    rows = [
        [world.partnership.pk, "H652325001", "routine", pool.pk, "问题一", "2024-03-04 09:00"],
        [world.partnership.pk, "H460100001", "routine", pool.pk, "问题二", "2024-03-04 09:00"],
    ]
    result = import_rows(kind_of("consultations"), clinician, headers, rows)
    assert not result.ok and Consultation.objects.count() == 0
    assert [e.row for e in result.errors] == [3]


def test_the_next_number_follows_the_years_highest(world: World, clinician: User, pool: ConsultationPool) -> None:
    first = _ask(world, clinician, pool, requested_at=at("2024-03-04 09:00"))
    second = _ask(world, clinician, pool, requested_at=at("2024-03-05 09:00"))
    other_year = _ask(world, clinician, pool, requested_at=at("2025-01-02 09:00"))
    assert (first.number, second.number, other_year.number) == ("HZ-2024-00001", "HZ-2024-00002", "HZ-2025-00001")
    assert timedelta(0) < second.requested_at - first.requested_at


def test_the_workflow_over_the_api_follows_the_same_rules(
    world: World, clinician: User, expert: User, outsider_user: User, pool: ConsultationPool
) -> None:
    consultation = _ask(world, clinician, pool)
    url = f"/api/v1/consultations/{consultation.public_id}"
    as_expert, as_clinician, as_outsider = APIClient(), APIClient(), APIClient()
    as_expert.force_authenticate(expert)
    as_clinician.force_authenticate(clinician)
    as_outsider.force_authenticate(outsider_user)

    assert as_outsider.post(f"{url}/answer/", {"answer": "x"}, format="json").status_code == 404
    assert as_clinician.post(f"{url}/answer/", {"answer": "自问自答"}, format="json").status_code == 403
    assert as_expert.post(f"{url}/answer/", {"answer": ""}, format="json").status_code == 400
    answered = as_expert.post(f"{url}/answer/", {"answer": "建议转诊"}, format="json")
    assert answered.status_code == 200 and answered.json() == {"number": consultation.number, "status": "answered"}
    assert as_clinician.post(f"{url}/decide/", {"decision": "modified"}, format="json").status_code == 400
    decided = as_clinician.post(f"{url}/decide/", {"decision": "modified", "note": "减量"}, format="json")
    assert decided.json()["status"] == "decided"
    assert as_clinician.post(f"{url}/fly/", {}, format="json").status_code == 404


def test_the_turnaround_breakdown_by_priority_uses_the_same_counting(
    world: World, clinician: User, expert: User, pool: ConsultationPool, outsider_user: User
) -> None:
    for asked, answered, priority in [
        ("2024-10-14 09:00", "2024-10-14 10:00", Priority.URGENT),  # 1 h
        ("2024-10-14 09:00", "2024-10-15 09:00", Priority.URGENT),  # 7 h, late
        ("2024-10-02 10:00", "2024-10-02 11:30", Priority.EMERGENCY),  # 1.5 h
    ]:
        consultation = _ask(world, clinician, pool, priority=priority, requested_at=at(asked))
        services.consultation_answer(actor=expert, consultation=consultation, answer="建议", at=at(answered))
    url = reverse("telehealth:turnaround")
    page = _client(clinician).get(url, {"period": "202410", "partnership": world.partnership.pk})
    assert page.status_code == 200
    content = page.content.decode()
    table = content[content.index('data-breakdown="priority"') :]
    table = table[: table.index("</table>")]
    rows = [[cell.strip() for cell in row.split("</td>")[:5]] for row in table.split("<tr>")[2:] if "<td>" in row]
    assert [[c.replace("<td>", "").replace('<td class="num">', "") for c in row] for row in rows] == [
        ["Emergency", "1", "100.0%", "1.5", "1.5"],
        ["Urgent", "2", "50.0%", "1.0", "7.0"],
    ]
    assert _client(outsider_user).get(url, {"partnership": world.partnership.pk}).status_code == 404
