"""Writes to the screening programmes' records. Every service validates with messages a user can act on and
hands the record to the shared records transaction (validate → save → facts → audit); a refused write saves
nothing. Callers check access first (the records framework does)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from shanhai.accounts.models import User
from shanhai.core import clock
from shanhai.core.models import OrgUnit, OrgUnitKind
from shanhai.core.periods import month_of
from shanhai.maternal.rules import pregnancy_end_date
from shanhai.partnerships.models import Partnership
from shanhai.records.services import record_create, record_delete, record_update
from shanhai.screening.models import (
    LESIONS,
    BreastMethod,
    CancerScreening,
    CareCentre,
    CentreKind,
    CentreLevel,
    CervicalMethod,
    Compliance,
    Diagnosis,
    DiagnosisResult,
    NearMissCase,
    NearMissCause,
    NearMissOutcome,
    NutritionReport,
    PersonSex,
    PreconceptionCheck,
    PremaritalCheck,
    PrenatalMethod,
    PrenatalScreening,
    RiskResult,
    ScreeningTarget,
    ScreenResult,
    TargetPopulation,
)

Errors = dict[str, str]
R = TypeVar("R", bound=models.Model)

#: Ages a woman may be recorded at in cancer screening (the programme targets 35–64; others are recorded).
SCREENING_AGES = (18, 99)
#: Prenatal screening is done in pregnancy; weeks outside this are a typing error.
GESTATION_WEEKS = (6, 42)
#: A near-miss case is identified in pregnancy, childbirth or within 42 days after it (危重孕产妇).
FIRST_YEAR = 2000


# --- shared checks ------------------------------------------------------------------------------------------
def _raise(errors: Errors) -> None:
    if errors:
        raise ValidationError(errors)


def _choice(errors: Errors, field: str, value: str, choices: type[models.TextChoices], *, blank: bool = False) -> None:
    if value in ("", None):
        if not blank:
            errors[field] = _("This is required.")
    elif value not in choices.values:
        errors[field] = _("“%(value)s” is not one of the choices.") % {"value": value}


def _past(errors: Errors, field: str, day: date | None) -> None:
    if day is None:
        errors[field] = _("This is required.")
    elif day > clock.today():
        errors[field] = _("The date cannot be in the future.")


def _institution(errors: Errors, field: str, unit: OrgUnit | None) -> None:
    if unit is None:
        errors[field] = _("This is required.")
    elif unit.is_region:
        errors[field] = _("Choose an institution, not a region.")


def _residence(errors: Errors, field: str, unit: OrgUnit | None) -> None:
    if unit is None:
        errors[field] = _("This is required.")
    elif not unit.is_region:
        errors[field] = _("The residence is a county or a township, not an institution.")


def _count(errors: Errors, field: str, value: int | None, minimum: int = 0) -> None:
    if value is None:
        errors[field] = _("This is required.")
    elif value < minimum:
        errors[field] = _("Enter a number not below %(minimum)s.") % {"minimum": minimum}


def _recipient_region(partnership: Partnership) -> OrgUnit:
    """The nearest region at or above the recipient: where a supporting team's campaign screens."""
    recipient = partnership.recipient
    regions = OrgUnit.objects.filter(pk__in=recipient.ancestor_ids, kind__in=OrgUnitKind.region_kinds())
    return regions.order_by("-level").first() or recipient


def _partnership(errors: Errors, partnership: Partnership | None, day: date | None, residence: OrgUnit | None) -> None:
    """A campaign credited to a partnership falls within its dates and screens residents of the recipient's area."""
    if partnership is None or day is None:
        return
    if day < partnership.started_on or (partnership.ended_on and day > partnership.ended_on):
        errors["partnership"] = _("The screening date falls outside the partnership's period.")
        return
    region = _recipient_region(partnership)
    if residence is not None and not residence.path.startswith(region.path):
        errors["partnership"] = _("%(residence)s is outside %(region)s, the area of the partnership's recipient.") % {
            "residence": residence.name,
            "region": region.name,
        }


def _trim(values: dict[str, Any]) -> dict[str, Any]:
    return {key: (value.strip() if isinstance(value, str) else value) for key, value in values.items()}


def _blank_none(values: dict[str, Any], *names: str) -> dict[str, Any]:
    """Optional choice columns arrive as None from an empty cell; the model stores ''."""
    for name in names:
        if name in values and values[name] is None:
            values[name] = ""
    return values


class _Writes:
    """create / update / delete of one model through the shared records write path."""

    def __init__(
        self,
        model: type[R],
        fields: tuple[str, ...],
        validate: Callable[[Any], None],
        *,
        blanks: tuple[str, ...] = (),
        defaults: dict[str, Any] | None = None,
    ) -> None:
        self.model, self.fields, self.validate, self.blanks = model, fields, validate, blanks
        self.defaults = defaults or {}

    def create(self, *, actor: User, **values: Any) -> Any:
        if unknown := set(values) - set(self.fields):
            raise TypeError(f"unknown fields: {sorted(unknown)}")
        given = {key: value for key, value in values.items() if not (value is None and key in self.defaults)}
        values = _blank_none(_trim({**self.defaults, **given}), *self.blanks, "number", "basis")
        return record_create(actor=actor, record=self.model(**values), validate=self.validate)

    def update(self, *, actor: User, record: Any, **changes: Any) -> Any:
        changes = {
            key: self.defaults[key] if value is None and key in self.defaults else value
            for key, value in changes.items()
        }
        changes = _blank_none(_trim(changes), *self.blanks, "number", "basis")
        return record_update(actor=actor, record=record, changes=changes, editable=self.fields, validate=self.validate)

    def delete(self, *, actor: User, record: Any) -> None:
        record_delete(actor=actor, record=record)


# --- cancer screening ----------------------------------------------------------------------------------------
CANCER_FIELDS = (
    "screened_on",
    "institution",
    "residence",
    "partnership",
    "number",
    "age",
    "cervical_method",
    "cervical_result",
    "cervical_diagnosis",
    "breast_method",
    "breast_result",
    "breast_diagnosis",
    "is_followed_up",
    "is_treated",
)


def validate_cancer_screening(record: CancerScreening) -> None:
    """Rules of the 两癌 programme's individual record: a method per organ screened, a result only after a method,
    a diagnosis only after an abnormal result and its follow-up, treatment only of a lesion found."""
    errors: Errors = {}
    _past(errors, "screened_on", record.screened_on)
    _institution(errors, "institution", record.institution)
    _residence(errors, "residence", record.residence)
    low, high = SCREENING_AGES
    if record.age is None or not low <= record.age <= high:
        errors["age"] = _("Enter an age from %(low)s to %(high)s.") % {"low": low, "high": high}
    for organ, methods in (("cervical", CervicalMethod), ("breast", BreastMethod)):
        method, result, diagnosis = (getattr(record, f"{organ}_{part}") for part in ("method", "result", "diagnosis"))
        _choice(errors, f"{organ}_method", method, methods, blank=True)
        _choice(errors, f"{organ}_result", result, ScreenResult, blank=True)
        _choice(errors, f"{organ}_diagnosis", diagnosis, Diagnosis, blank=True)
        if result and not method:
            errors[f"{organ}_result"] = _("Give the screening method before its result.")
        elif diagnosis and result != ScreenResult.ABNORMAL:
            errors[f"{organ}_diagnosis"] = _("A diagnosis follows an abnormal screening result.")
        elif diagnosis and not record.is_followed_up:
            errors[f"{organ}_diagnosis"] = _("A diagnosis is made at the follow-up: mark the result followed up.")
    if not record.cervical_method and not record.breast_method and "cervical_method" not in errors:
        errors["cervical_method"] = _("Give the cervical or the breast screening method (or both).")
    if record.is_followed_up and not record.is_abnormal:
        errors["is_followed_up"] = _("Only an abnormal result is followed up.")
    if record.is_treated and not (record.cervical_diagnosis in LESIONS or record.breast_diagnosis in LESIONS):
        errors["is_treated"] = _("Treatment is recorded for a precancerous lesion or a cancer found.")
    _partnership(errors, record.partnership, record.screened_on, record.residence)
    _raise(errors)


_cancer = _Writes(
    CancerScreening,
    CANCER_FIELDS,
    validate_cancer_screening,
    blanks=(
        "cervical_method",
        "cervical_result",
        "cervical_diagnosis",
        "breast_method",
        "breast_result",
        "breast_diagnosis",
    ),
)
cancer_screening_create = _cancer.create
cancer_screening_update = _cancer.update
cancer_screening_delete = _cancer.delete


# --- prenatal screening ------------------------------------------------------------------------------------------
PRENATAL_FIELDS = (
    "pregnancy",
    "screened_on",
    "institution",
    "residence",
    "number",
    "gestation_weeks",
    "method",
    "result",
    "diagnosed_on",
    "diagnosis_result",
)


def _pregnancy_of(errors: Errors, record: PrenatalScreening) -> None:
    """A screening linked to a pregnancy is dated within it (from its last menstrual period to its end, or today),
    and takes her residence and her gestation on that day when they are not given; a gestation typed differently
    from the one her last menstrual period gives is refused."""
    pregnancy = record.pregnancy
    if pregnancy is None or record.screened_on is None:
        return
    lmp = pregnancy.last_menstrual_period_on
    end = pregnancy_end_date(pregnancy, or_death=True)
    if record.screened_on < lmp or (end is not None and record.screened_on > end):
        errors["screened_on"] = _("The screening date falls outside this pregnancy (%(start)s to %(end)s).") % {
            "start": lmp.isoformat(),
            "end": end.isoformat() if end else _("today"),
        }
        return
    weeks = (record.screened_on - lmp).days // 7
    if record.gestation_weeks is None:
        record.gestation_weeks = weeks
    elif abs(record.gestation_weeks - weeks) > 1:
        errors["gestation_weeks"] = _(
            "By her last menstrual period she was %(weeks)s weeks pregnant on the screening date."
        ) % {"weeks": weeks}
    if record.residence_id is None:
        record.residence = pregnancy.woman.residence


def validate_prenatal_screening(record: PrenatalScreening) -> None:
    """A prenatal diagnosis (产前诊断) follows a high-risk screening result, on or after the screening; one linked
    to a pregnancy is dated within it (:func:`_pregnancy_of`)."""
    errors: Errors = {}
    _past(errors, "screened_on", record.screened_on)
    _pregnancy_of(errors, record)
    _institution(errors, "institution", record.institution)
    _residence(errors, "residence", record.residence if record.residence_id else None)
    low, high = GESTATION_WEEKS
    if record.gestation_weeks is None or not low <= record.gestation_weeks <= high:
        errors["gestation_weeks"] = _("Enter the weeks of gestation, from %(low)s to %(high)s.") % {
            "low": low,
            "high": high,
        }
    _choice(errors, "method", record.method, PrenatalMethod)
    _choice(errors, "result", record.result, RiskResult)
    _choice(errors, "diagnosis_result", record.diagnosis_result, DiagnosisResult, blank=True)
    if record.diagnosed_on is not None:
        if record.result != RiskResult.HIGH:
            errors["diagnosed_on"] = _("A prenatal diagnosis follows a high-risk screening result.")
        elif record.diagnosed_on > clock.today():
            errors["diagnosed_on"] = _("The date cannot be in the future.")
        elif record.screened_on and record.diagnosed_on < record.screened_on:
            errors["diagnosed_on"] = _("The diagnosis cannot come before the screening.")
        elif not record.diagnosis_result:
            errors["diagnosis_result"] = _("Give the result of the prenatal diagnosis.")
    elif record.diagnosis_result:
        errors["diagnosed_on"] = _("Give the date of the prenatal diagnosis.")
    _raise(errors)


_prenatal = _Writes(PrenatalScreening, PRENATAL_FIELDS, validate_prenatal_screening, blanks=("diagnosis_result",))
prenatal_screening_create = _prenatal.create
prenatal_screening_update = _prenatal.update
prenatal_screening_delete = _prenatal.delete


# --- pre-pregnancy checks ----------------------------------------------------------------------------------------
PRECONCEPTION_FIELDS = (
    "checked_on",
    "institution",
    "residence",
    "number",
    "is_couple",
    "is_risk_found",
    "is_folic_acid_given",
    "folic_acid_compliance",
)


def validate_preconception_check(record: PreconceptionCheck) -> None:
    errors: Errors = {}
    _past(errors, "checked_on", record.checked_on)
    _institution(errors, "institution", record.institution)
    _residence(errors, "residence", record.residence)
    _choice(errors, "folic_acid_compliance", record.folic_acid_compliance, Compliance, blank=True)
    if record.folic_acid_compliance and not record.is_folic_acid_given:
        errors["folic_acid_compliance"] = _("Folic acid is followed up only where it was given.")
    _raise(errors)


_preconception = _Writes(
    PreconceptionCheck, PRECONCEPTION_FIELDS, validate_preconception_check, blanks=("folic_acid_compliance",)
)
preconception_check_create = _preconception.create
preconception_check_update = _preconception.update
preconception_check_delete = _preconception.delete


# --- premarital checks ------------------------------------------------------------------------------------------
PREMARITAL_FIELDS = ("checked_on", "institution", "residence", "number", "sex", "is_condition_found")


def validate_premarital_check(record: PremaritalCheck) -> None:
    errors: Errors = {}
    _past(errors, "checked_on", record.checked_on)
    _institution(errors, "institution", record.institution)
    _residence(errors, "residence", record.residence)
    _choice(errors, "sex", record.sex, PersonSex)
    _raise(errors)


_premarital = _Writes(PremaritalCheck, PREMARITAL_FIELDS, validate_premarital_check)
premarital_check_create = _premarital.create
premarital_check_update = _premarital.update
premarital_check_delete = _premarital.delete


# --- nutrition pack reports --------------------------------------------------------------------------------------
NUTRITION_FIELDS = (
    "month",
    "institution",
    "children_served",
    "packs_issued",
    "children_surveyed",
    "children_effective",
)


def validate_nutrition_report(record: NutritionReport) -> None:
    """One report per institution and month, for a month that has begun; effective takers are among those
    followed up."""
    errors: Errors = {}
    _institution(errors, "institution", record.institution)
    if record.month is None:
        errors["month"] = _("This is required.")
    elif record.month > month_of(clock.today()):
        errors["month"] = _("The month cannot be in the future.")
    for field in NUTRITION_FIELDS[2:]:
        _count(errors, field, getattr(record, field))
    if not errors:
        if record.children_effective > record.children_surveyed:
            errors["children_effective"] = _("Cannot be more than the children followed up (%(count)s).") % {
                "count": record.children_surveyed
            }
        if record.children_served and not record.packs_issued:
            errors["packs_issued"] = _("Children were given packs: enter how many packs.")
        clash = NutritionReport.objects.filter(institution=record.institution, month=record.month)
        if clash.exclude(pk=record.pk).exists():
            errors["month"] = _("%(institution)s has already reported this month.") % {
                "institution": record.institution.name
            }
    _raise(errors)


_nutrition = _Writes(
    NutritionReport,
    NUTRITION_FIELDS,
    validate_nutrition_report,
    defaults={"children_surveyed": 0, "children_effective": 0},
)
nutrition_report_create = _nutrition.create
nutrition_report_update = _nutrition.update
nutrition_report_delete = _nutrition.delete


# --- critical care centres -------------------------------------------------------------------------------------
CENTRE_FIELDS = ("institution", "kind", "level", "designated_on", "revoked_on")


def centre_in_force(institution: OrgUnit, kind: str, day: date) -> bool:
    """Whether the institution is a designated critical care centre of the kind on the day."""
    return (
        CareCentre.objects.filter(institution=institution, kind=kind, designated_on__lte=day)
        .exclude(revoked_on__lt=day)
        .exists()
    )


def validate_care_centre(record: CareCentre) -> None:
    """Every 设区市 and county has at least one maternal and one newborn critical care centre (domain.md §1.7);
    an institution holds one designation of a kind at a time."""
    errors: Errors = {}
    _institution(errors, "institution", record.institution)
    _choice(errors, "kind", record.kind, CentreKind)
    _choice(errors, "level", record.level, CentreLevel)
    _past(errors, "designated_on", record.designated_on)
    if record.revoked_on is not None and record.designated_on and record.revoked_on < record.designated_on:
        errors["revoked_on"] = _("The designation cannot end before it began.")
    if not errors:
        others = CareCentre.objects.filter(institution=record.institution, kind=record.kind).exclude(pk=record.pk)
        others = others.exclude(revoked_on__lt=record.designated_on)
        if record.revoked_on is not None:
            others = others.filter(designated_on__lte=record.revoked_on)
        if others.exists():
            errors["kind"] = _("%(institution)s is already designated as this kind of centre for that time.") % {
                "institution": record.institution.name
            }
    _raise(errors)


_centre = _Writes(CareCentre, CENTRE_FIELDS, validate_care_centre)
care_centre_create = _centre.create
care_centre_update = _centre.update
care_centre_delete = _centre.delete


# --- near-miss cases ----------------------------------------------------------------------------------------------
NEAR_MISS_FIELDS = ("occurred_on", "institution", "residence", "treated_at", "number", "cause", "outcome")


def validate_near_miss_case(record: NearMissCase) -> None:
    """A case treated at a centre names one designated as a critical maternal care centre on the day."""
    errors: Errors = {}
    _past(errors, "occurred_on", record.occurred_on)
    _institution(errors, "institution", record.institution)
    _residence(errors, "residence", record.residence)
    _choice(errors, "cause", record.cause, NearMissCause)
    _choice(errors, "outcome", record.outcome, NearMissOutcome)
    if (
        record.treated_at is not None
        and record.occurred_on is not None
        and "occurred_on" not in errors
        and not centre_in_force(record.treated_at, CentreKind.MATERNAL, record.occurred_on)
    ):
        errors["treated_at"] = _("%(unit)s was not a designated critical maternal care centre on %(day)s.") % {
            "unit": record.treated_at.name,
            "day": record.occurred_on,
        }
    _raise(errors)


_near_miss = _Writes(NearMissCase, NEAR_MISS_FIELDS, validate_near_miss_case)
near_miss_case_create = _near_miss.create
near_miss_case_update = _near_miss.update
near_miss_case_delete = _near_miss.delete


# --- target populations -------------------------------------------------------------------------------------------
TARGET_FIELDS = ("region", "year", "population", "size", "basis")


def validate_screening_target(record: ScreeningTarget) -> None:
    """One figure per region, year and population, for a region (a county or above), entered by the office."""
    errors: Errors = {}
    if record.region is None:
        errors["region"] = _("This is required.")
    elif not record.region.is_region:
        errors["region"] = _("A target population belongs to a region, not an institution.")
    if record.year is None or not FIRST_YEAR <= record.year <= clock.today().year + 1:
        errors["year"] = _("Enter a year from %(low)s to %(high)s.") % {
            "low": FIRST_YEAR,
            "high": clock.today().year + 1,
        }
    _choice(errors, "population", record.population, TargetPopulation)
    _count(errors, "size", record.size, minimum=1)
    if not errors:
        clash = ScreeningTarget.objects.filter(region=record.region, year=record.year, population=record.population)
        if clash.exclude(pk=record.pk).exists():
            errors["population"] = _("This region already has this target population for %(year)s.") % {
                "year": record.year
            }
    _raise(errors)


_target = _Writes(ScreeningTarget, TARGET_FIELDS, validate_screening_target)
screening_target_create = _target.create
screening_target_update = _target.update
screening_target_delete = _target.delete
