"""The record kinds of capability transfer: techniques, their monthly cases, specialties, workload."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from shanhai.accounts.requests import AuthenticatedHttpRequest
from shanhai.capacity import services
from shanhai.capacity.access import can_approve_workload, workload_visibility
from shanhai.capacity.models import (
    GapLevel,
    SpecialtyKind,
    SpecialtyUnit,
    SurgicalGrade,
    Technique,
    TechniqueMonth,
    TechniqueStatus,
    WorkloadReport,
    WorkloadStatus,
)
from shanhai.capacity.status import sustain_months, technique_status
from shanhai.core.models import Department
from shanhai.records.columns import (
    Choice,
    CodeRef,
    Column,
    Date,
    Derived,
    Integer,
    Month,
    PartnershipRef,
    RecordRef,
    UnitRef,
)
from shanhai.records.kinds import RecordKind, register
from shanhai.records.selectors import can_write_record
from shanhai.workforce.columns import PersonRef


def _status_label(technique: Technique) -> str:
    return str(TechniqueStatus(technique_status(technique)).label)


def technique_detail_context(request: AuthenticatedHttpRequest, technique: Technique) -> dict[str, Any]:
    months = list(technique.months.order_by("month"))
    return {
        "technique_status": TechniqueStatus(technique_status(technique)),
        "case_months": months,
        "case_totals": {
            "expert": sum(m.expert_cases for m in months),
            "supervised": sum(m.supervised_cases for m in months),
            "independent": sum(m.independent_cases for m in months),
        },
        "can_add_month": can_write_record(TECHNIQUES, request.user, technique),
        "add_month_url": f"{reverse('records:create', kwargs={'kind': 'technique-cases'})}?technique={technique.public_id}",
        "sustain_months": sustain_months(),
    }


TECHNIQUES = register(
    RecordKind(
        slug="techniques",
        model=Technique,
        app="capacity",
        unit_field="host",
        columns=(
            Column("name", _("Name"), max_length=120, example="腹腔镜胆囊切除术"),
            CodeRef("department", _("Department"), model=Department),
            Choice("surgical_grade", _("Surgical grade"), choices=SurgicalGrade),
            PartnershipRef(),
            UnitRef("host", _("Host institution")),
            PersonRef("introducing_expert", _("Introducing expert"), required=False),
            Date("approved_on", _("Approval date")),
            Date("first_case_on", _("First case date"), required=False),
            Choice("gap_level", _("Gap filled"), choices=GapLevel, required=False),
            # Not in the list: the status needs the cases and postings of each row (see technique_statuses).
            Derived("status", _("Status"), compute=_status_label, in_list=False),
        ),
        create=services.technique_create,
        update=services.technique_update,
        delete=services.technique_delete,
        search_fields=("name", "host__name", "department__name"),
        date_field="approved_on",
        filter_keys=("surgical_grade", "gap_level"),
        ordering=("-approved_on", "name"),
        select_related=(
            "department",
            "partnership",
            "partnership__supporter",
            "partnership__recipient",
            "host",
            "introducing_expert",
        ),
        detail_template="capacity/technique_detail.html",
        detail_context=technique_detail_context,
    )
)

TECHNIQUE_CASES = register(
    RecordKind(
        slug="technique-cases",
        model=TechniqueMonth,
        app="capacity",
        unit_field="technique__host",
        partnership_field="technique__partnership",
        columns=(
            RecordRef("technique", _("Technique (record number)"), kind="techniques"),
            Month("month", _("Month")),
            Integer("expert_cases", _("Cases by supporting experts"), required=False),
            Integer("supervised_cases", _("Cases by local staff, supervised"), required=False),
            Integer("independent_cases", _("Cases by local staff, independently"), required=False),
        ),
        create=services.technique_month_create,
        update=services.technique_month_update,
        delete=services.technique_month_delete,
        search_fields=("technique__name",),
        date_field="month",
        date_is_month=True,
        ordering=("-month",),
        select_related=("technique", "technique__host", "technique__partnership"),
        in_menu=False,
    )
)

SPECIALTIES = register(
    RecordKind(
        slug="specialties",
        model=SpecialtyUnit,
        app="capacity",
        unit_field="host",
        columns=(
            Column("name", _("Name"), max_length=120, example="心血管内科"),
            Choice("kind", _("Kind"), choices=SpecialtyKind),
            Date("established_on", _("Established on")),
            PartnershipRef(),
            UnitRef("host", _("Host institution")),
            CodeRef("department", _("Department"), model=Department, required=False),
            PersonRef("lead_expert", _("Lead expert"), required=False),
        ),
        create=services.specialty_create,
        update=services.specialty_update,
        delete=services.specialty_delete,
        search_fields=("name", "host__name"),
        date_field="established_on",
        filter_keys=("kind",),
        ordering=("-established_on", "name"),
        select_related=(
            "partnership",
            "partnership__supporter",
            "partnership__recipient",
            "host",
            "department",
            "lead_expert",
        ),
    )
)


def _operations_total(report: WorkloadReport) -> int | None:
    return report.operations_total


def workload_detail_context(request: AuthenticatedHttpRequest, report: WorkloadReport) -> dict[str, Any]:
    return {"can_approve": can_approve_workload(request.user, report), "is_approved": report.is_approved}


WORKLOAD_REPORTS = register(
    RecordKind(
        slug="workload-reports",
        model=WorkloadReport,
        app="capacity",
        unit_field="institution",
        partnership_field=None,
        columns=(
            UnitRef("institution", _("Institution")),
            Month("month", _("Month")),
            Integer("outpatient_visits", _("Outpatient visits"), required=False),
            Integer("emergency_visits", _("Emergency visits"), required=False),
            Integer("discharges", _("Discharges"), required=False),
            Integer("operations_grade_1", _("Grade 1 operations"), required=False),
            Integer("operations_grade_2", _("Grade 2 operations"), required=False),
            Integer("operations_grade_3", _("Grade 3 operations"), required=False),
            Integer("operations_grade_4", _("Grade 4 operations"), required=False),
            Integer("referrals_out", _("Referrals out of the county"), required=False),
            Derived("operations_total", _("Operations, total"), compute=_operations_total),
            Derived("status_label", _("Status"), compute=lambda r: str(WorkloadStatus(r.status).label)),
        ),
        create=services.workload_report_create,
        update=services.workload_report_update,
        delete=services.workload_report_delete,
        search_fields=("institution__name",),
        date_field="month",
        date_is_month=True,
        ordering=("-month", "institution__code"),
        select_related=("institution", "institution__parent", "approved_by"),
        detail_template="capacity/workload_detail.html",
        detail_context=workload_detail_context,
        visibility=workload_visibility,
    )
)
