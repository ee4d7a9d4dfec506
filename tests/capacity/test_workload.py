import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from shanhai.analytics import facts
from shanhai.analytics.engine import Scope, evaluate
from shanhai.analytics.models import Fact
from shanhai.capacity import services
from shanhai.capacity.models import WorkloadReport, WorkloadStatus
from shanhai.core.models import AuditEntry
from shanhai.core.periods import parse_period
from shanhai.partnerships.services import partnership_update
from shanhai.records.kinds import kind_of
from shanhai.records.selectors import can_write_record, record_list
from tests.core.factories import make_user

FACT_COLUMNS = ("metric", "org_unit_id", "anc_2", "programme_id", "partnership_id", "month", "value", "record_count")


def values(codes, scope, period):
    return {v.code: (v.numerator, v.denominator, v.value) for v in evaluate(codes, scope, parse_period(period))}


def report(actor, unit, month, **figures):
    return services.workload_report_create(actor=actor, institution=unit, month=month, **figures)


def ops(g1, g2, g3, g4):
    return {"operations_grade_1": g1, "operations_grade_2": g2, "operations_grade_3": g3, "operations_grade_4": g4}


def test_empty_is_not_reported_and_zero_is_reported(world, admin):
    report(admin, world.qitai_hospital, 202301, outpatient_visits=1200, discharges=None, referrals_out=0)
    scope = Scope(org_unit=world.qitai)
    assert values(["outpatient_visits", "discharges", "referrals_out", "operations_total"], scope, "202301") == {
        "outpatient_visits": (1200.0, None, 1200.0),
        "discharges": (None, None, None),
        "referrals_out": (0.0, None, 0.0),
        "operations_total": (None, None, None),
    }
    assert Fact.objects.filter(metric__in=range(441, 449)).count() == 2


def test_operations_share_and_growth(world, admin):
    hospital, mch = world.qitai_hospital, world.qitai_mch
    report(admin, hospital, 202201, **ops(40, 30, 20, 10))
    report(admin, mch, 202202, **ops(10, 10, None, None), emergency_visits=50, outpatient_visits=100)
    report(admin, hospital, 202301, **ops(30, 30, 50, 35))
    report(admin, mch, 202302, **ops(5, 10, 10, 0))
    codes = ["operations_total", "grade_3_4_share", "operations_growth_on_previous_year", "outpatient_emergency_visits"]
    scope = Scope(org_unit=world.qitai)
    assert values(codes, scope, "2023") == {
        "operations_total": (170.0, None, 170.0),
        "grade_3_4_share": (95.0, 170.0, 55.9),
        "operations_growth_on_previous_year": (pytest.approx(41.667, abs=0.001), None, 41.7),  # (170 − 120) ÷ 120
        "outpatient_emergency_visits": (None, None, None),
    }
    assert values(codes, scope, "2022")["grade_3_4_share"] == (30.0, 120.0, 25.0)
    assert values(["operations_growth_on_previous_year"], scope, "2022") == {
        "operations_growth_on_previous_year": (None, None, None)
    }
    # a partnership scope counts its recipient's reports
    partnership = Scope(partnership=world.partnership)
    assert values(["operations_growth_on_previous_year", "operations_growth_on_baseline"], partnership, "2023") == {
        "operations_growth_on_previous_year": (45.0, None, 45.0),  # hospital only: (145 − 100) ÷ 100
        "operations_growth_on_baseline": (45.0, None, 45.0),  # no baseline set: the calendar year before
    }
    partnership_update(
        actor=admin,
        partnership=world.partnership,
        baseline_start=dt.date(2022, 1, 1),
        baseline_end=dt.date(2022, 6, 30),
    )
    world.partnership.refresh_from_db()
    # baseline: 100 operations in 6 months → 16.67 a month; 2023Q1 expects 50, had 145
    assert values(["operations_growth_on_baseline"], Scope(partnership=world.partnership), "2023Q1") == {
        "operations_growth_on_baseline": (pytest.approx(190.0), None, 190.0)
    }
    assert values(["operations_growth_on_previous_year"], Scope(programme=world.programme), "2023")[
        "operations_growth_on_previous_year"
    ] == (45.0, None, 45.0)
    assert values(["operations_growth_on_previous_year"], Scope(org_unit=world.fujian, side="supporter"), "2023")[
        "operations_growth_on_previous_year"
    ] == (45.0, None, 45.0)
    incremental = sorted(Fact.objects.values_list(*FACT_COLUMNS))
    facts.rebuild()
    assert sorted(Fact.objects.values_list(*FACT_COLUMNS)) == incremental


def test_validation_messages(world, admin):
    report(admin, world.qitai_hospital, 202301, discharges=10)
    with pytest.raises(ValidationError) as error:
        report(admin, world.qitai_hospital, 202301, discharges=12)
    assert error.value.message_dict == {
        "month": ["奇台县人民医院 already has a report for 2023-01; change that report instead."]
    }
    with pytest.raises(ValidationError) as error:
        report(admin, world.qitai, 209901)
    assert error.value.message_dict == {
        "institution": ["Choose an institution, not a region."],
        "month": ["The month cannot be in the future."],
    }
    assert WorkloadReport.objects.count() == 1


def test_approval_locks_and_unlock_is_audited(world, admin):
    r = report(admin, world.qitai_hospital, 202301, discharges=10)
    services.workload_report_approve(actor=admin, record=r)
    r.refresh_from_db()
    assert (r.status, r.approved_by) == (WorkloadStatus.APPROVED, admin)
    with pytest.raises(ValidationError) as error:
        services.workload_report_update(actor=admin, record=r, discharges=11)
    locked = "The report for 2023-01 was approved and is locked; ask the approving authority to unlock it before changing it."
    assert error.value.message_dict == {"__all__": [locked]}
    with pytest.raises(ValidationError):
        services.workload_report_delete(actor=admin, record=r)
    with pytest.raises(ValidationError) as error:
        services.workload_report_unlock(actor=admin, record=r, reason=" ")
    assert error.value.message_dict == {"reason": ["Say why the approved report must be reopened."]}
    services.workload_report_unlock(actor=admin, record=r, reason="出院人数漏报1人")
    entry = AuditEntry.objects.filter(object_type="capacity.workloadreport").first()
    assert entry.changes["_"] == {"event": "unlock", "reason": "出院人数漏报1人"}
    assert entry.changes["status"] == ["approved", "submitted"]
    services.workload_report_update(actor=admin, record=r, discharges=11)
    assert values(["discharges"], Scope(org_unit=world.qitai), "202301")["discharges"] == (11.0, None, 11.0)


def test_visibility_and_writes(world, admin, hospital_admin, supporter_user, outsider, mch_worker, commission_user):
    r = report(admin, world.qitai_hospital, 202301, discharges=10)
    kind = kind_of("workload-reports")
    assert list(record_list(kind, hospital_admin)) == [r]
    assert list(record_list(kind, supporter_user)) == [r]  # supports the recipient
    assert list(record_list(kind, commission_user)) == [r]
    assert list(record_list(kind, outsider)) == []
    assert list(record_list(kind, mch_worker)) == []
    assert can_write_record(kind, hospital_admin, r)
    assert not can_write_record(kind, supporter_user, r)


def test_approve_and_unlock_pages(client, world, admin, hospital_admin, commission_user, outsider):
    r = report(admin, world.qitai_hospital, 202301, discharges=10)
    approve = reverse("capacity:workload_approve", kwargs={"public_id": r.public_id})
    unlock = reverse("capacity:workload_unlock", kwargs={"public_id": r.public_id})
    client.force_login(outsider)
    assert client.post(approve).status_code == 404
    client.force_login(hospital_admin)  # the institution itself does not approve its own figures
    assert client.post(approve).status_code == 403
    r.refresh_from_db()
    assert r.status == WorkloadStatus.SUBMITTED
    client.force_login(commission_user)
    detail = reverse("records:detail", kwargs={"kind": "workload-reports", "public_id": r.public_id})
    page = client.get(detail)
    assert page.status_code == 200
    assert "Approve and lock the month" in page.content.decode()
    assert client.post(approve).url == detail
    r.refresh_from_db()
    assert (r.status, r.approved_by) == (WorkloadStatus.APPROVED, commission_user)
    assert "Unlock" in client.get(detail).content.decode()
    client.post(unlock, {"reason": ""})
    r.refresh_from_db()
    assert r.status == WorkloadStatus.APPROVED
    client.post(unlock, {"reason": "更正"})
    r.refresh_from_db()
    assert r.status == WorkloadStatus.SUBMITTED


def test_api_creates_a_report_with_empty_figures(client, world, hospital_admin):
    client.force_login(hospital_admin)
    response = client.post(
        "/api/v1/records/workload-reports/",
        {"institution": world.qitai_hospital.code, "month": "2023-02", "discharges": 30, "referrals_out": None},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    created = WorkloadReport.objects.get()
    assert (created.month, created.discharges, created.referrals_out, created.outpatient_visits) == (
        202302,
        30,
        None,
        None,
    )
    reader = make_user("qitai-reader", unit=world.qitai_hospital, role="viewer")
    client.force_login(reader)
    assert client.delete(f"/api/v1/records/workload-reports/{created.public_id}/").status_code == 403
    assert WorkloadReport.objects.count() == 1


def test_a_month_without_its_report_is_not_reported_never_zero(world, admin):
    """Workload figures are periodic reports: once an institution reports, a later month without a report stays
    unknown (unlike counts of records kept in Shanhai, which turn 0)."""
    report(admin, world.qitai_hospital, 202301, outpatient_visits=1200)
    assert values(["outpatient_visits"], Scope(org_unit=world.qitai), "202302") == {
        "outpatient_visits": (None, None, None)
    }
