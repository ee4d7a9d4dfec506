"""Every write of the MCH records (style.md: services for writes).

Each write goes through the shared write path (``records.services``: validate, save, audit) inside
:func:`tracking`, which re-derives the pregnancy's (or child's) stored fields and moves their facts
by the difference, in the same transaction. Rules cited: 国卫办妇幼发〔2017〕35号 (grading, 专案,
reporting), 国家基本公共卫生服务规范(第三版) (schedules, indicator flags); domain.md §1, §3.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shanhai.analytics import facts
from shanhai.core.models import OrgUnit, OrgUnitKind
from shanhai.maternal import risk
from shanhai.maternal.identity import birth_date_of, id_number_digest, normalise_id_number, normalise_phone
from shanhai.maternal.models import (
    AntenatalVisit,
    AssessmentKind,
    CaseStatus,
    Child,
    ChildCheck,
    Colour,
    DeathAge,
    DeathCause,
    Delivery,
    DeliveryPlace,
    MaternalDeath,
    PostpartumKind,
    PostpartumVisit,
    Pregnancy,
    PregnancyStatus,
    Referral,
    ReferralStatus,
    RiskAssessment,
    RiskCase,
    ScreeningResult,
    Woman,
    colour_rank,
)
from shanhai.maternal.rules import mch_rules
from shanhai.records.services import record_create, record_delete, record_update

#: Days from the last menstrual period to the expected delivery date (Naegele's rule, 40 weeks).
TERM_DAYS = 280
#: Institutions that may grade (35号 §1.1: 开展助产服务的二级以上医疗机构).
GRADING_KINDS = {OrgUnitKind.GENERAL_HOSPITAL, OrgUnitKind.MCH_HOSPITAL, OrgUnitKind.TCM_HOSPITAL}
INSTITUTION_KINDS = set(OrgUnitKind.values) - OrgUnitKind.region_kinds() - {OrgUnitKind.HEALTH_COMMISSION}


# --- facts: the pregnancy's and the child's rows move with every write ---------------------------
def _rows(pregnancy: Pregnancy | None, child: Child | None) -> list[facts.FactRow]:
    from shanhai.maternal.indicators import child_rows, pregnancy_rows

    rows: list[facts.FactRow] = []
    if pregnancy is not None and pregnancy.pk:
        rows += pregnancy_rows(Pregnancy.objects.select_related("woman", "delivery", "death").get(pk=pregnancy.pk))
    if child is not None and child.pk and Child.objects.filter(pk=child.pk).exists():
        rows += child_rows(Child.objects.get(pk=child.pk))
    return rows


@contextmanager
def tracking(*, pregnancy: Pregnancy | None = None, child: Child | None = None) -> Iterator[None]:
    """Around a write: re-derive the stored fields afterwards and apply the facts' difference."""
    with transaction.atomic():
        before = _rows(pregnancy, child)
        yield
        if pregnancy is not None and Pregnancy.objects.filter(pk=pregnancy.pk).exists():
            pregnancy_refresh(Pregnancy.objects.get(pk=pregnancy.pk))
        if child is not None and child.pk and Child.objects.filter(pk=child.pk).exists():
            child_refresh(Child.objects.get(pk=child.pk))
        facts.apply(before, _rows(pregnancy, child))


# --- derived fields ---------------------------------------------------------------------------------
def gestation_days(pregnancy: Pregnancy, on: date) -> int:
    return (on - pregnancy.last_menstrual_period_on).days


def derive_pregnancy(pregnancy: Pregnancy) -> dict[str, Any]:
    """The stored fields of a pregnancy from its other records (domain.md §1.6 rules 2–3, §3.2)."""
    rules = mch_rules()
    values: dict[str, Any] = {
        "expected_delivery_on": pregnancy.last_menstrual_period_on + timedelta(days=TERM_DAYS),
        "gestation_days_at_registration": max(gestation_days(pregnancy, pregnancy.registered_on), 0),
    }
    assessments = sorted(pregnancy.assessments.all(), key=lambda a: (a.assessed_on, a.pk))
    screenings = [a for a in assessments if a.kind == AssessmentKind.SCREENING]
    gradings = [a for a in assessments if a.kind != AssessmentKind.SCREENING]
    values["screening_result"] = screenings[-1].screening_result if screenings else ""
    latest = gradings[-1] if gradings else None
    values["current_colour"] = latest.colour if latest else ""
    values["is_purple"] = latest.is_purple if latest else False
    values["highest_colour"] = max((a.colour for a in gradings), key=colour_rank, default="")
    values["was_ever_purple"] = any(a.is_purple for a in gradings)
    risky = [a for a in gradings if colour_rank(a.colour) >= colour_rank(Colour.YELLOW) or a.is_purple]
    values["high_risk_since"] = risky[0].assessed_on if risky else None

    delivery = getattr_or_none(pregnancy, "delivery")
    death = getattr_or_none(pregnancy, "death")
    end = delivery.delivered_on if delivery else None
    visits = sorted(v.visited_on for v in pregnancy.antenatal_visits.all() if end is None or v.visited_on <= end)
    values["antenatal_visit_count"] = len(visits)
    values["last_antenatal_on"] = visits[-1] if visits else None
    early_limit = pregnancy.last_menstrual_period_on + timedelta(days=rules.early_registration_days)
    values["is_early_registered"] = values["gestation_days_at_registration"] < rules.early_registration_days and any(
        v < early_limit for v in visits
    )
    is_high_risk = bool(risky)
    values["is_high_risk"] = is_high_risk
    needs_case = colour_rank(values["highest_colour"]) >= colour_rank(Colour.ORANGE) or values["was_ever_purple"]
    has_case = getattr_or_none(pregnancy, "case") is not None
    postpartum = list(pregnancy.postpartum_visits.all())
    followed_up = is_high_risk and (
        any(v >= values["high_risk_since"] for v in visits)
        or any(p.visited_on >= values["high_risk_since"] for p in postpartum)
    )
    values["is_high_risk_managed"] = bool(is_high_risk and followed_up and (has_case or not needs_case))
    visited = False
    if delivery is not None:
        start = delivery.discharged_on or delivery.delivered_on
        last = start + timedelta(days=rules.postpartum_visit_days)
        visited = any(p.kind == PostpartumKind.VISIT and start <= p.visited_on <= last for p in postpartum)
    values["is_postpartum_visited"] = visited
    values["is_system_managed"] = bool(
        delivery is not None
        and values["is_early_registered"]
        and len(visits) >= rules.minimum_antenatal_visits
        and delivery.is_modern_method
        and visited
    )
    if death is not None:
        values["status"] = PregnancyStatus.MATERNAL_DEATH
    elif delivery is not None:
        values["status"] = PregnancyStatus.DELIVERED
    elif pregnancy.status in (PregnancyStatus.DELIVERED, PregnancyStatus.MATERNAL_DEATH):
        values["status"] = PregnancyStatus.ONGOING
    return values


def getattr_or_none(obj: Any, name: str) -> Any:
    """A reverse one-to-one (``pregnancy.delivery``) or ``None`` where there is none."""
    try:
        return getattr(obj, name)
    except ObjectDoesNotExist:
        return None


def pregnancy_refresh(pregnancy: Pregnancy) -> Pregnancy:
    values = derive_pregnancy(pregnancy)
    changed = [name for name, value in values.items() if getattr(pregnancy, name) != value]
    for name in changed:
        setattr(pregnancy, name, values[name])
    if changed:
        pregnancy.save(update_fields=[*changed, "updated_at"])
    return pregnancy


def derive_child(child: Child) -> dict[str, Any]:
    """High-risk infant (早产儿保健工作规范: GA <37 weeks; low birth weight <2500 g; or a named reason)
    and the age band of a death."""
    preterm = child.gestation_weeks is not None and child.gestation_weeks < 37
    low_weight = child.birth_weight_grams is not None and child.birth_weight_grams < 2500
    values: dict[str, Any] = {"is_high_risk": bool(preterm or low_weight or child.high_risk_reasons.strip())}
    values["death_age"] = death_age(child.birth_date, child.died_on) if child.died_on else None
    return values


def death_age(born: date, died: date) -> int:
    if (died - born).days < 28:
        return DeathAge.NEONATAL
    if died < _add_years(born, 1):
        return DeathAge.INFANT
    if died < _add_years(born, 5):
        return DeathAge.UNDER_FIVE
    return DeathAge.OLDER


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def child_refresh(child: Child) -> Child:
    values = derive_child(child)
    changed = [name for name, value in values.items() if getattr(child, name) != value]
    for name in changed:
        setattr(child, name, values[name])
    if changed:
        child.save(update_fields=[*changed, "updated_at"])
    return child


# --- validation helpers -------------------------------------------------------------------------------
def _require_institution(unit: OrgUnit | None, field: str) -> None:
    if unit is not None and unit.kind not in INSTITUTION_KINDS:
        raise ValidationError({field: _("Choose an institution, not a region.")})


def _require_region(unit: OrgUnit | None, field: str) -> None:
    if unit is not None and unit.kind not in {OrgUnitKind.COUNTY, OrgUnitKind.TOWNSHIP}:
        raise ValidationError({field: _("Choose a county or a township.")})


def _not_future(day: date | None, field: str) -> None:
    if day is not None and day > timezone.localdate():
        raise ValidationError({field: _("This date is in the future.")})


def can_grade(unit: OrgUnit) -> bool:
    """35号: grading is done in principle by level-2+ institutions that provide midwifery (domain.md §1.1)."""
    grade = unit.grade.code if unit.grade_id else ""  # type: ignore[union-attr]
    return unit.kind in GRADING_KINDS and grade[:1] in {"2", "3"}


# --- women ------------------------------------------------------------------------------------------------
def _validate_woman(woman: Woman) -> None:
    _require_region(woman.residence, "residence")
    _require_institution(woman.registered_at, "registered_at")
    woman.id_number = normalise_id_number(woman.id_number)
    if woman.phone:
        woman.phone = normalise_phone(woman.phone)
    born = birth_date_of(woman.id_number)
    if woman.birth_date is None:
        woman.birth_date = born
    elif woman.birth_date != born:
        raise ValidationError({"birth_date": _("The date of birth differs from the one in the ID number.")})
    woman.id_number_digest = id_number_digest(woman.id_number)
    if Woman.objects.filter(id_number_digest=woman.id_number_digest).exclude(pk=woman.pk).exists():
        raise ValidationError({"id_number": _("A woman with this ID number is already registered.")})


def woman_create(
    *,
    actor: Any,
    name: str,
    id_number: str,
    residence: OrgUnit,
    registered_at: OrgUnit,
    phone: str = "",
    birth_date: date | None = None,
) -> Woman:
    woman = Woman(
        name=name.strip(),
        id_number=id_number,
        phone=phone or None,
        residence=residence,
        registered_at=registered_at,
        birth_date=birth_date,  # type: ignore[misc]
    )
    return record_create(actor=actor, record=woman, validate=_validate_woman)


WOMAN_EDITABLE = ("name", "id_number", "phone", "birth_date", "residence", "registered_at")


def woman_update(*, actor: Any, record: Woman, **changes: Any) -> Woman:
    if "id_number" in changes:
        changes["id_number_digest"] = ""  # recomputed by the validation
    pregnancies = list(record.pregnancies.all())
    with transaction.atomic():
        befores = [_rows(p, None) for p in pregnancies]
        woman = record_update(
            actor=actor,
            record=record,
            changes=changes,
            editable=(*WOMAN_EDITABLE, "id_number_digest"),
            validate=_validate_woman,
        )
        facts.apply([r for rows in befores for r in rows], [r for p in pregnancies for r in _rows(p, None)])
    return woman


def woman_delete(*, actor: Any, record: Woman) -> None:
    if record.pregnancies.exists():
        raise ValidationError(_("This woman has pregnancies on record; delete those first."))
    record_delete(actor=actor, record=record)


# --- pregnancies ---------------------------------------------------------------------------------------------
def _validate_pregnancy(pregnancy: Pregnancy) -> None:
    _require_institution(pregnancy.registered_at, "registered_at")
    _not_future(pregnancy.registered_on, "registered_on")
    days = gestation_days(pregnancy, pregnancy.registered_on)
    if days < 0:
        raise ValidationError({"last_menstrual_period_on": _("The last menstrual period is after the registration.")})
    if days > 44 * 7:
        raise ValidationError({"last_menstrual_period_on": _("That is more than 44 weeks before the registration.")})
    if pregnancy.gravidity < 1 or pregnancy.parity >= pregnancy.gravidity:
        raise ValidationError(
            {"parity": _("Parity must be lower than gravidity (this pregnancy counts in gravidity).")}
        )
    if pregnancy.status == PregnancyStatus.ENDED and (pregnancy.ended_on is None or not pregnancy.end_reason):
        raise ValidationError({"ended_on": _("Give the date and the reason the pregnancy ended.")})
    if pregnancy.ended_on is not None and pregnancy.ended_on < pregnancy.registered_on:
        raise ValidationError({"ended_on": _("The pregnancy cannot end before its registration.")})
    ongoing = Pregnancy.objects.filter(woman=pregnancy.woman, status=PregnancyStatus.ONGOING).exclude(pk=pregnancy.pk)
    if pregnancy.status == PregnancyStatus.ONGOING and ongoing.exists():
        raise ValidationError({"woman": _("This woman already has an ongoing pregnancy on record.")})
    for name, value in derive_dates(pregnancy).items():
        setattr(pregnancy, name, value)


def derive_dates(pregnancy: Pregnancy) -> dict[str, Any]:
    return {
        "expected_delivery_on": pregnancy.last_menstrual_period_on + timedelta(days=TERM_DAYS),
        "gestation_days_at_registration": max(gestation_days(pregnancy, pregnancy.registered_on), 0),
    }


def pregnancy_create(
    *,
    actor: Any,
    woman: Woman,
    registered_on: date,
    registered_at: OrgUnit,
    last_menstrual_period_on: date,
    gravidity: int = 1,
    parity: int = 0,
) -> Pregnancy:
    pregnancy = Pregnancy(
        woman=woman,
        registered_on=registered_on,
        registered_at=registered_at,
        last_menstrual_period_on=last_menstrual_period_on,
        gravidity=gravidity if gravidity is not None else 1,
        parity=parity if parity is not None else 0,
    )
    with transaction.atomic():
        record_create(actor=actor, record=pregnancy, validate=_validate_pregnancy)
        with tracking(pregnancy=pregnancy):
            pass
    return pregnancy


PREGNANCY_EDITABLE = (
    "registered_on",
    "registered_at",
    "last_menstrual_period_on",
    "gravidity",
    "parity",
    "status",
    "ended_on",
    "end_reason",
)


def pregnancy_update(*, actor: Any, record: Pregnancy, **changes: Any) -> Pregnancy:
    status = changes.get("status")
    if status in (PregnancyStatus.DELIVERED, PregnancyStatus.MATERNAL_DEATH):
        raise ValidationError({"status": _("Record the delivery or the death; the status follows.")})
    with tracking(pregnancy=record):
        record_update(
            actor=actor, record=record, changes=changes, editable=PREGNANCY_EDITABLE, validate=_validate_pregnancy
        )
    return Pregnancy.objects.get(pk=record.pk)


def pregnancy_end(*, actor: Any, record: Pregnancy, ended_on: date, reason: str) -> Pregnancy:
    """A pregnancy that ends without delivery (miscarriage, termination …): it leaves the cohorts."""
    return pregnancy_update(
        actor=actor, record=record, status=PregnancyStatus.ENDED, ended_on=ended_on, end_reason=reason
    )


def pregnancy_delete(*, actor: Any, record: Pregnancy) -> None:
    if (
        record.assessments.exists()
        or record.antenatal_visits.exists()
        or getattr_or_none(record, "delivery")
        or record.postpartum_visits.exists()
    ):
        raise ValidationError(_("This pregnancy has visits or assessments on record; it cannot be deleted."))
    with tracking(pregnancy=record):
        record_delete(actor=actor, record=record)


# --- risk assessments and 专案 -------------------------------------------------------------------------
def catalogue_for(unit: OrgUnit) -> risk.RiskCatalogue:
    """The national 2017 catalogue; a province's override would be chosen here by its region."""
    return risk.RiskCatalogue.load(risk.NATIONAL_VERSION)


def _noon(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(12, 0)))


def assessment_create(
    *,
    actor: Any,
    pregnancy: Pregnancy,
    kind: str,
    assessed_on: date,
    institution: OrgUnit,
    factor_codes: list[str] | tuple[str, ...] = (),
    confirmed_colour: str = "",
    assessor_name: str = "",
    note: str = "",
) -> RiskAssessment:
    """Record a screening or a grading (an immutable event). A grading's colour is computed from the
    factors (highest wins, purple beside it: 35号 附件2) and must be confirmed by the assessor; an
    orange, red or purple grading opens the 专案 with its reporting deadline (domain.md §1.6 rules 4–5)."""
    _require_institution(institution, "institution")
    _not_future(assessed_on, "assessed_on")
    if assessed_on < pregnancy.registered_on - timedelta(days=1):
        raise ValidationError({"assessed_on": _("The assessment is before the pregnancy was registered.")})
    catalogue = catalogue_for(institution)
    codes = list(dict.fromkeys(code.strip() for code in factor_codes if code and code.strip()))
    assessment = RiskAssessment(
        pregnancy=pregnancy,
        kind=kind,
        assessed_on=assessed_on,
        institution=institution,
        assessor=actor if getattr(actor, "pk", None) else None,
        assessor_name=(assessor_name or getattr(actor, "full_name", "") or getattr(actor, "username", ""))[:60],
        catalogue_version=catalogue.version,
        factor_codes=codes,
        note=note,
    )
    if kind == AssessmentKind.SCREENING:
        screening_codes = {item.code for item in catalogue.screening_items}
        unknown = [c for c in codes if c not in screening_codes]
        if unknown:
            raise ValidationError(
                {"factor_codes": _("Unknown screening items: %(codes)s") % {"codes": "、".join(unknown)}}
            )
        assessment.screening_result = ScreeningResult.POSITIVE if codes else ScreeningResult.NEGATIVE
    else:
        if not can_grade(institution):
            raise ValidationError(
                {
                    "institution": _(
                        "Grading is done at level-2 or higher institutions with midwifery services "
                        "(国卫办妇幼发〔2017〕35号); screen here and refer the woman."
                    )
                }
            )
        try:
            grading = risk.grade(catalogue, codes)
        except ValueError:
            unknown = [c for c in codes if c not in catalogue]
            raise ValidationError(
                {"factor_codes": _("Unknown risk factors: %(codes)s") % {"codes": "、".join(unknown)}}
            ) from None
        assessment.colour = grading.colour.value
        assessment.is_purple = grading.purple
        if confirmed_colour != grading.colour.value:
            raise ValidationError(
                {
                    "confirmed_colour": _("The factors give %(colour)s. Check the factors, or confirm %(colour)s.")
                    % {"colour": Colour(grading.colour.value).label}
                }
            )
        assessment.confirmed_at = timezone.now()
    with tracking(pregnancy=pregnancy):
        record_create(actor=actor, record=assessment, validate=lambda _record: None)
        if assessment.kind != AssessmentKind.SCREENING:
            _open_or_escalate_case(actor, pregnancy, assessment)
    return assessment


def needs_case(colour: str, purple: bool) -> bool:
    return colour in (Colour.ORANGE, Colour.RED) or purple


def report_deadline(opened_at: datetime, colour: str, purple: bool) -> datetime:
    hours = mch_rules().report_hours
    candidates = [hours[c] for c in (colour,) if c in hours and c in (Colour.ORANGE, Colour.RED)]
    if purple:
        candidates.append(hours["purple"])
    return opened_at + timedelta(hours=min(candidates))


def _open_or_escalate_case(actor: Any, pregnancy: Pregnancy, assessment: RiskAssessment) -> None:
    if not needs_case(assessment.colour, assessment.is_purple):
        return
    at = _noon(assessment.assessed_on) if assessment.assessed_on < timezone.localdate() else timezone.now()
    due = report_deadline(at, assessment.colour, assessment.is_purple)
    case = RiskCase.objects.filter(pregnancy=pregnancy).first()
    if case is None:
        case = RiskCase(
            pregnancy=pregnancy,
            opened_at=at,
            opened_by=assessment,
            colour=assessment.colour if assessment.colour in (Colour.ORANGE, Colour.RED) else "",
            is_purple=assessment.is_purple,
            responsible=actor if getattr(actor, "pk", None) else None,
            responsible_name=assessment.assessor_name or "—",
            report_due_at=due,
        )
        record_create(actor=actor, record=case, validate=lambda _record: None)
        return
    changes: dict[str, Any] = {}
    if colour_rank(assessment.colour) > colour_rank(case.colour):
        changes["colour"] = assessment.colour
        if case.reported_at is None:
            changes["report_due_at"] = min(case.report_due_at, due)
        else:  # a new, higher grading is a new report
            changes["report_due_at"], changes["reported_at"] = due, None
    if assessment.is_purple and not case.is_purple:
        changes["is_purple"] = True
    if case.status == CaseStatus.CLOSED:
        changes.update(status=CaseStatus.OPEN, closed_at=None, close_note="", report_due_at=due, reported_at=None)
    if changes:
        record_update(actor=actor, record=case, changes=changes, editable=list(changes), validate=lambda _r: None)


def assessment_change_refused(**_kwargs: Any) -> None:
    raise ValidationError(_("Assessments are not changed or deleted; record a new assessment instead."))


CASE_EDITABLE = ("responsible_name", "reported_at", "status", "close_note")


def _validate_case(case: RiskCase) -> None:
    if case.status == CaseStatus.CLOSED and case.closed_at is None:
        case.closed_at = timezone.now()
    if case.status == CaseStatus.OPEN:
        case.closed_at = None
    if not case.responsible_name.strip():
        raise ValidationError({"responsible_name": _("A case needs a named responsible person.")})
    if case.reported_at is not None and case.reported_at < case.opened_at - timedelta(days=1):
        raise ValidationError({"reported_at": _("The report cannot be before the case was opened.")})


def case_update(*, actor: Any, record: RiskCase, **changes: Any) -> RiskCase:
    if "status" in changes and changes["status"] != record.status:
        changes["closed_at"] = timezone.now() if changes["status"] == CaseStatus.CLOSED else None
    if "responsible_name" in changes:
        changes["responsible"] = None
    with tracking(pregnancy=record.pregnancy):
        return record_update(
            actor=actor,
            record=record,
            changes=changes,
            editable=(*CASE_EDITABLE, "closed_at", "responsible"),
            validate=_validate_case,
        )


def case_create_refused(**_kwargs: Any) -> None:
    raise ValidationError(_("A case opens by itself when a grading is orange, red or purple."))


def case_delete_refused(**_kwargs: Any) -> None:
    raise ValidationError(_("A case is closed, not deleted."))


# --- referrals: a state machine with a timestamp per state -------------------------------------------------
REFERRAL_MOVES: dict[str, set[str]] = {
    ReferralStatus.REQUESTED: {ReferralStatus.ACCEPTED, ReferralStatus.DECLINED, ReferralStatus.CANCELLED},
    ReferralStatus.ACCEPTED: {ReferralStatus.ARRIVED, ReferralStatus.CANCELLED},
    ReferralStatus.ARRIVED: {ReferralStatus.RETURNED},
    ReferralStatus.RETURNED: set(),
    ReferralStatus.DECLINED: set(),
    ReferralStatus.CANCELLED: set(),
}
REFERRAL_STAMP = {
    ReferralStatus.ACCEPTED: "accepted_at",
    ReferralStatus.ARRIVED: "arrived_at",
    ReferralStatus.RETURNED: "returned_at",
    ReferralStatus.DECLINED: "declined_at",
    ReferralStatus.CANCELLED: "cancelled_at",
}


def _validate_referral(referral: Referral) -> None:
    _require_institution(referral.from_unit, "from_unit")
    _require_institution(referral.to_unit, "to_unit")
    if referral.from_unit_id == referral.to_unit_id:
        raise ValidationError({"to_unit": _("A referral goes to another institution.")})


def referral_create(
    *,
    actor: Any,
    pregnancy: Pregnancy,
    from_unit: OrgUnit,
    to_unit: OrgUnit,
    reason: str,
    requested_at: datetime | None = None,
) -> Referral:
    referral = Referral(
        pregnancy=pregnancy,
        from_unit=from_unit,
        to_unit=to_unit,
        reason=reason,
        requested_at=requested_at or timezone.now(),
    )
    return record_create(actor=actor, record=referral, validate=_validate_referral)


def referral_move(*, actor: Any, record: Referral, status: str, at: datetime | None = None) -> Referral:
    """Move a referral to its next state (requested → accepted → arrived → referred back; or declined /
    cancelled), stamping the time."""
    if status == record.status:
        return record
    if status not in REFERRAL_MOVES[record.status]:
        raise ValidationError(
            {
                "status": _("A referral that is “%(current)s” cannot become “%(new)s”.")
                % {"current": ReferralStatus(record.status).label, "new": ReferralStatus(status).label}
            }
        )
    stamp = REFERRAL_STAMP[ReferralStatus(status)]
    return record_update(
        actor=actor,
        record=record,
        changes={"status": status, stamp: at or timezone.now()},
        editable=("status", stamp),
        validate=_validate_referral,
    )


def referral_update(*, actor: Any, record: Referral, **changes: Any) -> Referral:
    status = changes.pop("status", None)
    with transaction.atomic():
        if changes:
            record = record_update(
                actor=actor,
                record=record,
                changes=changes,
                editable=("from_unit", "to_unit", "reason"),
                validate=_validate_referral,
            )
        if status is not None:
            record = referral_move(actor=actor, record=record, status=status)
    return record


def referral_delete(*, actor: Any, record: Referral) -> None:
    if record.status != ReferralStatus.REQUESTED:
        raise ValidationError(_("Only a referral still requested can be deleted; cancel it instead."))
    record_delete(actor=actor, record=record)


# --- antenatal visits ---------------------------------------------------------------------------------------
def _validate_antenatal(visit: AntenatalVisit) -> None:
    _require_institution(visit.institution, "institution")
    _not_future(visit.visited_on, "visited_on")
    pregnancy = visit.pregnancy
    days = gestation_days(pregnancy, visit.visited_on)
    if days < 0:
        raise ValidationError({"visited_on": _("The visit is before the last menstrual period.")})
    delivery = getattr_or_none(pregnancy, "delivery")
    if delivery is not None and visit.visited_on > delivery.delivered_on:
        raise ValidationError({"visited_on": _("An antenatal visit cannot be after the delivery.")})
    visit.gestation_days = days


def antenatal_visit_create(
    *, actor: Any, pregnancy: Pregnancy, visited_on: date, institution: OrgUnit, note: str = ""
) -> AntenatalVisit:
    visit = AntenatalVisit(pregnancy=pregnancy, visited_on=visited_on, institution=institution, note=note or "")
    with tracking(pregnancy=pregnancy):
        return record_create(actor=actor, record=visit, validate=_validate_antenatal)


def antenatal_visit_update(*, actor: Any, record: AntenatalVisit, **changes: Any) -> AntenatalVisit:
    if "visited_on" in changes:
        changes["gestation_days"] = 0  # recomputed by the validation
    with tracking(pregnancy=record.pregnancy):
        return record_update(
            actor=actor,
            record=record,
            changes=changes,
            editable=("visited_on", "institution", "note", "gestation_days"),
            validate=_validate_antenatal,
        )


def antenatal_visit_delete(*, actor: Any, record: AntenatalVisit) -> None:
    with tracking(pregnancy=record.pregnancy):
        record_delete(actor=actor, record=record)


# --- deliveries, deaths, postpartum visits --------------------------------------------------------------------
def _validate_delivery(delivery: Delivery) -> None:
    _not_future(delivery.delivered_on, "delivered_on")
    pregnancy = delivery.pregnancy
    if pregnancy.status == PregnancyStatus.ENDED:
        raise ValidationError({"pregnancy": _("This pregnancy ended without delivery.")})
    if delivery.delivered_on < pregnancy.registered_on:
        raise ValidationError({"delivered_on": _("The delivery is before the registration.")})
    if delivery.place == DeliveryPlace.FACILITY and delivery.institution is None:
        raise ValidationError({"institution": _("A delivery in a facility names the institution.")})
    _require_institution(delivery.institution, "institution")
    if delivery.live_births + delivery.stillbirths < 1:
        raise ValidationError({"live_births": _("A delivery has at least one live birth or stillbirth.")})
    if delivery.discharged_on is not None and delivery.discharged_on < delivery.delivered_on:
        raise ValidationError({"discharged_on": _("Discharge cannot be before the delivery.")})


DELIVERY_EDITABLE = (
    "delivered_on",
    "place",
    "institution",
    "mode",
    "live_births",
    "stillbirths",
    "is_modern_method",
    "discharged_on",
)


def delivery_create(*, actor: Any, pregnancy: Pregnancy, delivered_on: date, **values: Any) -> Delivery:
    clean = {k: v for k, v in values.items() if k in DELIVERY_EDITABLE and v is not None}
    delivery = Delivery(pregnancy=pregnancy, delivered_on=delivered_on, **clean)
    with tracking(pregnancy=pregnancy):
        return record_create(actor=actor, record=delivery, validate=_validate_delivery)


def delivery_update(*, actor: Any, record: Delivery, **changes: Any) -> Delivery:
    with tracking(pregnancy=record.pregnancy):
        return record_update(
            actor=actor, record=record, changes=changes, editable=DELIVERY_EDITABLE, validate=_validate_delivery
        )


def delivery_delete(*, actor: Any, record: Delivery) -> None:
    with tracking(pregnancy=record.pregnancy):
        record_delete(actor=actor, record=record)


def _validate_death(death: MaternalDeath) -> None:
    _not_future(death.died_on, "died_on")
    pregnancy = death.pregnancy
    if death.died_on < pregnancy.registered_on - timedelta(days=300):
        raise ValidationError({"died_on": _("The date of death is before this pregnancy.")})
    end = getattr_or_none(pregnancy, "delivery")
    ended = end.delivered_on if end else pregnancy.ended_on
    if ended is not None and death.died_on > ended + timedelta(days=mch_rules().postpartum_check_day):
        raise ValidationError(
            {"died_on": _("A maternal death is within 42 days after the pregnancy ends (domain.md §3.2).")}
        )
    if death.reported_on is not None and death.reported_on < death.died_on:
        raise ValidationError({"reported_on": _("The report cannot be before the death.")})


def maternal_death_create(
    *,
    actor: Any,
    pregnancy: Pregnancy,
    died_on: date,
    cause: str,
    place: OrgUnit | None = None,
    reported_on: date | None = None,
) -> MaternalDeath:
    death = MaternalDeath(pregnancy=pregnancy, died_on=died_on, cause=cause, place=place, reported_on=reported_on)
    with tracking(pregnancy=pregnancy):
        return record_create(actor=actor, record=death, validate=_validate_death)


def maternal_death_update(*, actor: Any, record: MaternalDeath, **changes: Any) -> MaternalDeath:
    with tracking(pregnancy=record.pregnancy):
        return record_update(
            actor=actor,
            record=record,
            changes=changes,
            editable=("died_on", "cause", "place", "reported_on"),
            validate=_validate_death,
        )


def maternal_death_delete(*, actor: Any, record: MaternalDeath) -> None:
    with tracking(pregnancy=record.pregnancy):
        record_delete(actor=actor, record=record)


def is_counted_death(cause: str) -> bool:
    """The MMR excludes accidents (domain.md §3.2)."""
    return cause != DeathCause.ACCIDENT


def _validate_postpartum(visit: PostpartumVisit) -> None:
    _require_institution(visit.institution, "institution")
    _not_future(visit.visited_on, "visited_on")
    delivery = getattr_or_none(visit.pregnancy, "delivery")
    if delivery is None:
        raise ValidationError({"pregnancy": _("Record the delivery before postpartum visits.")})
    if visit.visited_on < delivery.delivered_on:
        raise ValidationError({"visited_on": _("A postpartum visit is after the delivery.")})


def postpartum_visit_create(
    *,
    actor: Any,
    pregnancy: Pregnancy,
    visited_on: date,
    institution: OrgUnit,
    kind: str = PostpartumKind.VISIT,
    note: str = "",
) -> PostpartumVisit:
    visit = PostpartumVisit(
        pregnancy=pregnancy,
        visited_on=visited_on,
        institution=institution,
        kind=kind or PostpartumKind.VISIT,
        note=note or "",
    )
    with tracking(pregnancy=pregnancy):
        return record_create(actor=actor, record=visit, validate=_validate_postpartum)


def postpartum_visit_update(*, actor: Any, record: PostpartumVisit, **changes: Any) -> PostpartumVisit:
    with tracking(pregnancy=record.pregnancy):
        return record_update(
            actor=actor,
            record=record,
            changes=changes,
            editable=("kind", "visited_on", "institution", "note"),
            validate=_validate_postpartum,
        )


def postpartum_visit_delete(*, actor: Any, record: PostpartumVisit) -> None:
    with tracking(pregnancy=record.pregnancy):
        record_delete(actor=actor, record=record)


# --- children -------------------------------------------------------------------------------------------------------
CHILD_EDITABLE = (
    "mother",
    "name",
    "sex",
    "birth_date",
    "birth_weight_grams",
    "gestation_weeks",
    "residence",
    "registered_at",
    "high_risk_reasons",
    "newborn_screened_on",
    "hearing_screened_on",
    "died_on",
)


def _validate_child(child: Child) -> None:
    _require_region(child.residence, "residence")
    _require_institution(child.registered_at, "registered_at")
    _not_future(child.birth_date, "birth_date")
    for name in ("newborn_screened_on", "hearing_screened_on", "died_on"):
        day = getattr(child, name)
        _not_future(day, name)
        if day is not None and day < child.birth_date:
            raise ValidationError({name: _("This date is before the birth.")})
    if child.birth_weight_grams is not None and not 300 <= child.birth_weight_grams <= 7000:
        raise ValidationError({"birth_weight_grams": _("A birth weight is between 300 g and 7000 g.")})
    if child.gestation_weeks is not None and not 20 <= child.gestation_weeks <= 45:
        raise ValidationError({"gestation_weeks": _("Gestation at birth is between 20 and 45 weeks.")})
    for name, value in derive_child(child).items():
        setattr(child, name, value)


def child_create(*, actor: Any, **values: Any) -> Child:
    clean = {k: v for k, v in values.items() if k in CHILD_EDITABLE and v not in (None, "")}
    child = Child(**clean)
    with transaction.atomic():
        record_create(actor=actor, record=child, validate=_validate_child)
        facts.apply([], _rows(None, child))
    return child


def child_update(*, actor: Any, record: Child, **changes: Any) -> Child:
    with tracking(child=record):
        return record_update(
            actor=actor, record=record, changes=changes, editable=CHILD_EDITABLE, validate=_validate_child
        )


def child_delete(*, actor: Any, record: Child) -> None:
    if record.checks.exists():
        raise ValidationError(_("This child has health checks on record; delete those first."))
    with transaction.atomic():
        before = _rows(None, record)
        record_delete(actor=actor, record=record)
        facts.apply(before, [])


def _validate_check(check: ChildCheck) -> None:
    _require_institution(check.institution, "institution")
    _not_future(check.checked_on, "checked_on")
    if check.checked_on < check.child.birth_date:
        raise ValidationError({"checked_on": _("This date is before the birth.")})
    duplicate = ChildCheck.objects.filter(child=check.child, kind=check.kind).exclude(pk=check.pk)
    if duplicate.exists():
        raise ValidationError({"kind": _("This check is already on record for the child.")})


def child_check_create(
    *,
    actor: Any,
    child: Child,
    kind: str,
    checked_on: date,
    institution: OrgUnit,
    weight_grams: int | None = None,
    length_cm: Any = None,
) -> ChildCheck:
    check = ChildCheck(
        child=child,
        kind=kind,
        checked_on=checked_on,
        institution=institution,
        weight_grams=weight_grams,
        length_cm=length_cm,
    )
    with tracking(child=child):
        return record_create(actor=actor, record=check, validate=_validate_check)


def child_check_update(*, actor: Any, record: ChildCheck, **changes: Any) -> ChildCheck:
    with tracking(child=record.child):
        return record_update(
            actor=actor,
            record=record,
            changes=changes,
            editable=("kind", "checked_on", "institution", "weight_grams", "length_cm"),
            validate=_validate_check,
        )


def child_check_delete(*, actor: Any, record: ChildCheck) -> None:
    with tracking(child=record.child):
        record_delete(actor=actor, record=record)
