"""The grading page (the catalogue by colour, the colour the ticks give), the assessments' timeline,
and where a user may record an assessment."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from shanhai.accounts.models import User
from shanhai.accounts.scoping import scope_of
from shanhai.core.models import OrgUnit
from shanhai.maternal import risk
from shanhai.maternal.columns import factor_text
from shanhai.maternal.models import AssessmentKind, Colour, RiskAssessment
from shanhai.maternal.rules import assessment_result
from shanhai.maternal.selectors.states import PURPLE
from shanhai.records.lookup import Lookup


@dataclass(frozen=True)
class AssessmentEntry:
    assessment: RiskAssessment
    factors_by_colour: list[tuple[str, str, list[str]]]  # (colour code, label, factor texts)
    screening_items: list[str]


def assessment_entry(assessment: RiskAssessment) -> AssessmentEntry:
    try:
        catalogue = risk.RiskCatalogue.load(assessment.catalogue_version or risk.NATIONAL_VERSION)
    except ValueError:
        catalogue = risk.RiskCatalogue.load()
    groups: dict[str, list[str]] = {}
    screening = []
    for code in assessment.factor_codes:
        if code in catalogue:
            groups.setdefault(catalogue.factor(code).colour.value, []).append(factor_text(code, catalogue))
        else:
            screening.append(factor_text(code, catalogue))
    labels = {**dict(Colour.choices), PURPLE: _("Purple (infectious disease)")}
    ordered = [
        (colour, str(labels[colour]), groups[colour])
        for colour in (*reversed(Colour.values), PURPLE)
        if colour in groups
    ]
    return AssessmentEntry(assessment, ordered, screening)


def grading_institutions(user: User) -> QuerySet[OrgUnit]:
    """Institutions where the user may record an assessment (write access there)."""
    scope = scope_of(user)
    units = Lookup(user).units()
    if scope.is_admin:
        return units.select_related("grade")
    return units.filter(scope_write_q(user)).select_related("grade")


def scope_write_q(user: User) -> Q:
    condition = Q(pk__in=[])
    for path in scope_of(user).write_paths:
        condition |= Q(path__startswith=path)
    return condition


@dataclass(frozen=True)
class GradingResult:
    """What the ticked items give: a colour and the purple flag for a grading, positive/negative for a screening."""

    kind: str
    colour: str
    is_purple: bool
    screening_result: str
    count: int

    @property
    def colour_label(self) -> str:
        return str(Colour(self.colour).label) if self.colour else ""

    @property
    def is_screening(self) -> bool:
        return self.kind == AssessmentKind.SCREENING


def grading_result(catalogue: risk.RiskCatalogue, kind: str, codes: Iterable[str]) -> GradingResult:
    """``risk.grade`` over the ticked factors (unknown codes are the service's to refuse); for a screening,
    positive when any item is ticked."""
    if kind == AssessmentKind.SCREENING:
        items = {item.code for item in catalogue.screening_items}
        ticked = [code for code in dict.fromkeys(codes) if code in items]
    else:
        ticked = [code for code in dict.fromkeys(codes) if code in catalogue]
    result = assessment_result(catalogue, kind, ticked)
    return GradingResult(kind, result.colour, result.is_purple, result.screening_result, len(ticked))


@dataclass(frozen=True)
class FactorGroup:
    colour: str
    label: str
    categories: list[tuple[str, list[risk.RiskFactor]]]


def factor_groups(catalogue: risk.RiskCatalogue) -> list[FactorGroup]:
    """The 评估表's factors by colour (yellow → red, then purple; green last), then by category."""
    labels = {**dict(Colour.choices), PURPLE: _("Purple (infectious disease)")}
    groups = []
    for colour in (Colour.YELLOW, Colour.ORANGE, Colour.RED, PURPLE, Colour.GREEN):
        categories: dict[str, list[risk.RiskFactor]] = {}
        for factor in catalogue.factors_of(risk.Colour(colour)):
            categories.setdefault(factor.category_zh or factor.category, []).append(factor)
        if categories:
            groups.append(FactorGroup(str(colour), str(labels[colour]), list(categories.items())))
    return groups


def screening_groups(catalogue: risk.RiskCatalogue) -> list[tuple[str, list[risk.ScreeningItem]]]:
    """The 筛查表's positive items by section."""
    sections: dict[str, list[risk.ScreeningItem]] = {}
    for item in catalogue.screening_items:
        sections.setdefault(f"{item.section} {item.section_zh}".strip(), []).append(item)
    return list(sections.items())
