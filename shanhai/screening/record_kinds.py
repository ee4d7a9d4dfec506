"""The record kinds of the screening programmes, served by ``shanhai.records`` (list, detail, forms, import and
export, API)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from shanhai.maternal.columns import PregnancyRef
from shanhai.records.columns import Boolean, Choice, Column, Date, Integer, Month, PartnershipRef, UnitRef
from shanhai.records.kinds import RecordKind, register
from shanhai.screening import services
from shanhai.screening.models import (
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


def _residence(*, required: bool = True) -> UnitRef:
    return UnitRef(
        "residence", _("Residence (county or township)"), only_regions=True, example="610326", required=required
    )


def _number() -> Column:
    return Column(
        "number",
        _("Screening number"),
        required=False,
        max_length=40,
        help=_("The institution's own number for the person; no name or ID number is kept."),
    )


register(
    RecordKind(
        slug="cancer-screenings",
        model=CancerScreening,
        app="screening",
        unit_field="institution",
        columns=(
            Date("screened_on", _("Screening date"), example="2022-05-10"),
            UnitRef("institution", _("Screening institution (code or name)"), example="H610326001"),
            _residence(),
            PartnershipRef(
                required=False,
                help=_("For a campaign by a supporting team: the partnership it counts for."),
            ),
            _number(),
            Integer("age", _("Age"), minimum=18, maximum=99, example="45"),
            Choice("cervical_method", _("Cervical method"), choices=CervicalMethod, required=False, example="HPV检测"),
            Choice("cervical_result", _("Cervical result"), choices=ScreenResult, required=False, example="未见异常"),
            Choice("cervical_diagnosis", _("Cervical diagnosis"), choices=Diagnosis, required=False, in_list=False),
            Choice("breast_method", _("Breast method"), choices=BreastMethod, required=False, example="乳腺超声"),
            Choice("breast_result", _("Breast result"), choices=ScreenResult, required=False, example="未见异常"),
            Choice("breast_diagnosis", _("Breast diagnosis"), choices=Diagnosis, required=False, in_list=False),
            Boolean("is_followed_up", _("Abnormal result followed up")),
            Boolean("is_treated", _("Lesion treated"), in_list=False),
        ),
        create=services.cancer_screening_create,
        update=services.cancer_screening_update,
        delete=services.cancer_screening_delete,
        search_fields=("number", "institution__name", "residence__name"),
        date_field="screened_on",
        filter_keys=("cervical_result", "breast_result"),
        ordering=("-screened_on",),
        select_related=("institution", "residence", "partnership__supporter", "partnership__recipient"),
    )
)

register(
    RecordKind(
        slug="prenatal-screenings",
        model=PrenatalScreening,
        app="screening",
        unit_field="institution",
        partnership_field=None,
        columns=(
            PregnancyRef(
                "pregnancy",
                _("Pregnancy (record number or ID number)"),
                required=False,
                help=_("Her pregnancy's file, when it is kept here: her residence and gestation then come from it."),
            ),
            Date("screened_on", _("Screening date"), example="2022-03-02"),
            UnitRef("institution", _("Screening institution (code or name)"), example="H610300001"),
            _residence(required=False),
            _number(),
            Integer("gestation_weeks", _("Gestation (weeks)"), minimum=6, maximum=42, example="16", required=False),
            Choice("method", _("Method"), choices=PrenatalMethod, example="孕中期血清学筛查"),
            Choice("result", _("Result"), choices=RiskResult, example="低风险"),
            Date("diagnosed_on", _("Prenatal diagnosis date"), required=False),
            Choice("diagnosis_result", _("Prenatal diagnosis result"), choices=DiagnosisResult, required=False),
        ),
        create=services.prenatal_screening_create,
        update=services.prenatal_screening_update,
        delete=services.prenatal_screening_delete,
        search_fields=("number", "institution__name", "residence__name"),
        date_field="screened_on",
        filter_keys=("method", "result"),
        ordering=("-screened_on",),
        select_related=("institution", "residence", "pregnancy"),
    )
)

register(
    RecordKind(
        slug="preconception-checks",
        model=PreconceptionCheck,
        app="screening",
        unit_field="institution",
        partnership_field=None,
        columns=(
            Date("checked_on", _("Check date"), example="2022-04-12"),
            UnitRef("institution", _("Checking institution (code or name)"), example="H610326001"),
            _residence(),
            _number(),
            Boolean("is_couple", _("Both partners checked"), example="是"),
            Boolean("is_risk_found", _("Risk found")),
            Boolean("is_folic_acid_given", _("Folic acid given"), example="是"),
            Choice("folic_acid_compliance", _("Folic acid follow-up"), choices=Compliance, required=False),
        ),
        create=services.preconception_check_create,
        update=services.preconception_check_update,
        delete=services.preconception_check_delete,
        search_fields=("number", "institution__name", "residence__name"),
        date_field="checked_on",
        filter_keys=("folic_acid_compliance",),
        ordering=("-checked_on",),
        select_related=("institution", "residence"),
    )
)

register(
    RecordKind(
        slug="premarital-checks",
        model=PremaritalCheck,
        app="screening",
        unit_field="institution",
        partnership_field=None,
        columns=(
            Date("checked_on", _("Check date"), example="2022-05-20"),
            UnitRef("institution", _("Checking institution (code or name)"), example="H610326001"),
            _residence(),
            _number(),
            Choice("sex", _("Sex"), choices=PersonSex, example="女"),
            Boolean("is_condition_found", _("Condition found")),
        ),
        create=services.premarital_check_create,
        update=services.premarital_check_update,
        delete=services.premarital_check_delete,
        search_fields=("number", "institution__name", "residence__name"),
        date_field="checked_on",
        filter_keys=("sex",),
        ordering=("-checked_on",),
        select_related=("institution", "residence"),
    )
)

register(
    RecordKind(
        slug="nutrition-reports",
        model=NutritionReport,
        app="screening",
        unit_field="institution",
        partnership_field=None,
        columns=(
            Month("month", _("Month"), example="2022-03"),
            UnitRef("institution", _("Institution (code or name)"), example="H610326001"),
            Integer("children_served", _("Children given packs (person-times)"), example="410"),
            Integer("packs_issued", _("Packs issued"), example="12300"),
            Integer("children_surveyed", _("Children followed up"), required=False, example="60"),
            Integer("children_effective", _("Children taking packs effectively"), required=False, example="52"),
        ),
        create=services.nutrition_report_create,
        update=services.nutrition_report_update,
        delete=services.nutrition_report_delete,
        search_fields=("institution__name",),
        date_field="month",
        date_is_month=True,
        ordering=("-month", "institution__code"),
        select_related=("institution",),
    )
)

register(
    RecordKind(
        slug="care-centres",
        model=CareCentre,
        app="screening",
        unit_field="institution",
        partnership_field=None,
        columns=(
            UnitRef("institution", _("Institution (code or name)"), example="H610300001"),
            Choice("kind", _("Kind"), choices=CentreKind, example="孕产妇危急重症救治中心"),
            Choice("level", _("Centre level"), choices=CentreLevel, example="市级"),
            Date("designated_on", _("Designated on"), example="2018-06-01"),
            Date("revoked_on", _("Revoked on"), required=False),
        ),
        create=services.care_centre_create,
        update=services.care_centre_update,
        delete=services.care_centre_delete,
        search_fields=("institution__name",),
        date_field="designated_on",
        filter_keys=("kind", "level"),
        ordering=("kind", "level", "institution__code"),
        select_related=("institution",),
    )
)

register(
    RecordKind(
        slug="near-miss-cases",
        model=NearMissCase,
        app="screening",
        unit_field="institution",
        partnership_field=None,
        columns=(
            Date("occurred_on", _("Date identified"), example="2022-02-14"),
            UnitRef("institution", _("Reporting institution (code or name)"), example="H610326002"),
            _residence(),
            UnitRef(
                "treated_at",
                _("Treated at (critical care centre)"),
                required=False,
                help=_("A designated critical maternal care centre; leave empty if treated elsewhere."),
            ),
            Column("number", _("Case number"), required=False, max_length=40),
            Choice("cause", _("Main cause"), choices=NearMissCause, example="产科出血"),
            Choice("outcome", _("Outcome"), choices=NearMissOutcome, example="好转"),
        ),
        create=services.near_miss_case_create,
        update=services.near_miss_case_update,
        delete=services.near_miss_case_delete,
        search_fields=("number", "institution__name", "residence__name", "treated_at__name"),
        date_field="occurred_on",
        filter_keys=("cause", "outcome"),
        ordering=("-occurred_on",),
        select_related=("institution", "residence", "treated_at"),
    )
)

register(
    RecordKind(
        slug="screening-targets",
        model=ScreeningTarget,
        app="screening",
        unit_field="region",
        partnership_field=None,
        columns=(
            UnitRef("region", _("Region (code or name)"), only_regions=True, example="610326"),
            Integer("year", _("Year"), minimum=2000, maximum=2100, example="2022"),
            Choice("population", _("Population"), choices=TargetPopulation, example="宫颈癌筛查目标人群"),
            Integer("size", _("Number of persons or couples"), minimum=1, example="8500"),
            Column("basis", _("Basis"), required=False, max_length=200, help=_("Where the figure comes from.")),
        ),
        create=services.screening_target_create,
        update=services.screening_target_update,
        delete=services.screening_target_delete,
        search_fields=("region__name", "basis"),
        filter_keys=("population",),
        ordering=("-year", "region__code"),
        select_related=("region",),
    )
)
