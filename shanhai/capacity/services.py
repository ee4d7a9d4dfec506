"""Writes to techniques, their monthly cases, specialty units and workload reports.

Each service validates with messages a user can act on and hands the record to the shared
record transaction (validate → save → facts → audit). Callers check access first.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from shanhai.accounts.models import User
from shanhai.capacity.models import (
    WORKLOAD_FIELDS,
    GapLevel,
    SpecialtyKind,
    SpecialtyUnit,
    SurgicalGrade,
    Technique,
    TechniqueMonth,
    WorkloadReport,
    WorkloadStatus,
)
from shanhai.core import clock
from shanhai.core.audit import audit_record, snapshot
from shanhai.core.models import AuditAction, Department, OrgUnit, OrgUnitKind
from shanhai.core.periods import month_of
from shanhai.partnerships.models import Partnership
from shanhai.records.services import record_create, record_delete, record_update
from shanhai.workforce.models import Person

TECHNIQUE_FIELDS = (
    "name",
    "department",
    "surgical_grade",
    "partnership",
    "host",
    "introducing_expert",
    "approved_on",
    "first_case_on",
    "gap_level",
)
TECHNIQUE_MONTH_FIELDS = ("month", "expert_cases", "supervised_cases", "independent_cases")
SPECIALTY_FIELDS = ("name", "kind", "established_on", "partnership", "host", "department", "lead_expert")


def _month_label(month: int) -> str:
    return f"{month // 100}-{month % 100:02d}"


def _check_host(errors: dict[str, str], host: OrgUnit | None, partnership: Partnership | None) -> None:
    """The host is the partnership's recipient or an institution inside it (a campus, a branch)."""
    if host is None or partnership is None:
        return
    if host.kind in OrgUnitKind.region_kinds():
        errors["host"] = _("Choose an institution, not a region.")
    elif not host.path.startswith(partnership.recipient.path):
        errors["host"] = _(
            "%(host)s is not the partnership's recipient (%(recipient)s) nor part of it; "
            "choose the recipient or one of its campuses."
        ) % {"host": host.name, "recipient": partnership.recipient.name}


def _check_within_partnership(errors: dict[str, str], field: str, day: date | None, p: Partnership | None) -> None:
    if day is None or p is None:
        return
    if day > clock.today():
        errors[field] = _("The date cannot be in the future.")
    elif day < p.started_on:
        errors[field] = _("The date is before the partnership started (%(start)s).") % {"start": p.started_on}
    elif p.ended_on is not None and day > p.ended_on:
        errors[field] = _("The date is after the partnership ended (%(end)s).") % {"end": p.ended_on}


# --- techniques ---------------------------------------------------------------------------------
def _validate_technique(t: Technique) -> None:
    errors: dict[str, str] = {}
    if not t.name.strip():
        errors["name"] = _("Enter the technique's name.")
    if t.surgical_grade not in SurgicalGrade.values:
        errors["surgical_grade"] = _("Choose a surgical grade (1–4) or non-surgical.")
    if t.gap_level not in GapLevel.values:
        errors["gap_level"] = _("Choose the level of the gap filled, or none.")
    partnership = t.partnership if t.partnership_id else None
    _check_host(errors, t.host if t.host_id else None, partnership)
    _check_within_partnership(errors, "approved_on", t.approved_on, partnership)
    if t.first_case_on and t.approved_on and t.first_case_on < t.approved_on:
        errors["first_case_on"] = _("The first case cannot be before the technique was approved (%(day)s).") % {
            "day": t.approved_on
        }
    elif t.first_case_on and t.first_case_on > clock.today():
        errors["first_case_on"] = _("The date cannot be in the future.")
    expert = t.introducing_expert if t.introducing_expert_id else None
    if (
        expert is not None
        and partnership is not None
        and not expert.institution.path.startswith(partnership.supporter.path)
    ):
        errors["introducing_expert"] = _(
            "%(name)s does not work at the supporting side of this partnership (%(supporter)s)."
        ) % {"name": expert.name, "supporter": partnership.supporter.name}
    first = t.months.order_by("month").first() if t.pk and t.approved_on else None
    if first is not None and first.month < month_of(t.approved_on):
        errors["approved_on"] = _("Cases are already recorded for %(month)s, before this approval date.") % {
            "month": _month_label(first.month)
        }
    if errors:
        raise ValidationError(errors)


def _technique_dependents(technique: Technique) -> list[TechniqueMonth]:
    return list(technique.months.select_related("technique"))


def technique_create(
    *,
    actor: User,
    name: str,
    department: Department,
    surgical_grade: str,
    partnership: Partnership,
    host: OrgUnit,
    approved_on: date,
    introducing_expert: Person | None = None,
    first_case_on: date | None = None,
    gap_level: str = GapLevel.NONE,
) -> Technique:
    technique = Technique(
        name=name.strip(),
        department=department,
        surgical_grade=surgical_grade,
        partnership=partnership,
        host=host,
        introducing_expert=introducing_expert,
        approved_on=approved_on,
        first_case_on=first_case_on,
        gap_level=gap_level or GapLevel.NONE,
    )
    return record_create(actor=actor, record=technique, validate=_validate_technique)


def technique_update(*, actor: User, record: Technique, **changes: Any) -> Technique:
    if isinstance(changes.get("name"), str):
        changes["name"] = changes["name"].strip()
    return record_update(
        actor=actor,
        record=record,
        changes=changes,
        editable=TECHNIQUE_FIELDS,
        validate=_validate_technique,
        dependents=_technique_dependents,
    )


def technique_delete(*, actor: User, record: Technique) -> None:
    record_delete(actor=actor, record=record, dependents=_technique_dependents)


# --- monthly cases -------------------------------------------------------------------------------
def _validate_technique_month(m: TechniqueMonth) -> None:
    errors: dict[str, str] = {}
    technique = m.technique
    if m.month is None or not 190001 <= m.month <= 299912 or not 1 <= m.month % 100 <= 12:
        errors["month"] = _("Enter a month such as 2024-03.")
    elif m.month > month_of(clock.today()):
        errors["month"] = _("The month cannot be in the future.")
    elif m.month < month_of(technique.approved_on):
        errors["month"] = _("%(month)s is before the technique was approved (%(day)s).") % {
            "month": _month_label(m.month),
            "day": technique.approved_on,
        }
    elif TechniqueMonth.objects.filter(technique=technique, month=m.month).exclude(pk=m.pk).exists():
        errors["month"] = _(
            "Cases for %(month)s are already recorded for this technique; change that month instead."
        ) % {"month": _month_label(m.month)}
    for field in ("expert_cases", "supervised_cases", "independent_cases"):
        value = getattr(m, field)
        if value is None or value < 0:
            errors[field] = _("Enter a number of cases, 0 or more.")
    if errors:
        raise ValidationError(errors)


def technique_month_create(
    *,
    actor: User,
    technique: Technique,
    month: int,
    expert_cases: int | None = 0,
    supervised_cases: int | None = 0,
    independent_cases: int | None = 0,
) -> TechniqueMonth:
    """Record one month's cases of a technique (an empty count is taken as no case that month)."""
    row = TechniqueMonth(
        technique=technique,
        month=month,
        expert_cases=expert_cases or 0,
        supervised_cases=supervised_cases or 0,
        independent_cases=independent_cases or 0,
    )
    return record_create(actor=actor, record=row, validate=_validate_technique_month)


def technique_month_update(*, actor: User, record: TechniqueMonth, **changes: Any) -> TechniqueMonth:
    for field in ("expert_cases", "supervised_cases", "independent_cases"):
        if field in changes and changes[field] is None:
            changes[field] = 0
    return record_update(
        actor=actor, record=record, changes=changes, editable=TECHNIQUE_MONTH_FIELDS, validate=_validate_technique_month
    )


def technique_month_delete(*, actor: User, record: TechniqueMonth) -> None:
    record_delete(actor=actor, record=record)


# --- departments, specialties, studios -----------------------------------------------------------
def _validate_specialty(s: SpecialtyUnit) -> None:
    errors: dict[str, str] = {}
    if not s.name.strip():
        errors["name"] = _("Enter the name of the department, specialty or studio.")
    if s.kind not in SpecialtyKind.values:
        errors["kind"] = _("Choose what was established.")
    partnership = s.partnership if s.partnership_id else None
    _check_host(errors, s.host if s.host_id else None, partnership)
    _check_within_partnership(errors, "established_on", s.established_on, partnership)
    if errors:
        raise ValidationError(errors)


def specialty_create(
    *,
    actor: User,
    name: str,
    kind: str,
    established_on: date,
    partnership: Partnership,
    host: OrgUnit,
    department: Department | None = None,
    lead_expert: Person | None = None,
) -> SpecialtyUnit:
    specialty = SpecialtyUnit(
        name=name.strip(),
        kind=kind,
        established_on=established_on,
        partnership=partnership,
        host=host,
        department=department,
        lead_expert=lead_expert,
    )
    return record_create(actor=actor, record=specialty, validate=_validate_specialty)


def specialty_update(*, actor: User, record: SpecialtyUnit, **changes: Any) -> SpecialtyUnit:
    if isinstance(changes.get("name"), str):
        changes["name"] = changes["name"].strip()
    return record_update(
        actor=actor, record=record, changes=changes, editable=SPECIALTY_FIELDS, validate=_validate_specialty
    )


def specialty_delete(*, actor: User, record: SpecialtyUnit) -> None:
    record_delete(actor=actor, record=record)


# --- workload reports ------------------------------------------------------------------------------
def _locked_message(report: WorkloadReport) -> str:
    return _(
        "The report for %(month)s was approved and is locked; ask the approving authority to unlock it "
        "before changing it."
    ) % {"month": _month_label(report.month)}


def _validate_workload(r: WorkloadReport) -> None:
    errors: dict[str, str] = {}
    if r.institution_id and r.institution.kind in OrgUnitKind.region_kinds():
        errors["institution"] = _("Choose an institution, not a region.")
    if r.month is None or not 190001 <= r.month <= 299912 or not 1 <= r.month % 100 <= 12:
        errors["month"] = _("Enter a month such as 2024-03.")
    elif r.month > month_of(clock.today()):
        errors["month"] = _("The month cannot be in the future.")
    elif (
        r.institution_id
        and WorkloadReport.objects.filter(institution_id=r.institution_id, month=r.month).exclude(pk=r.pk).exists()
    ):
        errors["month"] = _("%(institution)s already has a report for %(month)s; change that report instead.") % {
            "institution": r.institution.name,
            "month": _month_label(r.month),
        }
    for field in WORKLOAD_FIELDS:
        value = getattr(r, field)
        if value is not None and value < 0:
            errors[field] = _("Enter a number, 0 or more, or leave it empty if not reported.")
    if errors:
        raise ValidationError(errors)


def workload_report_create(
    *,
    actor: User,
    institution: OrgUnit,
    month: int,
    outpatient_visits: int | None = None,
    emergency_visits: int | None = None,
    discharges: int | None = None,
    operations_grade_1: int | None = None,
    operations_grade_2: int | None = None,
    operations_grade_3: int | None = None,
    operations_grade_4: int | None = None,
    referrals_out: int | None = None,
) -> WorkloadReport:
    """Submit an institution's figures for a month; a figure left empty stays "not reported"."""
    report = WorkloadReport(
        institution=institution,
        month=month,
        outpatient_visits=outpatient_visits,
        emergency_visits=emergency_visits,
        discharges=discharges,
        operations_grade_1=operations_grade_1,
        operations_grade_2=operations_grade_2,
        operations_grade_3=operations_grade_3,
        operations_grade_4=operations_grade_4,
        referrals_out=referrals_out,
        status=WorkloadStatus.SUBMITTED,
    )
    return record_create(actor=actor, record=report, validate=_validate_workload)


def workload_report_update(*, actor: User, record: WorkloadReport, **changes: Any) -> WorkloadReport:
    """Change a submitted report; an approved one refuses until it is unlocked."""
    current = WorkloadReport.objects.get(pk=record.pk)
    if current.is_approved:
        raise ValidationError({"__all__": _locked_message(current)})
    return record_update(
        actor=actor,
        record=record,
        changes=changes,
        editable=("institution", "month", *WORKLOAD_FIELDS),
        validate=_validate_workload,
    )


def workload_report_delete(*, actor: User, record: WorkloadReport) -> None:
    current = WorkloadReport.objects.get(pk=record.pk)
    if current.is_approved:
        raise ValidationError({"__all__": _locked_message(current)})
    record_delete(actor=actor, record=record)


@transaction.atomic
def workload_report_approve(*, actor: User, record: WorkloadReport) -> WorkloadReport:
    """Approve a submitted report: the month is locked against edits until unlocked."""
    report = WorkloadReport.objects.select_for_update().select_related("institution").get(pk=record.pk)
    if report.is_approved:
        raise ValidationError(
            {"__all__": _("The report for %(month)s is already approved.") % {"month": _month_label(report.month)}}
        )
    before = snapshot(report)
    report.status = WorkloadStatus.APPROVED
    report.approved_by = actor if getattr(actor, "pk", None) else None
    report.approved_at = clock.now()
    report.save(update_fields=["status", "approved_by", "approved_at", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=report,
        before=before,
        after=snapshot(report),
        org_unit=report.institution,
        extra={"event": "approve"},
    )
    return report


@transaction.atomic
def workload_report_unlock(*, actor: User, record: WorkloadReport, reason: str) -> WorkloadReport:
    """Reopen an approved report for correction; the reason is kept in the audit trail."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the approved report must be reopened.")})
    report = WorkloadReport.objects.select_for_update().select_related("institution").get(pk=record.pk)
    if not report.is_approved:
        raise ValidationError(
            {
                "__all__": _("The report for %(month)s is not approved, so it is not locked.")
                % {"month": _month_label(report.month)}
            }
        )
    before = snapshot(report)
    report.status = WorkloadStatus.SUBMITTED
    report.approved_by = None
    report.approved_at = None
    report.save(update_fields=["status", "approved_by", "approved_at", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=report,
        before=before,
        after=snapshot(report),
        org_unit=report.institution,
        extra={"event": "unlock", "reason": reason},
    )
    return report
