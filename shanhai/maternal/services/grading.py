"""Risk screening, grading and the postpartum assessment (国卫办妇幼发〔2017〕35号; domain.md §1): immutable
events whose result ``rules.assessment_result`` computes; an orange, red or purple one opens the 专案."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from shanhai.accounts.models import User
from shanhai.core import clock
from shanhai.core.models import OrgUnit
from shanhai.maternal import risk
from shanhai.maternal.models import AssessmentKind, Colour, Pregnancy, RiskAssessment
from shanhai.maternal.rules import (
    assessment_result,
    can_grade,
    catalogue_for,
    factors_against_facts,
    mch_rules,
    pregnancy_end_date,
)
from shanhai.maternal.services.cases import case_open_or_escalate
from shanhai.maternal.services.checks import has_name, not_future, require_institution
from shanhai.maternal.services.registry import tracking
from shanhai.records.services import record_create


def _check_assessment_date(pregnancy: Pregnancy, kind: str, assessed_on: date) -> None:
    """Screening and grading run from registration to the end of the pregnancy; the postpartum
    assessment within 42 days after it ended (35号 scope: 怀孕至产后42天, domain.md §1.1)."""
    if assessed_on < pregnancy.registered_on:
        raise ValidationError({"assessed_on": _("The assessment is before the pregnancy was registered.")})
    end = pregnancy_end_date(pregnancy)
    window = mch_rules().postpartum_check_day
    if kind == AssessmentKind.POSTPARTUM:
        if end is None:
            raise ValidationError(
                {"kind": _("Record the delivery or the end of the pregnancy before a postpartum assessment.")}
            )
        if not end <= assessed_on <= end + timedelta(days=window):
            raise ValidationError(
                {"assessed_on": _("A postpartum assessment is made within 42 days after the pregnancy ends.")}
            )
    elif end is not None and assessed_on > end:
        raise ValidationError(
            {"kind": _("The pregnancy ended before this date: record a postpartum assessment instead.")}
        )


def _check_against_facts(
    catalogue: risk.RiskCatalogue, pregnancy: Pregnancy, assessed_on: date, codes: list[str]
) -> None:
    """A ticked age factor must fit her age on the assessment date, from her recorded date of birth
    (``rules.factors_against_facts``); the message names the factor, never the date or the age."""
    if wrong := factors_against_facts(pregnancy.woman.birth_date, assessed_on, codes):
        raise ValidationError(
            {
                "factor_codes": [
                    _(
                        "“%(factor)s” does not fit the woman's age on the assessment date (from her recorded date of birth)."
                    )
                    % {"factor": catalogue.wording(code)}
                    for code in wrong
                ]
            }
        )


def assessment_create(
    *,
    actor: User,
    pregnancy: Pregnancy,
    kind: str,
    assessed_on: date,
    institution: OrgUnit,
    factor_codes: list[str] | tuple[str, ...] = (),
    confirmed_colour: str = "",
    assessor_name: str = "",
    note: str = "",
) -> RiskAssessment:
    """Record a screening, a grading or a postpartum assessment (an immutable event; 35号, domain.md §1.6).

    A screening lists the 附件1 items found: positive if any, negative if none; any institution screens.
    A grading lists the 附件2 factors: the colour is computed (highest wins; purple beside it) and the
    assessor must confirm exactly that colour; only a level-2+ hospital grades (a township centre or a
    grade-1 or ungraded hospital screens and refers). A postpartum assessment grades the same way,
    within 42 days after the pregnancy ends, at any institution (基层 assess women postpartum, §1.1).
    An orange, red or purple result opens (or escalates) the 专案 with its reporting deadline.
    """
    if kind not in AssessmentKind.values:
        raise ValidationError({"kind": _("Choose a screening, a grading or a postpartum assessment.")})
    require_institution(institution, "institution")
    not_future(assessed_on, "assessed_on")
    assessor = (assessor_name or getattr(actor, "full_name", "") or getattr(actor, "username", "") or "").strip()
    if not has_name(assessor):
        raise ValidationError({"assessor_name": _("Name the assessor.")})
    catalogue = catalogue_for(institution)
    codes = list(dict.fromkeys(code.strip() for code in factor_codes if code and code.strip()))
    if kind == AssessmentKind.GRADING and not can_grade(institution):
        raise ValidationError(
            {
                "institution": _(
                    "Grading is done at level-2 or higher institutions with midwifery services "
                    "(国卫办妇幼发〔2017〕35号); screen here and refer the woman."
                )
            }
        )
    result = assessment_result(catalogue, kind, codes)
    assessment = RiskAssessment(
        kind=kind,
        assessed_on=assessed_on,
        institution=institution,
        assessor=actor if getattr(actor, "pk", None) else None,
        assessor_name=assessor[:60],
        catalogue_version=catalogue.version,
        factor_codes=codes,
        note=note or "",
        screening_result=result.screening_result,
        colour=result.colour,
        is_purple=result.is_purple,
    )
    if kind != AssessmentKind.SCREENING:
        if confirmed_colour != result.colour:
            raise ValidationError(
                {
                    "confirmed_colour": _("The factors give %(colour)s. Check the factors, or confirm %(colour)s.")
                    % {"colour": Colour(result.colour).label}
                }
            )
        assessment.confirmed_at = clock.now()
    with tracking(pregnancy=pregnancy):
        _check_assessment_date(pregnancy, kind, assessed_on)
        _check_against_facts(catalogue, pregnancy, assessed_on, codes)
        assessment.pregnancy = pregnancy
        record_create(actor=actor, record=assessment, validate=lambda _record: None)
        if assessment.kind != AssessmentKind.SCREENING:
            case_open_or_escalate(actor, pregnancy, assessment)
    return assessment


def assessment_change_refused(**_kwargs: Any) -> None:
    raise ValidationError(_("Assessments are not changed or deleted; record a new assessment instead."))
