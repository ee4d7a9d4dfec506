"""The 专案 actions (assign, report, close) and moving a referral from the pregnancy page."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import World
from shanhai.accounts.models import User
from shanhai.core import clock
from shanhai.maternal.models import CaseStatus, Pregnancy, Referral, ReferralStatus, RiskCase
from tests.maternal.factories import grade
from tests.maternal.mch_file import client_for, detail_url


# --- 专案 and referral actions ----------------------------------------------------------------------------------
@pytest.fixture
def graded(ongoing: Pregnancy, world: World) -> RiskCase:
    grade(ongoing, world.qitai_hospital, ["red.blood.leukaemia"], on=clock.today())
    return RiskCase.objects.get(pregnancy=ongoing)


def case_url(case: RiskCase, action: str) -> str:
    return reverse(f"maternal:case_{action}", kwargs={"public_id": case.public_id})


def test_a_case_is_assigned_reported_and_closed(graded: RiskCase, mch_worker: User) -> None:
    client = client_for(mch_worker)
    reported = timezone.localtime().replace(second=0, microsecond=0)

    early_close = client.post(case_url(graded, "close"), {"close_note": "产后42天无异常"})
    assigned = client.post(case_url(graded, "assign"), {"responsible_name": "阿依古丽"})
    report = client.post(case_url(graded, "report"), {"reported_at": reported.strftime("%Y-%m-%dT%H:%M")})
    closed = client.post(case_url(graded, "close"), {"close_note": "产后42天无异常"})

    assert [r.status_code for r in (early_close, assigned, report, closed)] == [302] * 4
    graded.refresh_from_db()
    assert (graded.responsible_name, graded.reported_at, graded.status, graded.close_note) == (
        "阿依古丽",
        reported,
        CaseStatus.CLOSED,
        "产后42天无异常",
    )
    assert early_close["Location"] == detail_url("pregnancies", graded.pregnancy)


def test_closing_before_the_report_shows_the_services_message(graded: RiskCase, mch_worker: User) -> None:
    response = client_for(mch_worker).post(case_url(graded, "close"), {"close_note": "无"}, follow=True)

    assert [str(m) for m in response.context["messages"]] == [
        "Report the case to the MCH institution before closing it."
    ]
    graded.refresh_from_db()
    assert graded.status == CaseStatus.OPEN


def test_a_referral_moves_only_to_its_allowed_next_states(ongoing: Pregnancy, hospital_admin: User) -> None:
    referral = Referral.objects.get(pregnancy=ongoing)
    url = reverse("maternal:referral_move", kwargs={"public_id": referral.public_id})
    client = client_for(hospital_admin)

    skipped = client.post(url, {"status": "arrived"}, follow=True)
    accepted = client.post(url, {"status": "accepted"}, follow=True)
    arrived = client.post(url, {"status": "arrived"}, follow=True)

    assert [str(m) for m in skipped.context["messages"]] == ["A referral that is “Requested” cannot become “Arrived”."]
    assert [str(m) for m in accepted.context["messages"]] == ["The referral is updated."]
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ARRIVED
    assert referral.accepted_at is not None and referral.arrived_at is not None
    content = arrived.content.decode()
    assert 'value="returned"' in content and 'value="cancelled"' not in content


def test_a_case_entered_afterwards_is_closed_at_the_time_given(graded: RiskCase, mch_worker: User) -> None:
    client = client_for(mch_worker)
    now = timezone.localtime().replace(second=0, microsecond=0)
    reported, closed = now.replace(hour=0, minute=0), now  # earlier today, and now (to the minute)
    client.post(case_url(graded, "report"), {"reported_at": reported.strftime("%Y-%m-%dT%H:%M")})
    page = client.get(detail_url("pregnancies", graded.pregnancy)).content.decode()
    assert 'name="closed_at"' in page

    response = client.post(
        case_url(graded, "close"), {"close_note": "转上级医院管理", "closed_at": closed.strftime("%Y-%m-%dT%H:%M")}
    )

    assert response.status_code == 302
    graded.refresh_from_db()
    assert (graded.status, graded.closed_at) == (CaseStatus.CLOSED, closed)
